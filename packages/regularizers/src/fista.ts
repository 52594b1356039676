/**
 * Proximal gradient methods for   min_x  F(x) = f(x) + Ω(x),   f smooth, Ω with a prox:
 *
 *   ISTA:   x_{k+1} = prox_{tΩ}(x_k − t ∇f(x_k))
 *   FISTA:  x_{k+1} = prox_{tΩ}(y_k − t ∇f(y_k)),
 *           s_{k+1} = (1 + √(1 + 4 s_k²)) / 2,   y_{k+1} = x_{k+1} + ((s_k − 1)/s_{k+1}) (x_{k+1} − x_k)
 *
 * (Beck & Teboulle, 2009). The step t is 1/L when the Lipschitz constant L of ∇f is given, else
 * found by backtracking: t <- βt until f(z) <= f(y) + ∇f(y)·(z − y) + ‖z − y‖²/(2t).
 *
 * The search only shrinks, so it starts from the scale of 1/L: unless `step0` is given, L is
 * estimated at x0 by power iteration on Hessian-vector products from gradient differences,
 *
 *   w = (∇f(x0 + h v) − ∇f(x0)) / h ≈ ∇²f(x0) v,   L̂ = ‖w‖,   v <- w / ‖w‖    (20 times, ‖v‖ = 1)
 *
 * (exact for least squares up to rounding; ‖∇²f v‖ <= λ_max, so 1/L̂ errs long and the search
 * trims it). A search from step 1 on standardized data whose right step is ~110 would stay 100x
 * too short and end at maxIter unconverged; from 1/L̂ the defaults converge at any scaling.
 *
 * Every loop is bounded (maxIter iterations, 100 trials per search): a non-finite F at x0, or a
 * search that finds no acceptable step (f turned NaN), ends the run with converged: false and a
 * message. The result has minimize()'s shape.
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
  /** first trial step of the search (default 1/L̂ from power iteration at x0, see above). */
  step0?: number;
  /** power iterations for L̂ when step0 is not given (default 20). */
  powerIterations?: number;
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
  /** the last step t used */
  step: number;
}

/** Trials per backtracking search: β^100 <= 2^-100 of the first trial, far below any useful step. */
const MAX_TRIALS = 100;

/**
 * L̂ ≈ λ_max(∇²f(x0)) by power iteration on gradient differences (see the file comment); NaN when
 * the gradient is not finite. Costs 1 + iterations gradients.
 */
export function estimateLipschitz(problem: SmoothObjective, x0: Float64Array, iterations = 20): number {
  const n = x0.length;
  const g0 = problem.grad(x0, new Float64Array(n));
  let scale = 1;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(x0[i]));
  const h = 1e-4 * scale;
  // a fixed start with no special direction: v_i ∝ 1.5 + sin(i + 1)
  let v = Float64Array.from({ length: n }, (_, i) => 1.5 + Math.sin(i + 1));
  let norm = Math.hypot(...v);
  for (let i = 0; i < n; i++) v[i] /= norm;
  const xh = new Float64Array(n);
  const gh = new Float64Array(n);
  let L = Number.NaN;
  for (let k = 0; k < iterations; k++) {
    for (let i = 0; i < n; i++) xh[i] = x0[i] + h * v[i];
    problem.grad(xh, gh);
    const w = Float64Array.from(gh, (gi, i) => (gi - g0[i]) / h);
    norm = Math.hypot(...w);
    if (!Number.isFinite(norm)) return Number.NaN;
    L = norm;
    if (norm === 0) break;
    for (let i = 0; i < n; i++) w[i] /= norm;
    v = w;
  }
  return L;
}

export function proximalGradient(
  problem: SmoothObjective,
  penalty: Penalty,
  x0: Float64Array,
  options: ProximalGradientOptions = {},
): ProximalGradientResult {
  const {
    accelerated = true,
    lipschitz,
    shrink = 0.5,
    maxIter = 1000,
    tol = 1e-8,
    powerIterations = 20,
  } = options;
  if (lipschitz !== undefined && !(lipschitz > 0 && Number.isFinite(lipschitz))) {
    throw new RangeError(`Invalid lipschitz value: ${lipschitz}`);
  }
  if (!(shrink > 0 && shrink < 1))
    throw new RangeError(`Invalid shrink value: ${shrink} (expected 0 < shrink < 1)`);
  const { step0 } = options;
  if (step0 !== undefined && !(step0 > 0 && Number.isFinite(step0))) {
    throw new RangeError(`Invalid step0 value: ${step0}`);
  }
  if (!Number.isInteger(powerIterations) || powerIterations < 1) {
    throw new RangeError(`Invalid powerIterations value: ${powerIterations}`);
  }
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new RangeError(`Invalid maxIter value: ${maxIter}`);
  const n = x0.length;
  const z = param(new Float64Array(n), { name: 'proximalGradient.z' });
  let x: Float64Array = Float64Array.from(x0);
  let y: Float64Array = Float64Array.from(x0);
  const g = new Float64Array(n);
  let nfev = 0;
  let ngev = 0;
  let t: number;
  if (lipschitz) t = 1 / lipschitz;
  else if (step0 !== undefined) t = step0;
  else {
    const L = estimateLipschitz(problem, x, powerIterations);
    ngev += 1 + powerIterations;
    t = L > 0 && Number.isFinite(1 / L) ? 1 / L : 1;
  }
  let s = 1;
  const F = (v: Float64Array) => {
    nfev++;
    z.data.set(v);
    return problem.f(v) + penalty.value(z);
  };
  const history: number[] = [F(x)];
  let converged = false;
  let message = `maximum number of iterations (${maxIter}) reached`;
  let nit = 0;
  if (!Number.isFinite(history[0])) {
    message = `the objective is not finite at x0 (F(x0) = ${history[0]})`;
    z.free();
    return { x, fun: history[0], nit, nfev, ngev, converged, message, history, step: t };
  }
  for (; nit < maxIter; ) {
    nit++;
    const fy = problem.f(y);
    nfev++;
    problem.grad(y, g);
    ngev++;
    let xNext: Float64Array | undefined;
    for (let trial = 0; trial < MAX_TRIALS; trial++) {
      const zd = z.data;
      for (let i = 0; i < n; i++) zd[i] = y[i] - t * g[i];
      penalty.prox(z, t);
      const candidate = Float64Array.from(z.data);
      if (lipschitz) {
        xNext = candidate;
        break;
      }
      const fz = problem.f(candidate);
      nfev++;
      let lin = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const d = candidate[i] - y[i];
        lin += g[i] * d;
        sq += d * d;
      }
      if (fz <= fy + lin + sq / (2 * t) + 1e-12 * Math.abs(fy)) {
        xNext = candidate;
        break;
      }
      t *= shrink;
    }
    if (!xNext) {
      message = `the backtracking search found no step with sufficient decrease at iteration ${nit} (f(y) = ${fy})`;
      break;
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
  return { x, fun, nit, nfev, ngev, converged, message, history, step: t };
}
