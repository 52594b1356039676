export * from './finite-sum.js';
export * from './iris.js';
export * from './linear-models.js';
export * from './loop.js';
