/**
 * An empirical convexity check on a box. f is convex iff Jensen's inequality
 *   f(alpha x + (1 - alpha) y) <= alpha f(x) + (1 - alpha) f(y)   for all x, y and alpha in [0, 1]
 * holds, and (for twice-differentiable f) iff its Hessian is positive semidefinite everywhere.
 * We test Jensen on random segments and the Hessian's smallest eigenvalue at random points; one
 * violation proves non-convexity (and is returned as a concrete counterexample, re-checked by
 * evaluating f), while passing every sample is evidence, not proof. "strictly convex" means every
 * sampled Hessian was positive definite (e.g. x^2, e^x), "convex" that some had a zero eigenvalue
 * (e.g. log-sum-exp, flat along (1, ..., 1)).
 */
import { eigh } from '@descent/kernels';
import type { Problem } from '../problems/problem.js';
import { hessian, hessianFromValues } from './hessian.js';
import { seededRandom } from './seeded-random.js';

export interface JensenCounterexample {
  x: Float64Array;
  y: Float64Array;
  alpha: number;
  /** f(alpha x + (1 - alpha) y) */
  lhs: number;
  /** alpha f(x) + (1 - alpha) f(y), smaller than lhs */
  rhs: number;
}

export interface ConvexityReport {
  verdict: 'strictly convex' | 'convex' | 'not convex';
  counterexample?: JensenCounterexample;
  /** Smallest Hessian eigenvalue seen over the samples. */
  minEigenvalue: number;
  segments: number;
  hessianSamples: number;
}

export interface ConvexityOptions {
  seed?: number;
  /** Random segments for Jensen's inequality (default 500). */
  segments?: number;
  /** Random points for the Hessian test (default 50). */
  hessianSamples?: number;
  /** Relative tolerance of the Jensen comparison (default 1e-9). */
  tol?: number;
  /** Eigenvalues with |λ| <= eigTol max(1, max|λ|) count as zero (default 1e-6). */
  eigTol?: number;
}

type Objective = Problem | ((x: Float64Array) => number);

function jensen(
  f: (x: Float64Array) => number,
  x: Float64Array,
  y: Float64Array,
  alpha: number,
  tol: number,
) {
  const z = x.map((xi, i) => alpha * xi + (1 - alpha) * y[i]);
  const lhs = f(z);
  const rhs = alpha * f(x) + (1 - alpha) * f(y);
  const slack = tol * (1 + Math.abs(lhs) + Math.abs(rhs));
  return { lhs, rhs, violated: lhs - rhs > slack };
}

export function checkConvexity(
  objective: Objective,
  domain?: [number, number][],
  options: ConvexityOptions = {},
): ConvexityReport {
  const f = typeof objective === 'function' ? objective : (x: Float64Array) => objective.f(x);
  const box = domain ?? (typeof objective === 'function' ? undefined : objective.domain);
  if (!box || !Array.isArray(box) || box.length === 0)
    throw new RangeError('checkConvexity needs a domain: one [lo, hi] per coordinate');
  for (const [k, side] of box.entries()) {
    if (!Array.isArray(side) || !(side[0] < side[1]))
      throw new RangeError(`Invalid domain[${k}]: ${JSON.stringify(side)} (need [lo, hi] with lo < hi)`);
  }
  if (typeof objective !== 'function' && objective.dim !== box.length) {
    throw new RangeError(`domain has length ${box.length}, expected problem.dim = ${objective.dim}`);
  }
  const { seed = 0, segments = 500, hessianSamples = 50, tol = 1e-9, eigTol = 1e-6 } = options;
  for (const [name, v] of Object.entries({ segments, hessianSamples })) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`Invalid ${name}: ${v}`);
  }
  const n = box.length;
  const rng = seededRandom(seed);
  const point = () => Float64Array.from(box, ([lo, hi]) => lo + rng.uniform() * (hi - lo));

  let worst: JensenCounterexample | undefined;
  const consider = (x: Float64Array, y: Float64Array, alpha: number) => {
    const { lhs, rhs, violated } = jensen(f, x, y, alpha, tol);
    if (violated && (!worst || lhs - rhs > worst.lhs - worst.rhs)) worst = { x, y, alpha, lhs, rhs };
  };
  for (let s = 0; s < segments; s++) consider(point(), point(), 0.05 + 0.9 * rng.uniform());

  let minEigenvalue = Number.POSITIVE_INFINITY;
  let allDefinite = true;
  for (let s = 0; s < hessianSamples; s++) {
    const p = point();
    const H = typeof objective === 'function' ? hessianFromValues(f, p) : hessian(objective, p);
    if (!H.data.every(Number.isFinite)) continue;
    const { values, vectors } = eigh(H);
    const scale = Math.max(1, ...values.map(Math.abs));
    minEigenvalue = Math.min(minEigenvalue, values[0]);
    if (values[0] <= eigTol * scale) allDefinite = false;
    if (values[0] < -eigTol * scale && !worst) {
      // Negative curvature along q: f(p) > (f(p - t q) + f(p + t q)) / 2 for small enough t.
      const q = Float64Array.from({ length: n }, (_, i) => vectors[i * n]);
      for (let t = 0.1 * Math.min(...box.map(([lo, hi]) => hi - lo)); t > 1e-6 && !worst; t /= 4) {
        const x = p.map((pi, i) => pi - t * q[i]);
        const y = p.map((pi, i) => pi + t * q[i]);
        const inside = (z: Float64Array) => z.every((zi, i) => zi >= box[i][0] && zi <= box[i][1]);
        if (inside(x) && inside(y)) consider(x, y, 0.5);
      }
    }
  }
  const verdict = worst ? 'not convex' : allDefinite && hessianSamples > 0 ? 'strictly convex' : 'convex';
  const report: ConvexityReport = { verdict, minEigenvalue, segments, hessianSamples };
  if (worst) report.counterexample = worst;
  return report;
}
