import { checkNonNegative, checkOptions, checkPositive } from '../validate.js';
import type { Schedule } from './schedule.js';

export interface CosineOptions {
  /** η_max, the rate at step 0 (>= 0). */
  lr: number;
  /** Half-period T_max (> 0). */
  TMax: number;
  /** The floor η_min (>= 0). Default 0. */
  etaMin?: number;
}

/**
 * Cosine annealing (CosineAnnealingLR's closed form; SGDR without restarts):
 *
 *   η_t = η_min + ½ (η_max - η_min) (1 + cos(π t / T_max))
 *
 * Past T_max the cosine rises again (period 2T_max), as torch's does; for one decay that then stays
 * at η_min, use sequential([cosine(...), constant({ lr: etaMin })], [TMax]). The CosineAnnealingLR
 * class computes the same curve recursively (see its notes on where the two forms differ).
 */
export function cosine(options: CosineOptions): Schedule {
  checkOptions('cosine', options, ['lr', 'TMax', 'etaMin']);
  const lr = checkNonNegative('lr', options.lr);
  const TMax = checkPositive('TMax', options.TMax);
  const etaMin = checkNonNegative('etaMin', options.etaMin ?? 0);
  return (t) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * t) / TMax))) / 2;
}
