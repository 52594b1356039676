import { checkNonNegative } from '../validate.js';
import type { Schedule } from './schedule.js';

/**
 * Schedules multiplied together (ChainedScheduler of multiplicative schedulers): a base rate times
 * factor schedules, each built with lr = 1 so that it is a pure factor:
 *
 *   η_t = η_0 · Π_k f_k(t)
 *
 * e.g. chained(0.1, [linear({ lr: 1, startFactor: 0.1, totalIters: 10 }), exponential({ lr: 1, gamma: 0.98 })])
 */
export function chained(lr: number, factors: Schedule[]): Schedule {
  const base = checkNonNegative('lr', lr);
  if (!Array.isArray(factors) || factors.some((f) => typeof f !== 'function')) {
    throw new RangeError('Invalid factors: expected a list of schedules');
  }
  const fs = [...factors];
  return (t) => {
    let eta = base;
    for (const f of fs) eta *= f(t);
    return eta;
  };
}
