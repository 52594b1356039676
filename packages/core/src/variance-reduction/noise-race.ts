/**
 * The notes' "reducing noise" experiment, shared by `descent notes` and the demo page: SGD, SAGA,
 * SVRG and a growing batch at one fixed step η on the same finite sum, iris logistic regression
 * f(θ) = (1/n) Σᵢ fᵢ(θ) (100 flowers, L2 weight 0.01, so μ = 0.01; L_max = 3.39), the gap f − f* to
 * the L-BFGS minimum recorded against the passes over the data each method has paid for (component
 * gradients / n), every method within the same budget of passes:
 *
 *   SGD (batch 1)      θ ← θ − η ∇f_i(θ): at a fixed step it stalls at a noise floor of order η σ².
 *   SAGA               θ ← θ − η (∇f_j(θ) − g_j + (1/n) Σ g_i), the table g of n stored gradients.
 *   SVRG (m = 2n)      θ ← θ − η (∇f_j(θ) − ∇f_j(θ̃) + ∇f(θ̃)), a snapshot θ̃ and its full gradient.
 *   growing batch      minibatch SGD with |S_k| = min(n, ⌈1.02ᵏ⌉) (geometricBatchSize).
 *
 * Passes are component gradients / n: an SGD epoch costs one, SAGA's table one more up front, an SVRG
 * epoch five (the snapshot's full gradient, then 2n steps of two component gradients).
 *
 * SAGA's and SVRG's corrections vanish at the minimum, so they converge linearly at a step where
 * SGD only bounces; a growing batch averages the noise away more slowly and needs no memory.
 * 1/(3 L_max) is SAGA's textbook step; the default η = 1 is larger, and all three still take it.
 */
import { geometricBatchSize } from '../dynamic-sampling/batch-size.js';
import { minibatchSgd } from '../dynamic-sampling/minibatch-sgd.js';
import { asObjective } from '../finite-sum/finite-sum.js';
import { irisLogistic } from '../finite-sum/linear-models.js';
import { minimize } from '../minimize/minimize.js';
import { saga } from './saga.js';
import { svrg } from './svrg.js';

export interface NoiseRaceRun {
  name: 'SGD (batch 1)' | 'SAGA' | 'SVRG (m = 2n)' | 'growing batch 1.02^k';
  /** The extra memory, in words of d = the parameter count. */
  memory: string;
  /** Passes over the data paid for at each record (the start, then once per epoch). */
  passes: number[];
  /** f − f* at each record. */
  gaps: number[];
}

export interface NoiseRaceResult {
  /** Examples in the sum. */
  n: number;
  lr: number;
  /** f* by L-BFGS to gtol 1e-12. */
  fStar: number;
  runs: NoiseRaceRun[];
}

/** The race at step `lr` within `passes` passes over the data (a RangeError naming a bad value). */
export function noiseRace(options: { lr?: number; passes?: number } = {}): NoiseRaceResult {
  const { lr = 1, passes = 40 } = options;
  if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`Invalid lr: ${lr} (expected a number > 0)`);
  if (!Number.isInteger(passes) || passes < 1 || passes > 200) {
    throw new RangeError(`Invalid passes: ${passes} (expected an integer from 1 to 200)`);
  }
  const epochs = passes; // every method pays at least one pass per epoch
  const fs = irisLogistic({ l2: 0.01 });
  const fStar = minimize(asObjective(fs), fs.x0, { method: 'lbfgs', gtol: 1e-12, ftol: 0 }).fun;
  const growth = geometricBatchSize({ initial: 1, factor: 1.02, max: fs.n });
  const runs: [NoiseRaceRun['name'], string, { history: { f: number[]; gradEvals: number[] } }][] = [
    ['SGD (batch 1)', 'd', minibatchSgd(fs, fs.x0, { lr, epochs, batch: 1, seed: 1 })],
    ['SAGA', 'n·d', saga(fs, fs.x0, { lr, epochs, seed: 1 })],
    ['SVRG (m = 2n)', '2d', svrg(fs, fs.x0, { lr, epochs, seed: 1 })],
    ['growing batch 1.02^k', 'd', minibatchSgd(fs, fs.x0, { lr, epochs, batch: growth, seed: 1 })],
  ];
  return {
    n: fs.n,
    lr,
    fStar,
    runs: runs.map(([name, memory, r]) => {
      const spent = r.history.gradEvals.map((e) => e / fs.n);
      const kept = spent.filter((p) => p <= passes).length;
      return {
        name,
        memory,
        passes: spent.slice(0, kept),
        gaps: r.history.f.slice(0, kept).map((f) => f - fStar),
      };
    }),
  };
}
