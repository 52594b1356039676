/**
 * `--tune`: each first-order optimizer's learning rate picked by a seeded random search on the
 * problem itself, so that a race compares optimizers at their best rates rather than at whatever
 * default they bring (as pytorch-optimizer's visualisations tune each optimizer before racing):
 *
 *   η_0 = the default rate (automaticLr),   η_i = η_0 · 10^{u_i},  u_i ~ U(-3, 2)  (i = 1..N-1)
 *
 * the u_i drawn from a mulberry32 stream seeded by --seed (the same candidates for every optimizer),
 * each η_i rounded to 3 significant digits. Every candidate runs the race's own steps from its own
 * start; the best is the one that reaches f* + tol in the fewest steps, else the one with the lowest
 * final f (a diverged run scores +∞). η_0 is a candidate, so tuning never does worse than the default.
 */
import type { Problem } from '@descent/core';
import { automaticLr, isFirstOrder } from './optimizers.js';
import { type RunSpec, runTrajectory, type Trajectory } from './trajectory.js';

export const tuneTrials = 24;

/** mulberry32: a 32-bit seeded generator of numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The candidate rates around η_0 (η_0 first). */
export function candidateRates(lr0: number, seed: number, trials = tuneTrials): number[] {
  const next = mulberry32(seed);
  const rates = [lr0];
  for (let i = 1; i < trials; i++) rates.push(Number((lr0 * 10 ** (-3 + 5 * next())).toPrecision(3)));
  return rates;
}

/** Lower is better: [steps to tol (∞ if never), final f (∞ if diverged or not finite)]. */
function score(t: Trajectory): [number, number] {
  const f = t.divergedAt === null && Number.isFinite(t.fun) ? t.fun : Number.POSITIVE_INFINITY;
  return [t.stepsToTol ?? Number.POSITIVE_INFINITY, f];
}

const better = (a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

export interface Tuned {
  lr: number;
  /** Every candidate with its steps to tol and final f. */
  tried: { lr: number; stepsToTol: number | null; fun: number }[];
}

/** The best rate for `spec.optimizer` on `problem` from `x0` (undefined for line-search methods). */
export function tuneLr(
  problem: Problem,
  x0: Float64Array,
  spec: Omit<RunSpec, 'lr'>,
  seed: number,
  trials = tuneTrials,
): Tuned | undefined {
  if (!isFirstOrder(spec.optimizer)) return undefined;
  const lr0 = automaticLr(spec.optimizer, problem, x0) as number;
  let best: { lr: number; s: [number, number] } | undefined;
  const tried: Tuned['tried'] = [];
  for (const lr of candidateRates(lr0, seed, trials)) {
    const t = runTrajectory(problem, x0, { ...spec, lr });
    tried.push({ lr, stepsToTol: t.stepsToTol, fun: t.fun });
    const s = score(t);
    if (!best || better(s, best.s)) best = { lr, s };
  }
  return { lr: (best as { lr: number }).lr, tried };
}
