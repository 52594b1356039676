/**
 * The lasso by coordinate descent, scikit-learn's `Lasso` objective (no intercept: center the data
 * first):
 *
 *   min_θ  (1/(2n)) ‖y − Xθ‖² + λ ‖θ‖₁
 *
 * Along coordinate j the objective is a parabola plus λ|θ_j|, minimized exactly by the soft
 * threshold (Friedman, Hastie & Tibshirani 2007/2010, "pathwise coordinate optimization"):
 *
 *   c_j = ‖x_j‖²/n,   ρ_j = x_jᵀ r / n + c_j θ_j   (r = y − Xθ, kept up to date),
 *   θ_j ← S(ρ_j, λ) / c_j,    S(ρ, λ) = sign(ρ) max(|ρ| − λ, 0),    r ← r − Δθ_j x_j
 *
 * One step is a dot and an axpy of a column of X on the kernels, O(n). Gauss–Southwell here is
 * the GS-r rule: the coordinate whose exact update moves farthest (every ρ_j, a full Xᵀr, per step).
 * A zero column stays at 0. Memory: X (kept as d columns) and n + d.
 */
import { alloc, axpy, dot, type WasmArray } from '@descent/kernels';
import {
  type CoordinateDescentOptions,
  type CoordinateDescentResult,
  checkStart,
  resolveCoordinateOptions,
  runCoordinateSteps,
} from './rules.js';

export interface LassoOptions extends CoordinateDescentOptions {
  /** Start (default zeros). */
  x0?: ArrayLike<number>;
}

const softThreshold = (rho: number, lambda: number) => Math.sign(rho) * Math.max(Math.abs(rho) - lambda, 0);

/** X row-major n x d, y of length n, λ >= 0. */
export function lassoCoordinateDescent(
  X: ArrayLike<number>,
  y: ArrayLike<number>,
  lambda: number,
  options: LassoOptions = {},
): CoordinateDescentResult {
  const n = y.length;
  if (n < 1 || !X || X.length % n !== 0 || X.length === 0) {
    throw new RangeError(`X has length ${X?.length}, not a positive multiple of n = y.length = ${n}`);
  }
  const d = X.length / n;
  const Xd = checkStart('X', X, n * d);
  const yd = checkStart('y', y, n);
  if (!(lambda >= 0) || !Number.isFinite(lambda))
    throw new RangeError(`Invalid lambda: ${lambda} (expected a finite λ >= 0)`);
  const theta = options.x0 ? checkStart('x0', options.x0, d) : new Float64Array(d);
  const o = resolveCoordinateOptions(d, options);

  const columns: WasmArray<'f64'>[] = [];
  const r = alloc('f64', n);
  try {
    for (let j = 0; j < d; j++) columns.push(alloc('f64', n));
    const c = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const col = columns[j].data;
      for (let i = 0; i < n; i++) col[i] = Xd[i * d + j];
      c[j] = dot(columns[j], columns[j]) / n;
    }
    const rd = r.data;
    for (let i = 0; i < n; i++) {
      let s = yd[i];
      for (let j = 0; j < d; j++) s -= Xd[i * d + j] * theta[j];
      rd[i] = s;
    }
    /** θ_j's exact update (θ_j itself for a zero column). */
    const target = (j: number) =>
      c[j] > 0 ? softThreshold(dot(columns[j], r) / n + c[j] * theta[j], lambda) / c[j] : theta[j];
    const f = () => {
      let l1 = 0;
      for (let j = 0; j < d; j++) l1 += Math.abs(theta[j]);
      return dot(r, r) / (2 * n) + lambda * l1;
    };
    const step = (j: number) => {
      const delta = target(j) - theta[j];
      if (delta !== 0) {
        theta[j] += delta;
        axpy(-delta, columns[j], r);
      }
      return Math.abs(delta);
    };
    const farthest = () => {
      let best = 0;
      let move = -1;
      for (let j = 0; j < d; j++) {
        const m = Math.abs(target(j) - theta[j]);
        if (m > move) [best, move] = [j, m];
      }
      return best;
    };
    const run = runCoordinateSteps(d, o, step, farthest, f, () => theta);
    return { x: theta, fun: f(), ...run };
  } finally {
    for (const col of columns) col.free();
    r.free();
  }
}
