import { checkNonNegative, checkOptions, checkPositive, checkPositiveInteger } from '../validate.js';
import type { Schedule } from './schedule.js';

export interface StepOptions {
  /** The rate η_0 (>= 0). */
  lr: number;
  /** Period of the decay (a positive integer). */
  stepSize: number;
  /** Factor per period (> 0). Default 0.1. */
  gamma?: number;
}

/**
 * Step decay (StepLR's closed form): η_t = η_0 · γ^⌊t / stepSize⌋
 */
export function step(options: StepOptions): Schedule {
  checkOptions('step', options, ['lr', 'stepSize', 'gamma']);
  const lr = checkNonNegative('lr', options.lr);
  const stepSize = checkPositiveInteger('stepSize', options.stepSize);
  const gamma = checkPositive('gamma', options.gamma ?? 0.1);
  return (t) => lr * gamma ** Math.floor(t / stepSize);
}
