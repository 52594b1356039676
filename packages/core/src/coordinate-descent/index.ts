export * from './lasso.js';
export * from './quadratic.js';
export type { CoordinateDescentOptions, CoordinateDescentResult, CoordinateRule } from './rules.js';
export * from './smooth.js';
