/**
 * Hessians and Hessian-vector products of a problem or of a bare gradient function.
 *
 * Exact when the problem has a `hessian`; otherwise central differences of the gradient,
 *   H[:, j] ≈ (g(x + h_j e_j) - g(x - h_j e_j)) / (2 h_j),   h_j = eps^(1/3) max(1, |x_j|),
 * then symmetrized, H <- (H + H^T) / 2. The step eps^(1/3) ≈ 6e-6 balances the O(h^2) truncation
 * error against the O(eps / h) rounding error, leaving about 10 correct digits.
 * Hessian-vector products need no matrix: Hv ≈ (g(x + h v) - g(x - h v)) / (2h), h = eps^(1/3)
 * max(1, |x|) / |v| (Pearlmutter's trick approximated; exact H v when the problem has a Hessian).
 */
import type { Matrix } from '@descent/kernels';
import type { Problem } from '../problems/problem.js';

/** A gradient function in the problems' convention: fills out with grad f(x) (may also return it). */
export type GradientFn = (x: Float64Array, out: Float64Array) => unknown;

/** What `hessian` and `hvp` accept: a problem (exact Hessian when it has one) or a gradient function. */
export type HessianSource = (Pick<Problem, 'grad'> & Partial<Pick<Problem, 'hessian'>>) | GradientFn;

const cubeRootEps = Math.cbrt(Number.EPSILON);

function checkPoint(name: string, x: unknown): asserts x is Float64Array {
  if (!(x instanceof Float64Array)) throw new TypeError(`${name} must be a Float64Array`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new RangeError(`${name} has a non-finite entry ${x[i]} at index ${i}`);
  }
}

function gradientOf(source: HessianSource): GradientFn {
  if (typeof source === 'function') return source;
  if (source && typeof source.grad === 'function') return (x, out) => source.grad(x, out);
  throw new TypeError('Expected a problem { grad, hessian? } or a gradient function (x, out) => out');
}

function exactHessian(source: HessianSource) {
  return typeof source === 'function' ? undefined : source.hessian?.bind(source);
}

/** The n x n Hessian at x, row-major `{ rows, cols, data }` (exact when available, else symmetrized central differences). */
export function hessian(source: HessianSource, x: Float64Array): Matrix<Float64Array> {
  checkPoint('x', x);
  const n = x.length;
  const data = new Float64Array(n * n);
  const exact = exactHessian(source);
  if (exact) {
    exact(x, data);
    return { rows: n, cols: n, data };
  }
  const grad = gradientOf(source);
  const xp = Float64Array.from(x);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const h = cubeRootEps * Math.max(1, Math.abs(x[j]));
    xp[j] = x[j] + h;
    grad(xp, gp);
    xp[j] = x[j] - h;
    grad(xp, gm);
    xp[j] = x[j];
    const step = xp[j] + h - (xp[j] - h); // the step actually taken after rounding
    for (let i = 0; i < n; i++) data[i * n + j] = (gp[i] - gm[i]) / step;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (data[i * n + j] + data[j * n + i]);
      data[i * n + j] = s;
      data[j * n + i] = s;
    }
  }
  return { rows: n, cols: n, data };
}

/** H(x) v: exact with the problem's Hessian, else one central difference of the gradient along v. */
export function hvp(
  source: HessianSource,
  x: Float64Array,
  v: Float64Array,
  out?: Float64Array,
): Float64Array {
  checkPoint('x', x);
  checkPoint('v', v);
  const n = x.length;
  if (v.length !== n) throw new RangeError(`v has length ${v.length}, expected x.length = ${n}`);
  const result = out ?? new Float64Array(n);
  if (result.length !== n) throw new RangeError(`out has length ${result.length}, expected x.length = ${n}`);
  const exact = exactHessian(source);
  if (exact) {
    const H = exact(x, new Float64Array(n * n));
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += H[i * n + j] * v[j];
      result[i] = s;
    }
    return result;
  }
  let vnorm = 0;
  let xnorm = 0;
  for (let i = 0; i < n; i++) {
    vnorm += v[i] * v[i];
    xnorm += x[i] * x[i];
  }
  vnorm = Math.sqrt(vnorm);
  if (vnorm === 0) return result.fill(0);
  const h = (cubeRootEps * Math.max(1, Math.sqrt(xnorm))) / vnorm;
  const grad = gradientOf(source);
  const xs = new Float64Array(n);
  const gm = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = x[i] - h * v[i];
  grad(xs, gm);
  for (let i = 0; i < n; i++) xs[i] = x[i] + h * v[i];
  grad(xs, result);
  for (let i = 0; i < n; i++) result[i] = (result[i] - gm[i]) / (2 * h);
  return result;
}

/**
 * v -> H(x) v as an operator (v, out) => out for `lanczos` and `hutchinsonTrace`. With an exact
 * Hessian it is formed once and each product is a matrix-vector product; otherwise each product
 * costs two gradient evaluations and H is never formed.
 */
export function hvpOperator(
  source: HessianSource,
  x: Float64Array,
): (v: Float64Array, out: Float64Array) => Float64Array {
  const x0 = Float64Array.from(x);
  if (!exactHessian(source)) return (v, out) => hvp(source, x0, v, out);
  const n = x0.length;
  const H = hessian(source, x0).data;
  return (v, out) => {
    if (v.length !== n || out.length !== n)
      throw new RangeError(`v and out must have length x.length = ${n}`);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += H[i * n + j] * v[j];
      out[i] = s;
    }
    return out;
  };
}

/**
 * The Hessian of f from values alone (no gradient), by the four-point second difference
 *   H_ij ≈ [f(x + h_i e_i + h_j e_j) - f(x + h_i e_i - h_j e_j) - f(x - h_i e_i + h_j e_j)
 *          + f(x - h_i e_i - h_j e_j)] / (4 h_i h_j),   h_i = eps^(1/4) max(1, |x_i|),
 * accurate to about 8 digits.
 */
export function hessianFromValues(f: (x: Float64Array) => number, x: Float64Array): Matrix<Float64Array> {
  checkPoint('x', x);
  const n = x.length;
  const h = Array.from(x, (xi) => Number.EPSILON ** 0.25 * Math.max(1, Math.abs(xi)));
  const y = Float64Array.from(x);
  const at = (i: number, si: number, j: number, sj: number) => {
    y[i] += si * h[i];
    y[j] += sj * h[j];
    const v = f(y);
    y[i] = x[i];
    y[j] = x[j];
    return v;
  };
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * h[i] * h[j]);
      data[i * n + j] = v;
      data[j * n + i] = v;
    }
  }
  return { rows: n, cols: n, data };
}
