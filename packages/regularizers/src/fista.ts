/**
 * Proximal gradient methods for   min_x  F(x) = f(x) + Ω(x),   f smooth, Ω with a prox:
 *
 *   ISTA:   x_{k+1} = prox_{tΩ}(x_k − t ∇f(x_k))
 *   FISTA:  x_{k+1} = prox_{tΩ}(y_k − t ∇f(y_k)),
 *           s_{k+1} = (1 + √(1 + 4 s_k²)) / 2,   y_{k+1} = x_{k+1} + ((s_k − 1)/s_{k+1}) (x_{k+1} − x_k)
 *
 * (Beck & Teboulle, 2009). The step t is 1/L when the Lipschitz constant L of ∇f is given, else
 * found by backtracking: t <- βt until f(z) <= f(y) + ∇f(y)·(z − y) + ‖z − y‖²/(2t). The result has
 * minimize()'s shape.
 */
import { param } from '@descent/core';
import type { Penalty } from './penalty.js';

export interface SmoothObjective {
  f(x: Float64Array): number;
  grad(x: Float64Array, out: Float64Array): Float64Array;
}

export interface ProximalGradientOptions {
  /** FISTA's momentum (default true); false gives ISTA. */
  accelerated?: boolean;
  /** fixed step 1/L; without it, backtracking from `step0`. */
  lipschitz?: number;
  step0?: number;
  /** backtracking shrink factor β in (0, 1) */
  shrink?: number;
  maxIter?: number;
  /** stop when ‖x_{k+1} − x_k‖∞ / t <= tol (the gradient mapping's size) */
  tol?: number;
}

export interface ProximalGradientResult {
  x: Float64Array;
  fun: number;
  nit: number;
  nfev: number;
  ngev: number;
  converged: boolean;
  message: string;
  history: number[];
}

export function proximalGradient(
  problem: SmoothObjective,
  penalty: Penalty,
  x0: Float64Array,
  options: ProximalGradientOptions = {},
): ProximalGradientResult {
  const { accelerated = true, lipschitz, step0 = 1, shrink = 0.5, maxIter = 1000, tol = 1e-8 } = options;
  if (lipschitz !== undefined && !(lipschitz > 0 && Number.isFinite(lipschitz))) {
    throw new RangeError(`Invalid lipschitz value: ${lipschitz}`);
  }
  if (!(shrink > 0 && shrink < 1))
    throw new RangeError(`Invalid shrink value: ${shrink} (expected 0 < shrink < 1)`);
  if (!(step0 > 0)) throw new RangeError(`Invalid step0 value: ${step0}`);
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new RangeError(`Invalid maxIter value: ${maxIter}`);
  const n = x0.length;
  const z = param(new Float64Array(n), { name: 'proximalGradient.z' });
  let x: Float64Array = Float64Array.from(x0);
  let y: Float64Array = Float64Array.from(x0);
  const g = new Float64Array(n);
  let t = lipschitz ? 1 / lipschitz : step0;
  let s = 1;
  let nfev = 0;
  let ngev = 0;
  const F = (v: Float64Array) => {
    nfev++;
    z.data.set(v);
    return problem.f(v) + penalty.value(z);
  };
  const history: number[] = [F(x)];
  let converged = false;
  let message = `maximum number of iterations (${maxIter}) reached`;
  let nit = 0;
  for (; nit < maxIter; ) {
    nit++;
    const fy = problem.f(y);
    nfev++;
    problem.grad(y, g);
    ngev++;
    let xNext: Float64Array;
    for (;;) {
      const zd = z.data;
      for (let i = 0; i < n; i++) zd[i] = y[i] - t * g[i];
      penalty.prox(z, t);
      xNext = Float64Array.from(z.data);
      if (lipschitz) break;
      const fz = problem.f(xNext);
      nfev++;
      let lin = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const d = xNext[i] - y[i];
        lin += g[i] * d;
        sq += d * d;
      }
      if (fz <= fy + lin + sq / (2 * t) + 1e-12 * Math.abs(fy)) break;
      t *= shrink;
    }
    let move = 0;
    for (let i = 0; i < n; i++) move = Math.max(move, Math.abs(xNext[i] - x[i]));
    if (accelerated) {
      const sNext = (1 + Math.sqrt(1 + 4 * s * s)) / 2;
      const c = (s - 1) / sNext;
      for (let i = 0; i < n; i++) y[i] = xNext[i] + c * (xNext[i] - x[i]);
      s = sNext;
    } else {
      y = Float64Array.from(xNext);
    }
    x = xNext;
    const fx = F(x);
    history.push(fx);
    if (!Number.isFinite(fx)) {
      message = `diverged at iteration ${nit} (objective ${fx})`;
      break;
    }
    if (move / t <= tol) {
      converged = true;
      message = 'converged: proximal gradient mapping below tol';
      break;
    }
  }
  const fun = history[history.length - 1];
  z.free();
  return { x, fun, nit, nfev, ngev, converged, message, history };
}
