export * from './batch-size.js';
export * from './minibatch-sgd.js';
