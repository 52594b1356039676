import { checkInRange, checkNonNegativeInteger, checkOptions } from '../validate.js';
import type { Schedule } from './schedule.js';

export interface WarmupOptions {
  /** Steps of linear warm-up W (an integer >= 0). */
  warmupSteps: number;
  /** The warm-up starts at startFactor · schedule(0), in [0, 1]. Default 0. */
  startFactor?: number;
}

/**
 * Linear warm-up in front of any schedule: the rate climbs linearly to the schedule's first value,
 * then the schedule runs, shifted by W steps (as SequentialLR([LinearLR, ...], [W]) and
 * HuggingFace's warm-up schedules do):
 *
 *   η_t = η_peak · (s + (1 - s) · t / W)    for t < W,     η_peak = schedule(0)
 *   η_t = schedule(t - W)                    for t >= W
 */
export function warmup(schedule: Schedule, options: WarmupOptions): Schedule {
  checkOptions('warmup', options, ['warmupSteps', 'startFactor']);
  if (typeof schedule !== 'function') throw new TypeError('warmup: schedule must be a function');
  const W = checkNonNegativeInteger('warmupSteps', options.warmupSteps);
  const s = checkInRange('startFactor', options.startFactor ?? 0, 0, 1);
  const peak = schedule(0);
  return (t) => (t < W ? peak * (s + ((1 - s) * t) / W) : schedule(t - W));
}
