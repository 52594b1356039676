import { checkNonNegative, checkOptions, checkPositive, checkPositiveInteger } from '../validate.js';
import type { Schedule } from './schedule.js';

export interface PolynomialOptions {
  /** The rate η_0 (>= 0). */
  lr: number;
  /** Steps until the end rate is reached (a positive integer). */
  totalIters: number;
  /** The power p (> 0). Default 1. */
  power?: number;
  /** The end rate (>= 0), as TF's PolynomialDecay has. Default 0 (torch's PolynomialLR). */
  endLr?: number;
}

/**
 * Polynomial decay (PolynomialLR's closed form, with TF's end rate):
 *
 *   η_t = (η_0 - η_end) · (1 - min(t, T) / T)^p + η_end
 */
export function polynomial(options: PolynomialOptions): Schedule {
  checkOptions('polynomial', options, ['lr', 'totalIters', 'power', 'endLr']);
  const lr = checkNonNegative('lr', options.lr);
  const T = checkPositiveInteger('totalIters', options.totalIters);
  const power = checkPositive('power', options.power ?? 1);
  const endLr = checkNonNegative('endLr', options.endLr ?? 0);
  if (endLr === 0) return (t) => lr * (1.0 - Math.min(T, t) / T) ** power;
  return (t) => (lr - endLr) * (1.0 - Math.min(T, t) / T) ** power + endLr;
}
