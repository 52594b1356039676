/**
 * What every finite-sum method shares: its options (a step η, a number of epochs, the index
 * sampler), option checks, and the result with a per-epoch history of f(θ) and of the work done,
 * counted in component gradients ∇fᵢ (a full gradient costs n), the x-axis on which the methods
 * compare fairly. Evaluating f for the history is not counted.
 *
 * Indices are drawn uniformly with replacement from a seeded generator, or from `sample` (a fixed
 * sequence in tests, e.g. the one a NumPy reference drew).
 */
import { seededRandom } from '../analysis/seeded-random.js';
import type { FiniteSum } from './finite-sum.js';

export interface FiniteSumLoopOptions {
  /** Step size η > 0. */
  lr: number;
  /** Number of epochs (default 20); what an epoch is depends on the method (n steps, or SVRG's outer loop). */
  epochs?: number;
  /** Seed of the uniform index sampler (default 0). */
  seed?: number;
  /** The next example index, one call per step (overrides `seed`). */
  sample?: () => number;
  /** Called after each epoch with its number (1, 2, ...), θ and f(θ); return true to stop early. */
  onEpoch?: (epoch: number, theta: Float64Array, f: number) => boolean | undefined;
}

export interface FiniteSumResult {
  /** The last iterate. */
  x: Float64Array;
  /** f at x. */
  fun: number;
  /** Component gradients evaluated in all (a full gradient counts n). */
  gradEvals: number;
  /** One entry at the start, then one per epoch. */
  history: { f: number[]; gradEvals: number[] };
}

/** Checks the shared options (RangeError naming the option) and returns them with defaults. */
export function resolveLoopOptions(
  fs: FiniteSum,
  theta0: ArrayLike<number>,
  options: FiniteSumLoopOptions,
): { lr: number; epochs: number; sample: () => number } {
  if (!options || typeof options !== 'object') throw new TypeError('options must be an object with lr');
  const { lr, epochs = 20, seed = 0 } = options;
  if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`Invalid lr: ${lr} (expected a finite η > 0)`);
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw new RangeError(`Invalid epochs: ${epochs} (expected an integer >= 0)`);
  }
  if (!Number.isFinite(seed)) throw new RangeError(`Invalid seed: ${seed}`);
  if (!theta0 || theta0.length !== fs.dim) {
    throw new RangeError(`theta0 has length ${theta0?.length}, expected ${fs.name}.dim = ${fs.dim}`);
  }
  for (let j = 0; j < theta0.length; j++) {
    if (!Number.isFinite(theta0[j]))
      throw new RangeError(`Invalid theta0[${j}]: ${theta0[j]} (expected finite)`);
  }
  const n = fs.n;
  let sample: () => number;
  if (options.sample) {
    const user = options.sample;
    sample = () => {
      const i = user();
      if (!Number.isInteger(i) || i < 0 || i >= n) {
        throw new RangeError(`Invalid index from sample(): ${i} (expected an integer in [0, ${n}))`);
      }
      return i;
    };
  } else {
    const rng = seededRandom(seed);
    sample = () => Math.min(n - 1, Math.floor(rng.uniform() * n));
  }
  return { lr, epochs, sample };
}

/** Records f(θ) and the work so far; ends the run on a non-finite f (the step is too long). */
export class EpochHistory {
  readonly f: number[] = [];
  readonly gradEvals: number[] = [];

  constructor(
    private readonly fs: FiniteSum,
    private readonly method: string,
    private readonly onEpoch?: FiniteSumLoopOptions['onEpoch'],
  ) {}

  /** Records the state after `epoch`; returns true when the run should stop. */
  record(epoch: number, theta: Float64Array, gradEvals: number): boolean {
    const f = this.fs.full(theta);
    this.f.push(f);
    this.gradEvals.push(gradEvals);
    if (!Number.isFinite(f)) {
      throw new RangeError(
        `${this.method} diverged on ${this.fs.name}: f = ${f} after epoch ${epoch} (lr too large?)`,
      );
    }
    return epoch > 0 && this.onEpoch?.(epoch, theta, f) === true;
  }

  result(theta: Float64Array, gradEvals: number): FiniteSumResult {
    return {
      x: theta,
      fun: this.f[this.f.length - 1],
      gradEvals,
      history: { f: this.f, gradEvals: this.gradEvals },
    };
  }
}
