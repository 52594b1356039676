import { checkBoolean, checkNonNegative, checkPositive, invalid } from '../validate.js';
import type { Schedule } from './schedule.js';

interface ExponentialCommon {
  /** The rate η_0 (>= 0). */
  lr: number;
  /** Steps per unit of time (> 0), as in TF's ExponentialDecay. Default 1. */
  decaySteps?: number;
  /** Decay in whole units of time (⌊t / decaySteps⌋). Default false. */
  staircase?: boolean;
}

export type ExponentialOptions =
  /** torch's form (ExponentialLR): γ per unit of time, γ > 0. */
  | (ExponentialCommon & { gamma: number; alpha?: undefined })
  /** The notes' form: decay rate α >= 0. */
  | (ExponentialCommon & { alpha: number; gamma?: undefined });

/**
 * Exponential decay, in either of its two usual forms (give exactly one of gamma, alpha):
 *
 *   η_t = η_0 · γ^p            (torch's ExponentialLR, TF's ExponentialDecay with γ = decay_rate)
 *   η_t = η_0 · e^{-α p}       (the notes; the same curve with γ = e^{-α})
 *
 * with p = t / decaySteps (p = t by default), or ⌊t / decaySteps⌋ with `staircase`.
 */
export function exponential(options: ExponentialOptions): Schedule {
  const lr = checkNonNegative('lr', options.lr);
  if ((options.gamma === undefined) === (options.alpha === undefined)) {
    throw invalid('gamma', options.gamma, 'exactly one of gamma (η_0·γ^t) and alpha (η_0·e^{-αt})');
  }
  const decaySteps = checkPositive('decaySteps', options.decaySteps ?? 1);
  const staircase = checkBoolean('staircase', options.staircase ?? false);
  const p =
    decaySteps === 1 && !staircase
      ? (t: number) => t
      : staircase
        ? (t: number) => Math.floor(t / decaySteps)
        : (t: number) => t / decaySteps;
  if (options.gamma !== undefined) {
    const gamma = checkPositive('gamma', options.gamma);
    return (t) => lr * gamma ** p(t);
  }
  const alpha = checkNonNegative('alpha', options.alpha);
  return (t) => lr * Math.exp(-alpha * p(t));
}
