/**
 * Minibatch SGD on a finite sum with a batch size that may grow (dynamic sampling):
 *
 *   draw S_k (|S_k| distinct examples, uniformly, without replacement), g = ∇f_S(θ) = (1/|S_k|) Σ_{i∈S_k} ∇fᵢ(θ)
 *   θ ← θ − η g
 *
 * `batch`: a number (plain minibatch SGD; 1 is the notes' SGD), a function k ↦ |S_k| (e.g.
 * `geometricBatchSize`), or `'norm-test'` (Byrd et al. 2012, see batch-size.ts: after each step the
 * test on S_k sets |S_{k+1}|, never smaller). |S| = n is full gradient descent. The budget is in
 * epochs of component gradients (`epochs` · n, the same x-axis as SAGA/SVRG); the history records f
 * each time another n component gradients have been spent. Memory: 5 d and n indices.
 * Per-element work on the kernels: one axpy per example into the batch sum (and one dot for the
 * norm test), one scal, one axpy for θ.
 */
import { alloc, axpy, dot, scal } from '@descent/kernels';
import { seededRandom } from '../analysis/seeded-random.js';
import type { FiniteSum } from '../finite-sum/finite-sum.js';
import { EpochHistory, type FiniteSumResult, resolveLoopOptions } from '../finite-sum/loop.js';
import { lrDecayAsBatchGrowth, type NormTestResult, normTest } from './batch-size.js';

export interface MinibatchSgdOptions {
  /** Step size η > 0. */
  lr: number;
  /** Budget in epochs: stop once epochs · n component gradients are spent (default 20). */
  epochs?: number;
  /** |S_k|: a fixed size, a schedule k ↦ |S_k|, or 'norm-test' (default 1). Sizes above n are cut to n. */
  batch?: number | ((k: number) => number) | 'norm-test';
  /** The norm test's ϑ (default 0.9; smaller asks for larger batches). */
  vartheta?: number;
  /** The norm test's first batch (default 16: a variance from 2 or 3 gradients passes the test by chance). */
  initialBatch?: number;
  /** The step's decay factor c_k in (0, 1] at step k (a scheduler's lr / base lr); default none. */
  lrFactor?: (k: number) => number;
  /** Smith et al. (2018): apply lrFactor by growing a fixed `batch` to batch/c_k (step kept) up to n. */
  growBatchInsteadOfDecay?: boolean;
  /** Seed of the batch sampler (default 0). */
  seed?: number;
  /** Called after each step with its number k, the batch S_k, θ before the step and the test (norm test only). */
  onStep?: (k: number, batch: Uint32Array, theta: Float64Array, test?: NormTestResult) => void;
}

export interface MinibatchSgdResult extends FiniteSumResult {
  /** |S_k| per step. */
  batchSizes: number[];
  /** η_k per step. */
  lrs: number[];
}

export function minibatchSgd(
  fs: FiniteSum,
  theta0: ArrayLike<number>,
  options: MinibatchSgdOptions,
): MinibatchSgdResult {
  const { lr, epochs } = resolveLoopOptions(fs, theta0, { lr: options?.lr, epochs: options?.epochs });
  const { batch = 1, vartheta = 0.9, initialBatch = 16, seed = 0 } = options;
  const n = fs.n;
  const checkSize = (what: string, b: number) => {
    if (!Number.isInteger(b) || b < 1)
      throw new RangeError(`Invalid ${what}: ${b} (expected an integer >= 1)`);
    return Math.min(b, n);
  };
  let sizeAt: (k: number) => number;
  if (batch === 'norm-test') {
    normTest(0, 0, 2, vartheta); // checks ϑ
    checkSize('initialBatch', initialBatch);
    sizeAt = () => 0; // set by the test below
  } else if (typeof batch === 'function') {
    sizeAt = (k) => checkSize(`batch size from batch(${k})`, batch(k));
  } else if (typeof batch === 'number') {
    checkSize('batch', batch);
    sizeAt = () => Math.min(batch, n);
  } else {
    throw new RangeError(
      `Invalid batch: ${String(batch)} (expected a size, a function k => size, or 'norm-test')`,
    );
  }
  if (!Number.isFinite(seed)) throw new RangeError(`Invalid seed: ${seed}`);
  const { lrFactor, growBatchInsteadOfDecay = false } = options;
  if (lrFactor !== undefined && typeof lrFactor !== 'function') {
    throw new TypeError('lrFactor must be a function k => c_k');
  }
  if (growBatchInsteadOfDecay && (typeof batch !== 'number' || !lrFactor)) {
    throw new RangeError('growBatchInsteadOfDecay needs a fixed batch size (a number) and an lrFactor');
  }
  const grow = growBatchInsteadOfDecay ? lrDecayAsBatchGrowth({ lr, initial: sizeAt(0), max: n }) : undefined;
  /** (|S_k|, η_k) from the batch option and the decay. */
  const plan = (k: number): [number, number] => {
    if (!lrFactor) return [sizeAt(k), lr];
    const c = lrFactor(k);
    if (grow) {
      const { batchSize, lr: eta } = grow(c);
      return [batchSize, eta];
    }
    if (!(c > 0 && c <= 1)) throw new RangeError(`Invalid lrFactor(${k}): ${c} (expected 0 < c <= 1)`);
    return [sizeAt(k), lr * c];
  };

  const rng = seededRandom(seed);
  const perm = Uint32Array.from({ length: n }, (_, i) => i);
  /** The first b entries of a partial Fisher–Yates shuffle: b distinct uniform indices. */
  const draw = (b: number) => {
    for (let i = 0; i < b; i++) {
      const j = i + Math.min(n - i - 1, Math.floor(rng.uniform() * (n - i)));
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    return perm.subarray(0, b);
  };

  const theta = alloc('f64', fs.dim);
  const sum = alloc('f64', fs.dim);
  const gi = alloc('f64', fs.dim);
  const thetaJs = Float64Array.from(theta0);
  const gJs = new Float64Array(fs.dim);
  theta.data.set(thetaJs);
  const history = new EpochHistory(fs, 'minibatch SGD');
  const batchSizes: number[] = [];
  const lrs: number[] = [];
  let evals = 0;
  let recorded = 0;
  let b = batch === 'norm-test' ? Math.min(initialBatch, n) : 0;
  try {
    history.record(0, thetaJs, 0);
    for (let k = 0; evals < epochs * n; k++) {
      let eta = lr;
      if (batch !== 'norm-test') [b, eta] = plan(k);
      else if (lrFactor) eta = plan(k)[1];
      const S = draw(b);
      let test: NormTestResult | undefined;
      if (batch === 'norm-test') {
        scal(0, sum);
        let sumSquares = 0;
        for (const i of S) {
          fs.term(thetaJs, i, gJs);
          gi.data.set(gJs);
          axpy(1, gi, sum);
          sumSquares += dot(gi, gi);
        }
        scal(1 / b, sum);
        test = normTest(sumSquares, dot(sum, sum), b, vartheta);
      } else {
        fs.batch(thetaJs, S, gJs);
        sum.data.set(gJs);
      }
      options.onStep?.(k, S, thetaJs.slice(), test);
      axpy(-eta, sum, theta);
      thetaJs.set(theta.data);
      batchSizes.push(b);
      lrs.push(eta);
      evals += b;
      if (test) b = Math.min(n, test.size);
      while (evals >= (recorded + 1) * n && recorded < epochs) {
        recorded++;
        history.record(recorded, thetaJs, evals);
      }
    }
    return { ...history.result(thetaJs, evals), batchSizes, lrs };
  } finally {
    theta.free();
    sum.free();
    gi.free();
  }
}
