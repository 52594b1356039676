export * from './nesterov.js';
export * from './rate-experiment.js';
