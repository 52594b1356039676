import { checkIncreasingIntegers, checkNonNegative, checkOptions, checkPositive } from '../validate.js';
import type { Schedule } from './schedule.js';

export interface MultiStepOptions {
  /** The rate η_0 (>= 0). */
  lr: number;
  /** Steps at which the rate is multiplied by γ (strictly increasing integers >= 0). */
  milestones: number[];
  /** Factor per milestone (> 0). Default 0.1. */
  gamma?: number;
}

/**
 * Decay at milestones (MultiStepLR's closed form): η_t = η_0 · γ^{#{m ∈ milestones : m <= t}}
 */
export function multiStep(options: MultiStepOptions): Schedule {
  checkOptions('multiStep', options, ['lr', 'milestones', 'gamma']);
  const lr = checkNonNegative('lr', options.lr);
  const milestones = checkIncreasingIntegers('milestones', options.milestones, 0);
  const gamma = checkPositive('gamma', options.gamma ?? 0.1);
  return (t) => {
    let passed = 0;
    while (passed < milestones.length && milestones[passed] <= t) passed++;
    return lr * gamma ** passed;
  };
}
