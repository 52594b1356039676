/**
 * The noise race (the notes: improving SGD by reducing noise): plain SGD, SAGA, SVRG and a growing
 * batch at one fixed step η on the same finite sum, L2-regularized logistic regression on 100 iris
 * flowers (versicolor vs virginica, core's irisLogistic, L2 weight 0.01), f(θ) = (1/n) Σᵢ fᵢ(θ):
 *
 *   SGD          θ ← θ − η ∇f_i(θ)                                       memory d
 *   SAGA         θ ← θ − η (∇f_j(θ) − ∇f_j(φ_j) + (1/n) Σᵢ ∇fᵢ(φᵢ))       memory n d (a table)
 *   SVRG         θ ← θ − η (∇f_j(θ) − ∇f_j(θ̃) + ∇f(θ̃)), θ̃ every 2n steps  memory 2 d
 *   growing      θ ← θ − η ∇f_S(θ), |S_k| = ⌈1.02ᵏ⌉                       memory d
 *
 * Each run's f − f* is recorded once per epoch against the passes over the data it spent (component
 * gradients / n: SAGA's table costs one pass up front; an SVRG epoch, a snapshot's full gradient and
 * 2n steps of two component gradients, costs five), up to the same budget of passes for all. f* comes
 * from L-BFGS. At a fixed step SGD's noise keeps it on a floor of order η σ²; the others' does not.
 */
import {
  asObjective,
  geometricBatchSize,
  irisLogistic,
  minibatchSgd,
  minimize,
  saga,
  svrg,
} from '@descent/core';

export interface NoiseRun {
  name: string;
  /** The extra memory, in words. */
  memory: string;
  colour: string;
  /** Passes over the data (component gradients / n) at each record. */
  passes: number[];
  /** f − f* at each record (once per epoch, the start first). */
  gaps: number[];
}

export interface NoiseRaceResult {
  n: number;
  lr: number;
  fStar: number;
  runs: NoiseRun[];
}

/** The race at step `lr` within `passes` passes over the data (a RangeError naming a bad value). */
export function noiseRace(lr = 1, passes = 40): NoiseRaceResult {
  if (!(lr > 0) || !Number.isFinite(lr))
    throw new RangeError(`Invalid step η: ${lr} (expected a number > 0)`);
  if (!Number.isInteger(passes) || passes < 1 || passes > 200) {
    throw new RangeError(`Invalid passes: ${passes} (expected an integer from 1 to 200)`);
  }
  const epochs = passes;
  const fs = irisLogistic({ l2: 0.01 });
  const fStar = minimize(asObjective(fs), fs.x0, { method: 'lbfgs', gtol: 1e-12, ftol: 0 }).fun;
  const growth = geometricBatchSize({ initial: 1, factor: 1.02, max: fs.n });
  const runs: [string, string, string, { history: { f: number[]; gradEvals: number[] } }][] = [
    ['SGD', 'd', '#c92a2a', minibatchSgd(fs, fs.x0, { lr, epochs, batch: 1, seed: 1 })],
    ['SAGA', 'n·d', '#1971c2', saga(fs, fs.x0, { lr, epochs, seed: 1 })],
    ['SVRG', '2d', '#2f9e44', svrg(fs, fs.x0, { lr, epochs, seed: 1 })],
    ['growing batch', 'd', '#e67700', minibatchSgd(fs, fs.x0, { lr, epochs, batch: growth, seed: 1 })],
  ];
  return {
    n: fs.n,
    lr,
    fStar,
    runs: runs.map(([name, memory, colour, r]) => {
      const spent = r.history.gradEvals.map((e) => e / fs.n);
      const kept = spent.filter((p) => p <= passes).length;
      return {
        name,
        memory,
        colour,
        passes: spent.slice(0, kept),
        gaps: r.history.f.slice(0, kept).map((f) => f - fStar),
      };
    }),
  };
}
