import { checkNonNegative, checkPositive, invalid } from '../validate.js';
import type { Schedule } from './schedule.js';

export type ExponentialOptions =
  /** torch's form (ExponentialLR): γ per step, γ > 0. */
  | { lr: number; gamma: number; alpha?: undefined }
  /** The notes' form: decay rate α >= 0. */
  | { lr: number; alpha: number; gamma?: undefined };

/**
 * Exponential decay, in either of its two usual forms (give exactly one of gamma, alpha):
 *
 *   η_t = η_0 · γ^t            (torch's ExponentialLR)
 *   η_t = η_0 · e^{-α t}       (the notes; the same curve with γ = e^{-α})
 */
export function exponential(options: ExponentialOptions): Schedule {
  const lr = checkNonNegative('lr', options.lr);
  if ((options.gamma === undefined) === (options.alpha === undefined)) {
    throw invalid('gamma', options.gamma, 'exactly one of gamma (η_0·γ^t) and alpha (η_0·e^{-αt})');
  }
  if (options.gamma !== undefined) {
    const gamma = checkPositive('gamma', options.gamma);
    return (t) => lr * gamma ** t;
  }
  const alpha = checkNonNegative('alpha', options.alpha);
  return (t) => lr * Math.exp(-alpha * t);
}
