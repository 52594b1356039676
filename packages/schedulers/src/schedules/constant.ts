import { checkInRange, checkNonNegative, checkNonNegativeInteger, checkOptions } from '../validate.js';
import type { Schedule } from './schedule.js';

export interface ConstantOptions {
  /** The rate η_0 (>= 0). */
  lr: number;
  /** Factor applied for the first totalIters steps, in [0, 1]. Default 1 (no change). */
  factor?: number;
  /** Steps the factor applies. Default 0. */
  totalIters?: number;
}

/**
 * A constant rate, optionally scaled for the first steps (ConstantLR's closed form):
 *
 *   η_t = η_0 · factor   for t < totalIters,     η_t = η_0   afterwards
 */
export function constant(options: ConstantOptions): Schedule {
  checkOptions('constant', options, ['lr', 'factor', 'totalIters']);
  const lr = checkNonNegative('lr', options.lr);
  const factor = checkInRange('factor', options.factor ?? 1, 0, 1);
  const totalIters = checkNonNegativeInteger('totalIters', options.totalIters ?? 0);
  return (t) => lr * (factor + (t >= totalIters ? 1 : 0) * (1 - factor));
}
