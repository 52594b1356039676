import { checkBoolean, checkNonNegative, checkOptions, checkPositive } from '../validate.js';
import type { Schedule } from './schedule.js';

export interface InverseTimeOptions {
  /** The rate η_0 (>= 0). */
  lr: number;
  /** Decay rate α (>= 0). */
  alpha: number;
  /** Steps per unit of time (> 0), as in TF's InverseTimeDecay. Default 1. */
  decaySteps?: number;
  /** Decay in whole units of time (⌊t / decaySteps⌋). Default false. */
  staircase?: boolean;
}

/**
 * Inverse-time decay (the notes; TF's InverseTimeDecay):
 *
 *   η_t = η_0 / (1 + α · t / decaySteps)         (staircase: ⌊t / decaySteps⌋ in place of t / decaySteps)
 */
export function inverseTime(options: InverseTimeOptions): Schedule {
  checkOptions('inverseTime', options, ['lr', 'alpha', 'decaySteps', 'staircase']);
  const lr = checkNonNegative('lr', options.lr);
  const alpha = checkNonNegative('alpha', options.alpha);
  const decaySteps = checkPositive('decaySteps', options.decaySteps ?? 1);
  const staircase = checkBoolean('staircase', options.staircase ?? false);
  return (t) => {
    const p = staircase ? Math.floor(t / decaySteps) : t / decaySteps;
    return lr / (1 + alpha * p);
  };
}
