export { asObjective, defineFiniteSum, type FiniteSum, type FiniteSumSpec } from './finite-sum.js';
export { type IrisData, iris } from './iris.js';
export * from './linear-models.js';
export type { FiniteSumLoopOptions, FiniteSumResult } from './loop.js';
