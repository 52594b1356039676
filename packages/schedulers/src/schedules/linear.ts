import { checkNonNegative, checkOptions, checkPositiveInteger } from '../validate.js';
import type { Schedule } from './schedule.js';

export interface LinearOptions {
  /** The rate η_0 (>= 0) the factors multiply. */
  lr: number;
  /** Factor at step 0 (>= 0). Default 1/3. */
  startFactor?: number;
  /** Factor from step totalIters on (>= 0). Default 1. */
  endFactor?: number;
  /** Steps over which the factor moves (a positive integer). Default 5. */
  totalIters?: number;
}

/**
 * A linear ramp of the rate (LinearLR's closed form), for warm-up (start < end) or decay:
 *
 *   η_t = η_0 · (s + (e - s) · min(t, T) / T)
 */
export function linear(options: LinearOptions): Schedule {
  checkOptions('linear', options, ['lr', 'startFactor', 'endFactor', 'totalIters']);
  const lr = checkNonNegative('lr', options.lr);
  const s = checkNonNegative('startFactor', options.startFactor ?? 1 / 3);
  const e = checkNonNegative('endFactor', options.endFactor ?? 1);
  const T = checkPositiveInteger('totalIters', options.totalIters ?? 5);
  return (t) => lr * (s + ((e - s) * Math.min(T, t)) / T);
}
