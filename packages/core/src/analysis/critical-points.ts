/**
 * What a critical point (grad f = 0) is, read off the Hessian's eigendecomposition H = Q Λ Q^T:
 *   all λ > tol              minimum   (f curves up in every direction)
 *   all λ < -tol             maximum
 *   some λ > tol, some < -tol saddle   (the eigenvectors of λ < 0 are escape directions: f falls along them)
 *   otherwise                degenerate (some |λ| <= tol and the rest of one sign: the second-order
 *                            test is inconclusive, as for x^3 and the monkey saddle at 0)
 * condition = max|λ| / min|λ|. `findCriticalPoints` runs Newton on grad f = 0 from a grid of starts.
 */
import { eigh } from '@descent/kernels';
import type { Problem } from '../problems/problem.js';
import { type SquareMatrixInput, squareMatrix } from '../problems/quadratic.js';
import { hessian } from './hessian.js';

export type CriticalPointKind = 'minimum' | 'maximum' | 'saddle' | 'degenerate';

export interface CriticalPointClassification {
  kind: CriticalPointKind;
  /** Eigenvalues of H, ascending. */
  eigenvalues: Float64Array;
  /** Unit eigenvectors: eigenvectors[j] belongs to eigenvalues[j]. */
  eigenvectors: Float64Array[];
  /** max|λ| / min|λ| (Infinity when H is singular). */
  condition: number;
  /** Eigenvectors of the negative eigenvalues (most negative first): directions in which f decreases. */
  escapeDirections: Float64Array[];
  /** The tolerance under which an eigenvalue counted as zero. */
  tol: number;
}

export interface ClassifyOptions {
  /** |λ| <= tol counts as zero; default 1e-6 max(1, max|λ|). */
  tol?: number;
}

/** A symmetric matrix as row-major data with its order; throws naming H when it is not symmetric or not finite. */
export function symmetricMatrix(H: SquareMatrixInput): { n: number; data: Float64Array } {
  const { n, data } = squareMatrix('H', H);
  if (n < 1) throw new RangeError('H must have at least one row');
  let scale = 0;
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) {
      throw new RangeError(`H has a non-finite entry ${data[k]} at (${Math.floor(k / n)}, ${k % n})`);
    }
    scale = Math.max(scale, Math.abs(data[k]));
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const a = data[i * n + j];
      const b = data[j * n + i];
      if (Math.abs(a - b) > 1e-6 * scale) {
        throw new RangeError(`H must be symmetric: H[${i}][${j}] = ${a} but H[${j}][${i}] = ${b}`);
      }
      data[i * n + j] = data[j * n + i] = 0.5 * (a + b);
    }
  }
  return { n, data };
}

/** Flips v so that its largest-magnitude entry is positive (eigenvectors are defined up to sign). */
function canonicalSign(v: Float64Array): Float64Array {
  let k = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[k]) + 1e-12) k = i;
  if (v[k] < 0) for (let i = 0; i < v.length; i++) v[i] = -v[i];
  return v;
}

export function classifyCriticalPoint(
  H: SquareMatrixInput,
  options: ClassifyOptions = {},
): CriticalPointClassification {
  const { n, data } = symmetricMatrix(H);
  if (options.tol !== undefined && !(options.tol >= 0)) throw new RangeError(`Invalid tol: ${options.tol}`);
  const { values, vectors } = eigh({ rows: n, cols: n, data });
  const eigenvectors = Array.from({ length: n }, (_, j) =>
    canonicalSign(Float64Array.from({ length: n }, (_, i) => vectors[i * n + j])),
  );
  let maxAbs = 0;
  let minAbs = Number.POSITIVE_INFINITY;
  for (const v of values) {
    maxAbs = Math.max(maxAbs, Math.abs(v));
    minAbs = Math.min(minAbs, Math.abs(v));
  }
  const tol = options.tol ?? 1e-6 * Math.max(1, maxAbs);
  const positive = values.filter((v) => v > tol).length;
  const negative = values.filter((v) => v < -tol).length;
  let kind: CriticalPointKind = 'degenerate';
  if (positive === n) kind = 'minimum';
  else if (negative === n) kind = 'maximum';
  else if (positive > 0 && negative > 0) kind = 'saddle';
  return {
    kind,
    eigenvalues: values,
    eigenvectors,
    condition: minAbs === 0 ? Number.POSITIVE_INFINITY : maxAbs / minAbs,
    escapeDirections: eigenvectors.filter((_, j) => values[j] < -tol),
    tol,
  };
}

export interface CriticalPoint extends CriticalPointClassification {
  x: Float64Array;
  f: number;
  /** max |grad f(x)| at the returned point. */
  gradNorm: number;
}

export interface FindCriticalPointsOptions {
  /** Grid starts per coordinate (default round(400^(1/n)), at least 2): the grid has pointsPerDim^n starts. */
  pointsPerDim?: number;
  /** Newton iterations per start (default 50). */
  maxIter?: number;
  /** A start converged when max |grad f| <= gtol (default 1e-8). */
  gtol?: number;
  /** Points closer than this (max-norm, relative to the domain's widest side) are one point (default 1e-6). */
  mergeTol?: number;
  /** Passed to classifyCriticalPoint. */
  tol?: number;
}

/**
 * Critical points of f in a box: Newton's method on grad f = 0, x <- x - H^+ grad f (H^+ the
 * pseudo-inverse from eigh, so singular Hessians do not stop it), from the centres of a grid of
 * cells; converged points inside the box are merged and classified, sorted by f.
 */
export function findCriticalPoints(
  problem: Problem,
  domain: [number, number][] = problem.domain,
  options: FindCriticalPointsOptions = {},
): CriticalPoint[] {
  const n = problem.dim;
  if (!Array.isArray(domain) || domain.length !== n) {
    throw new RangeError(`domain has length ${domain?.length}, expected problem.dim = ${n}`);
  }
  for (const [k, side] of domain.entries()) {
    if (!Array.isArray(side) || !(side[0] < side[1]))
      throw new RangeError(`Invalid domain[${k}]: ${JSON.stringify(side)} (need [lo, hi] with lo < hi)`);
  }
  const per = options.pointsPerDim ?? Math.max(2, Math.round(400 ** (1 / n)));
  if (!Number.isInteger(per) || per < 1) throw new RangeError(`Invalid pointsPerDim: ${per}`);
  const maxIter = options.maxIter ?? 50;
  const gtol = options.gtol ?? 1e-8;
  const width = Math.max(...domain.map(([lo, hi]) => hi - lo));
  const mergeTol = (options.mergeTol ?? 1e-6) * width;
  const g = new Float64Array(n);
  const found: Float64Array[] = [];

  const newton = (x: Float64Array): boolean => {
    for (let it = 0; it < maxIter; it++) {
      problem.grad(x, g);
      if (!g.every(Number.isFinite)) return false;
      const { values, vectors } = eigh(hessian(problem, x));
      const cut = 1e-12 * Math.max(...values.map(Math.abs));
      let stepSize = 0;
      const step = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        if (Math.abs(values[j]) <= cut) continue;
        let qg = 0;
        for (let i = 0; i < n; i++) qg += vectors[i * n + j] * g[i];
        for (let i = 0; i < n; i++) step[i] -= (qg / values[j]) * vectors[i * n + j];
      }
      for (let i = 0; i < n; i++) {
        x[i] += step[i];
        stepSize = Math.max(stepSize, Math.abs(step[i]));
      }
      if (
        !x.every(Number.isFinite) ||
        x.some((xi, i) => Math.abs(xi - domain[i][0]) > 10 * width + Math.abs(domain[i][0]))
      )
        return false;
      if (stepSize <= 1e-15 * (1 + Math.max(...x.map(Math.abs)))) break;
    }
    problem.grad(x, g);
    return Math.max(...g.map(Math.abs)) <= gtol;
  };

  const index = new Array(n).fill(0);
  for (let count = 0; count < per ** n; count++) {
    const x = Float64Array.from(domain, ([lo, hi], i) => lo + ((index[i] + 0.5) * (hi - lo)) / per);
    for (let i = 0; i < n && ++index[i] === per; i++) index[i] = 0;
    if (!newton(x)) continue;
    const inside = x.every((xi, i) => xi >= domain[i][0] - mergeTol && xi <= domain[i][1] + mergeTol);
    if (!inside || found.some((y) => y.every((yi, i) => Math.abs(yi - x[i]) <= mergeTol))) continue;
    found.push(x);
  }
  return found
    .map((x) => ({
      x,
      f: problem.f(x),
      gradNorm: Math.max(...problem.grad(x, g).map(Math.abs)),
      ...classifyCriticalPoint(hessian(problem, x), { tol: options.tol }),
    }))
    .sort((a, b) => a.f - b.f);
}
