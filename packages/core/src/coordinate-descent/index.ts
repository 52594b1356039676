export * from './lasso.js';
export * from './quadratic.js';
export * from './rules.js';
export * from './smooth.js';
