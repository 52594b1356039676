/**
 * SAG, the stochastic average gradient (Le Roux, Schmidt & Bach, NeurIPS 2012). Keep yᵢ, the last
 * gradient seen of each example, and their sum d = Σᵢ yᵢ. At each step draw j:
 *
 *   d  ← d − yⱼ + ∇fⱼ(θ),   yⱼ ← ∇fⱼ(θ)
 *   θ  ← θ − (η/n) d
 *
 * The step direction is the mean of the table, a biased estimate of ∇f(θ) (unlike SAGA's) with
 * low variance; with η = 1/(16 L_max) it converges linearly on strongly convex f. As in the paper
 * the table starts at zeros (`init: 'zeros'`, the default) and d is divided by n, not by the number
 * of examples seen so far (`init: 'gradients'` starts from every ∇fᵢ(θ₀) instead). One component
 * gradient per step; an epoch is n steps. Memory: n·d for the table plus 5 d (as SAGA). The table keeps
 * ᾱ = d/n, so the step is θ ← θ − η ᾱ: the kernels do two axpy for ᾱ, one for θ and a copy.
 */
import { alloc, axpy } from '@descent/kernels';
import type { FiniteSum } from '../finite-sum/finite-sum.js';
import {
  EpochHistory,
  type FiniteSumLoopOptions,
  type FiniteSumResult,
  resolveLoopOptions,
} from '../finite-sum/loop.js';
import { GradientTable, type TableInit } from './gradient-table.js';

export interface SagOptions extends FiniteSumLoopOptions {
  /** The table's start (default 'zeros', the paper's). */
  init?: TableInit;
}

export function sag(fs: FiniteSum, theta0: ArrayLike<number>, options: SagOptions): FiniteSumResult {
  const { lr, epochs, sample } = resolveLoopOptions(fs, theta0, options);
  const start = Float64Array.from(theta0);
  const table = new GradientTable(fs, start, options.init ?? 'zeros');
  const theta = alloc('f64', fs.dim);
  const g = alloc('f64', fs.dim);
  const thetaJs = start.slice();
  const gJs = new Float64Array(fs.dim);
  theta.data.set(start);
  const history = new EpochHistory(fs, 'SAG', options.onEpoch);
  let evals = table.initEvals;
  try {
    history.record(0, thetaJs, evals);
    for (let epoch = 1; epoch <= epochs; epoch++) {
      for (let t = 0; t < fs.n; t++) {
        const j = sample();
        fs.term(thetaJs, j, gJs);
        g.data.set(gJs);
        table.replace(j, g);
        axpy(-lr, table.mean, theta);
        thetaJs.set(theta.data);
      }
      evals += fs.n;
      if (history.record(epoch, thetaJs, evals)) break;
    }
    return history.result(thetaJs, evals);
  } finally {
    table.free();
    theta.free();
    g.free();
  }
}
