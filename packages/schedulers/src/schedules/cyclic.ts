import {
  checkNonNegative,
  checkOneOf,
  checkOptions,
  checkPositive,
  checkPositiveInteger,
} from '../validate.js';
import type { Schedule } from './schedule.js';

export interface CyclicOptions {
  /** Lower bound of the cycle (>= 0). */
  baseLr: number;
  /** Upper bound of the cycle (>= 0). */
  maxLr: number;
  /** Steps in the rising half (a positive integer). Default 2000. */
  stepSizeUp?: number;
  /** Steps in the falling half. Default stepSizeUp. */
  stepSizeDown?: number;
  /** Amplitude policy. Default 'triangular'. Ignored when scaleFn is given. */
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** γ of 'exp_range' (> 0). Default 1. */
  gamma?: number;
  /** Custom amplitude scaling f, 0 <= f <= 1. */
  scaleFn?: (x: number) => number;
  /** Whether scaleFn gets the cycle number or the step. Default 'cycle'. */
  scaleMode?: 'cycle' | 'iterations';
}

/**
 * Cyclical learning rates (Smith, 2017; CyclicLR's formula):
 *
 *   S = up + down,  r = up / S,  cycle = ⌊1 + t/S⌋,  x = 1 + t/S - cycle
 *   s = x / r  if x <= r,  else (x - 1)/(r - 1)
 *   η_t = η_base + (η_max - η_base) · s · f
 *
 * f = 1 ('triangular'), 1/2^(cycle-1) ('triangular2', the amplitude halves every cycle),
 * γ^t ('exp_range'), or scaleFn(cycle or t).
 */
export function cyclic(options: CyclicOptions): Schedule {
  checkOptions('cyclic', options, [
    'baseLr',
    'maxLr',
    'stepSizeUp',
    'stepSizeDown',
    'mode',
    'gamma',
    'scaleFn',
    'scaleMode',
  ]);
  const baseLr = checkNonNegative('baseLr', options.baseLr);
  const maxLr = checkNonNegative('maxLr', options.maxLr);
  const up = checkPositiveInteger('stepSizeUp', options.stepSizeUp ?? 2000);
  const down = checkPositiveInteger('stepSizeDown', options.stepSizeDown ?? up);
  const gamma = checkPositive('gamma', options.gamma ?? 1);
  const { scaleFn } = options;
  if (scaleFn !== undefined && typeof scaleFn !== 'function')
    throw new TypeError('Invalid scaleFn: expected a function');
  let f: (cycle: number, t: number) => number;
  if (scaleFn) {
    const byCycle =
      checkOneOf('scaleMode', options.scaleMode ?? 'cycle', ['cycle', 'iterations'] as const) === 'cycle';
    f = (cycle, t) => scaleFn(byCycle ? cycle : t);
  } else {
    const mode = checkOneOf('mode', options.mode ?? 'triangular', [
      'triangular',
      'triangular2',
      'exp_range',
    ] as const);
    f =
      mode === 'triangular'
        ? () => 1.0
        : mode === 'triangular2'
          ? (c) => 1 / 2.0 ** (c - 1)
          : (_c, t) => gamma ** t;
  }
  const total = up + down;
  const ratio = up / total;
  return (t) => {
    const cycle = Math.floor(1 + t / total);
    const x = 1.0 + t / total - cycle;
    const s = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
    return baseLr + (maxLr - baseLr) * s * f(cycle, t);
  };
}
