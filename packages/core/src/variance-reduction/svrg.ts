/**
 * SVRG, stochastic variance-reduced gradient (Johnson & Zhang, NeurIPS 2013). Each outer loop
 * (an epoch here) takes a snapshot θ̃ of θ and its full gradient μ̃ = ∇f(θ̃), then makes m inner
 * steps, each with a fresh j:
 *
 *   θ ← θ − η (∇fⱼ(θ) − ∇fⱼ(θ̃) + μ̃)
 *
 * The direction is unbiased and its variance vanishes as θ and θ̃ approach θ*; with η ≈ 1/(10 L_max)
 * and m of order L_max/μ it converges linearly on strongly convex f. The next snapshot is the last
 * inner iterate (the paper's option I, the one used in practice; its proof uses a random one).
 * The default m = 2n is the paper's choice for convex problems. Cost per outer loop: n + 2m
 * component gradients. Memory: 6 d (θ, θ̃, μ̃, a gradient, plain copies of θ and ∇f), no table — the
 * price is the second gradient per step. Per-element work: three axpy per step on the kernels.
 */
import { alloc, axpy } from '@descent/kernels';
import type { FiniteSum } from '../finite-sum/finite-sum.js';
import {
  EpochHistory,
  type FiniteSumLoopOptions,
  type FiniteSumResult,
  resolveLoopOptions,
} from '../finite-sum/loop.js';

export interface SvrgOptions extends FiniteSumLoopOptions {
  /** Inner steps per snapshot (default 2n). */
  m?: number;
}

export function svrg(fs: FiniteSum, theta0: ArrayLike<number>, options: SvrgOptions): FiniteSumResult {
  const { lr, epochs, sample } = resolveLoopOptions(fs, theta0, options);
  const m = options.m ?? 2 * fs.n;
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`Invalid m: ${m} (expected an integer >= 1)`);
  const theta = alloc('f64', fs.dim);
  const mu = alloc('f64', fs.dim);
  const g = alloc('f64', fs.dim);
  const thetaJs = Float64Array.from(theta0);
  const snapshot = thetaJs.slice();
  const gJs = new Float64Array(fs.dim);
  theta.data.set(thetaJs);
  const history = new EpochHistory(fs, 'SVRG', options.onEpoch);
  let evals = 0;
  try {
    history.record(0, thetaJs, evals);
    for (let epoch = 1; epoch <= epochs; epoch++) {
      snapshot.set(thetaJs);
      fs.full(snapshot, gJs);
      mu.data.set(gJs);
      evals += fs.n;
      for (let t = 0; t < m; t++) {
        const j = sample();
        fs.term(thetaJs, j, gJs);
        g.data.set(gJs);
        axpy(-lr, g, theta);
        fs.term(snapshot, j, gJs);
        g.data.set(gJs);
        axpy(lr, g, theta);
        axpy(-lr, mu, theta);
        thetaJs.set(theta.data);
      }
      evals += 2 * m;
      if (history.record(epoch, thetaJs, evals)) break;
    }
    return history.result(thetaJs, evals);
  } finally {
    theta.free();
    mu.free();
    g.free();
  }
}
