/**
 * How sharp is a minimum? The notes prefer a flat, wide minimum to a sharp pit (it generalizes
 * better; Hochreiter & Schmidhuber 1997, Keskar et al. 2017). Three measures at a point x:
 *
 *   λ_max(∇²f(x))          the largest Hessian eigenvalue, by Lanczos on Hessian-vector products
 *                          (the curvature of the steepest direction; PyHessian's "top eigenvalue")
 *   tr ∇²f(x)              the Hessian trace (total curvature), by Hutchinson's estimator
 *   φ_ε(x) = (max_{y ∈ C_ε} f(x + y) - f(x)) / (1 + f(x)),
 *            C_ε = { y : |y_i| ≤ ε (|x_i| + 1) }
 *                          ε-sharpness (Keskar, Mudigere, Nocedal, Smelyanskiy & Tang, ICLR 2017,
 *                          eq. 3 with A = I; the paper reports 100 φ_ε, with ε = 1e-3 and 5e-4)
 *
 * The inner maximum of φ_ε is found by projected gradient ascent on the box C_ε (the default), or
 * with `method: 'lbfgsb'` by L-BFGS-B on -f(x + y) with the bounds -r ≤ y ≤ r (Keskar et al. used a
 * few L-BFGS-B iterations on this box-constrained problem). Projected gradient ascent:
 *   y ← P_C(y + t ∇f(x + y)),   P_C(y)_i = min(max(y_i, -r_i), r_i),   r_i = ε (|x_i| + 1),
 * with the step t starting at max r / max |∇f| (one step may cross the box), doubled after a step
 * that raises f and halved (the step retried) after one that does not. It runs from y = 0 (which
 * follows the gradient at x) and from `restarts` random points of the box (at an exact minimum
 * ∇f(x) = 0 and y = 0 cannot move); the best value found is a lower bound on the maximum, exact
 * when f is concave on the box or convex with the maximizing corner reached. φ_ε assumes f ≥ 0
 * (a loss), so that 1 + f(x) ≥ 1.
 */
import { minimize } from '../minimize/minimize.js';
import type { Problem } from '../problems/problem.js';
import { type HessianSource, hvpOperator } from './hessian.js';
import { type HutchinsonOptions, type HutchinsonResult, hutchinsonTrace } from './hutchinson.js';
import { type LanczosOptions, lanczos } from './lanczos.js';
import { seededRandom } from './seeded-random.js';

export interface LargestEigenvalueResult {
  /** λ_max of the Hessian at x. */
  value: number;
  /** Its unit eigenvector (the sharpest direction). */
  vector: Float64Array;
  /** |H v - λ v| bound. */
  residual: number;
  iterations: number;
  converged: boolean;
}

function checkX(x: unknown): asserts x is Float64Array {
  if (!(x instanceof Float64Array)) throw new TypeError('x must be a Float64Array');
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`x has a non-finite entry ${x[bad]} at index ${bad}`);
}

/** λ_max(∇²f(x)) by Lanczos (at most min(n, 100) products, as PyHessian). */
export function largestHessianEigenvalue(
  source: HessianSource,
  x: Float64Array,
  options: LanczosOptions = {},
): LargestEigenvalueResult {
  checkX(x);
  const n = x.length;
  const r = lanczos(hvpOperator(source, x), n, 1, { maxIter: Math.min(n, 100), ...options });
  return {
    value: r.largest[0],
    vector: r.largestVectors[0],
    residual: r.residuals[0],
    iterations: r.iterations,
    converged: r.converged,
  };
}

/** tr ∇²f(x) by Hutchinson's estimator on Hessian-vector products. */
export function hessianTraceAt(
  source: HessianSource,
  x: Float64Array,
  options: HutchinsonOptions = {},
): HutchinsonResult {
  checkX(x);
  return hutchinsonTrace(hvpOperator(source, x), x.length, options);
}

export interface EpsilonSharpnessOptions {
  /** Box size ε (default 1e-3, Keskar et al.'s). */
  epsilon?: number;
  /** Iterations per start (default 20): gradient steps, or L-BFGS-B iterations. */
  iterations?: number;
  /** How the inner maximum is found (default 'projected-gradient'). */
  method?: 'projected-gradient' | 'lbfgsb';
  /** Random starting points in the box besides y = 0 (default 2). */
  restarts?: number;
  seed?: number;
}

export interface EpsilonSharpnessResult {
  /** φ_ε = (f(x + y*) - f(x)) / (1 + f(x)) (Keskar et al. print 100 φ_ε). */
  sharpness: number;
  /** f(x). */
  value: number;
  /** f(x + y*), the largest value found in the box. */
  maxValue: number;
  /** The maximizing perturbation y*. */
  delta: Float64Array;
  /** Function and gradient evaluations used. */
  evaluations: number;
}

export function epsilonSharpness(
  objective: Pick<Problem, 'f' | 'grad'>,
  x: Float64Array,
  options: EpsilonSharpnessOptions = {},
): EpsilonSharpnessResult {
  if (!objective || typeof objective.f !== 'function' || typeof objective.grad !== 'function') {
    throw new TypeError('epsilonSharpness needs an objective { f(x), grad(x, out) }');
  }
  checkX(x);
  const epsilon = options.epsilon ?? 1e-3;
  if (typeof epsilon !== 'number' || !(epsilon > 0) || !Number.isFinite(epsilon)) {
    throw new RangeError(`Invalid epsilon value: ${String(epsilon)} (expected a finite number > 0)`);
  }
  const iterations = options.iterations ?? 20;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(`Invalid iterations value: ${String(iterations)} (expected an integer >= 1)`);
  }
  const restarts = options.restarts ?? 2;
  if (!Number.isInteger(restarts) || restarts < 0) {
    throw new RangeError(`Invalid restarts value: ${String(restarts)} (expected an integer >= 0)`);
  }
  const method = options.method ?? 'projected-gradient';
  if (method !== 'projected-gradient' && method !== 'lbfgsb') {
    throw new RangeError(
      `Invalid method value: ${String(method)} (expected 'projected-gradient' or 'lbfgsb')`,
    );
  }
  const rng = seededRandom(options.seed ?? 0);
  const n = x.length;
  const r = Float64Array.from(x, (xi) => epsilon * (Math.abs(xi) + 1));
  const rMax = Math.max(...r);
  const at = new Float64Array(n);
  const g = new Float64Array(n);
  let evaluations = 0;
  const value = (y: Float64Array) => {
    for (let i = 0; i < n; i++) at[i] = x[i] + y[i];
    evaluations++;
    return objective.f(at);
  };
  const gradient = (y: Float64Array) => {
    for (let i = 0; i < n; i++) at[i] = x[i] + y[i];
    evaluations++;
    objective.grad(at, g);
    return g;
  };
  const f0 = value(new Float64Array(n));
  if (!Number.isFinite(f0)) throw new RangeError(`f(x) is not finite: ${f0}`);
  let best = { value: f0, delta: new Float64Array(n) };

  const ascendByLbfgsb = (y: Float64Array) => {
    const r2 = minimize(
      {
        f: (z: Float64Array) => -value(z),
        grad: (z: Float64Array, out: Float64Array) => {
          const d = gradient(z);
          for (let i = 0; i < n; i++) out[i] = -d[i];
          return out;
        },
      },
      y,
      { method: 'lbfgs', bounds: { lb: r.map((ri) => -ri), ub: r }, maxIter: iterations },
    );
    const fy = -r2.fun;
    if (fy > best.value) best = { value: fy, delta: Float64Array.from(r2.x) };
  };

  const ascendByProjectedGradient = (y: Float64Array) => {
    let fy = value(y);
    let t = Number.NaN;
    const trial = new Float64Array(n);
    for (let k = 0; k < iterations; k++) {
      const d = gradient(y);
      let gMax = 0;
      for (let i = 0; i < n; i++) gMax = Math.max(gMax, Math.abs(d[i]));
      if (!(gMax > 0) || !Number.isFinite(gMax)) break;
      if (Number.isNaN(t)) t = rMax / gMax;
      let improved = false;
      for (let halvings = 0; halvings < 30 && !improved; halvings++) {
        for (let i = 0; i < n; i++) trial[i] = Math.min(Math.max(y[i] + t * d[i], -r[i]), r[i]);
        const ft = value(trial);
        if (ft > fy) {
          improved = true;
          fy = ft;
          y.set(trial);
          t *= 2;
        } else t /= 2;
      }
      if (!improved) break;
    }
    if (fy > best.value) best = { value: fy, delta: Float64Array.from(y) };
  };

  const ascend = method === 'lbfgsb' ? ascendByLbfgsb : ascendByProjectedGradient;
  ascend(new Float64Array(n));
  for (let s = 0; s < restarts; s++) ascend(Float64Array.from(r, (ri) => ri * (2 * rng.uniform() - 1)));
  return {
    sharpness: (best.value - f0) / (1 + f0),
    value: f0,
    maxValue: best.value,
    delta: best.delta,
    evaluations,
  };
}
