import { checkIncreasingIntegers } from '../validate.js';
import type { Schedule } from './schedule.js';

/**
 * One schedule after another (SequentialLR; optax's join_schedules): schedule k runs from milestone
 * m_k, restarted at its own step 0 there:
 *
 *   η_t = schedule_k(t - m_k)    for m_k <= t < m_{k+1},    m_0 = 0
 *
 * `milestones` are strictly increasing positive integers, one fewer than the schedules.
 */
export function sequential(schedules: Schedule[], milestones: number[]): Schedule {
  if (!Array.isArray(schedules) || schedules.length === 0 || schedules.some((s) => typeof s !== 'function')) {
    throw new RangeError('Invalid schedules: expected a non-empty list of schedules');
  }
  const ms = checkIncreasingIntegers('milestones', milestones, 1);
  if (ms.length !== schedules.length - 1) {
    throw new RangeError(
      `Invalid milestones: ${ms.length} milestones for ${schedules.length} schedules (expected ${schedules.length - 1})`,
    );
  }
  return (t) => {
    let k = 0;
    while (k < ms.length && ms[k] <= t) k++;
    return schedules[k](k === 0 ? t : t - ms[k - 1]);
  };
}
