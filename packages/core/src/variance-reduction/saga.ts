/**
 * SAGA (Defazio, Bach & Lacoste-Julien, NeurIPS 2014): gradient aggregation with an unbiased step.
 * Keep αᵢ, the last gradient seen of each example, and their mean ᾱ. At each step draw j:
 *
 *   g   = ∇fⱼ(θ)
 *   θ  ← θ − η (g − αⱼ + ᾱ)        E[g − αⱼ + ᾱ] = ∇f(θ): unbiased, and its variance → 0 as θ → θ*
 *   ᾱ  ← ᾱ + (g − αⱼ)/n,   αⱼ ← g
 *
 * With η = 1/(3 L_max) it converges linearly on strongly convex f, at a fixed step — where SGD at
 * the same step stalls at a noise floor of order η σ². One component gradient per step; an epoch is
 * n steps. Memory: the table, n·d numbers, plus 5 d (ᾱ, θ, g, and θ, g as plain arrays for the user's
 * term; see gradient-table.ts). The table starts as
 * every ∇fᵢ(θ₀) (`init: 'gradients'`, one pass, the paper's choice) or zeros.
 * The per-element work (three axpy for θ, two for ᾱ, a copy) runs on the kernels.
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

export interface SagaOptions extends FiniteSumLoopOptions {
  /** The table's start (default 'gradients'). */
  init?: TableInit;
}

export function saga(fs: FiniteSum, theta0: ArrayLike<number>, options: SagaOptions): FiniteSumResult {
  const { lr, epochs, sample } = resolveLoopOptions(fs, theta0, options);
  const start = Float64Array.from(theta0);
  const table = new GradientTable(fs, start, options.init ?? 'gradients');
  const theta = alloc('f64', fs.dim);
  const g = alloc('f64', fs.dim);
  const thetaJs = start.slice(); // θ and ∇fⱼ cross to the user's code in plain arrays (it may allocate)
  const gJs = new Float64Array(fs.dim);
  theta.data.set(start);
  const history = new EpochHistory(fs, 'SAGA', options.onEpoch);
  let evals = table.initEvals;
  try {
    history.record(0, thetaJs, evals);
    for (let epoch = 1; epoch <= epochs; epoch++) {
      for (let t = 0; t < fs.n; t++) {
        const j = sample();
        fs.term(thetaJs, j, gJs);
        g.data.set(gJs);
        axpy(-lr, g, theta);
        axpy(lr, table.rows[j], theta);
        axpy(-lr, table.mean, theta);
        table.replace(j, g);
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
