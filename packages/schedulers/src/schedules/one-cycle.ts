import {
  checkBoolean,
  checkInRange,
  checkNonNegative,
  checkOneOf,
  checkOptions,
  checkPositive,
  checkPositiveInteger,
} from '../validate.js';
import type { Schedule } from './schedule.js';

export interface OneCycleOptions {
  /** The peak rate (>= 0). */
  maxLr: number;
  /** Steps in the cycle (a positive integer). */
  totalSteps: number;
  /** Fraction of the cycle spent rising, in [0, 1]. Default 0.3. */
  pctStart?: number;
  /** 'cos' or 'linear'. Default 'cos'. */
  annealStrategy?: 'cos' | 'linear';
  /** η_initial = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** η_min = η_initial / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Three phases as in the paper. Default false (two, as fastai). */
  threePhase?: boolean;
}

/** Cosine annealing from `start` to `end` as pct goes 0 → 1: end + (start - end)/2 · (1 + cos(π pct)). */
export function annealCos(start: number, end: number, pct: number): number {
  const cosOut = Math.cos(Math.PI * pct) + 1;
  return end + ((start - end) / 2.0) * cosOut;
}

/** Linear annealing from `start` to `end`: (end - start) · pct + start. */
export function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}

/**
 * The steps at which the phases end (torch's `end_step`s): [pN-1, N-1], or [pN-1, 2pN-2, N-1] for
 * three phases. A phase of zero length would divide by zero (torch raises ZeroDivisionError when it
 * gets there), so it is refused here, naming pctStart.
 */
export function oneCyclePhaseEnds(totalSteps: number, pctStart: number, threePhase: boolean): number[] {
  const ends = threePhase
    ? [pctStart * totalSteps - 1, 2 * pctStart * totalSteps - 2, totalSteps - 1]
    : [pctStart * totalSteps - 1, totalSteps - 1];
  ends.forEach((end, i) => {
    if (end === (i === 0 ? 0 : ends[i - 1])) {
      throw new RangeError(
        `Invalid pctStart: ${pctStart} (with totalSteps ${totalSteps}, phase ${i + 1} of the cycle would have zero length)`,
      );
    }
  });
  return ends;
}

/**
 * The 1cycle policy (Smith & Topin, 2018; OneCycleLR's rate):
 *
 *   η_initial = η_max / divFactor,  η_min = η_initial / finalDivFactor,  N = totalSteps, p = pctStart
 *   two phases:    [0, pN-1]: η_initial → η_max,    [pN-1, N-1]: η_max → η_min
 *   three phases:  [0, pN-1]: η_initial → η_max,    [pN-1, 2pN-2]: η_max → η_initial,
 *                  [2pN-2, N-1]: η_initial → η_min
 *   within a phase [a, b]: η_t = anneal(start, end, (t - a)/(b - a))
 */
export function oneCycle(options: OneCycleOptions): Schedule {
  checkOptions('oneCycle', options, [
    'maxLr',
    'totalSteps',
    'pctStart',
    'annealStrategy',
    'divFactor',
    'finalDivFactor',
    'threePhase',
  ]);
  const maxLr = checkNonNegative('maxLr', options.maxLr);
  const N = checkPositiveInteger('totalSteps', options.totalSteps);
  const p = checkInRange('pctStart', options.pctStart ?? 0.3, 0, 1);
  const strategy = checkOneOf('annealStrategy', options.annealStrategy ?? 'cos', ['cos', 'linear'] as const);
  const divFactor = checkPositive('divFactor', options.divFactor ?? 25);
  const finalDivFactor = checkPositive('finalDivFactor', options.finalDivFactor ?? 1e4);
  const threePhase = checkBoolean('threePhase', options.threePhase ?? false);
  const anneal = strategy === 'cos' ? annealCos : annealLinear;
  const initial = maxLr / divFactor;
  const min = initial / finalDivFactor;
  const ends = oneCyclePhaseEnds(N, p, threePhase);
  const phases: Array<[end: number, from: number, to: number]> = threePhase
    ? [
        [ends[0], initial, maxLr],
        [ends[1], maxLr, initial],
        [ends[2], initial, min],
      ]
    : [
        [ends[0], initial, maxLr],
        [ends[1], maxLr, min],
      ];
  return (t) => {
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const [end, from, to] = phases[i];
      if (t <= end || i === phases.length - 1) return anneal(from, to, (t - start) / (end - start));
      start = end;
    }
    return min;
  };
}
