/**
 * The general quadratic f(x) = 1/2 x^T A x - b^T x with A symmetric:
 *   grad f = A x - b,   H = A.
 * When A is positive definite the unique minimizer solves A x* = b and f* = -1/2 b^T x*;
 * otherwise (indefinite or singular A) no minimum is listed.
 */
import { box, defineProblem, type Problem } from './problem.js';

/** A symmetric matrix as rows, or row-major `{ rows, cols, data }`. */
export type SquareMatrixInput = number[][] | { rows: number; cols: number; data: ArrayLike<number> };

/** Copies a square matrix input to row-major Float64Array, with its size; throws naming `name`. */
export function squareMatrix(name: string, A: SquareMatrixInput): { n: number; data: Float64Array } {
  if (Array.isArray(A)) {
    const n = A.length;
    const data = new Float64Array(n * n);
    A.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== n) {
        throw new RangeError(`${name} must be square: row ${i} has length ${row?.length}, expected ${n}`);
      }
      data.set(row, i * n);
    });
    return { n, data };
  }
  if (!A || A.rows !== A.cols || A.data?.length !== A.rows * A.cols) {
    throw new RangeError(`${name} must be a square row-major matrix { rows, cols, data } with rows = cols`);
  }
  return { n: A.rows, data: Float64Array.from(A.data) };
}

/** Cholesky A = L L^T (lower, row-major) or null when A is not positive definite. */
function cholesky(n: number, A: Float64Array): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] ** 2;
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / ljj;
    }
  }
  return L;
}

/** f(x) = 1/2 x^T A x - b^T x. Throws when A is not square and symmetric or b has the wrong length. */
export function quadratic(A: SquareMatrixInput, b: ArrayLike<number>): Problem {
  const { n, data: a } = squareMatrix('A', A);
  if (n < 1) throw new RangeError('A must have at least one row');
  if (!b || b.length !== n) throw new RangeError(`b has length ${b?.length}, expected A.rows = ${n}`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const x = a[i * n + j];
      const y = a[j * n + i];
      if (Math.abs(x - y) > 1e-12 * (Math.abs(x) + Math.abs(y))) {
        throw new RangeError(`A must be symmetric: A[${i}][${j}] = ${x} but A[${j}][${i}] = ${y}`);
      }
    }
  }
  const bv = Float64Array.from(b);
  const minima: { x: Float64Array; f: number }[] = [];
  const L = cholesky(n, a);
  if (L) {
    // Solve L y = b, then L^T x = y.
    const x = Float64Array.from(bv);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < i; k++) x[i] -= L[i * n + k] * x[k];
      x[i] /= L[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      for (let k = i + 1; k < n; k++) x[i] -= L[k * n + i] * x[k];
      x[i] /= L[i * n + i];
    }
    let bx = 0;
    for (let i = 0; i < n; i++) bx += bv[i] * x[i];
    minima.push({ x, f: -0.5 * bx });
  }
  const ax = (x: Float64Array, i: number) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
    return s;
  };
  const scale = Math.max(1, ...(minima[0] ? Array.from(minima[0].x, Math.abs) : [1]));
  return defineProblem({
    name: 'quadratic',
    dim: n,
    f: (x) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i] * (0.5 * ax(x, i) - bv[i]);
      return s;
    },
    grad: (x, g) => {
      for (let i = 0; i < n; i++) g[i] = ax(x, i) - bv[i];
      return g;
    },
    hessian: (_x, h) => {
      h.set(a);
      return h;
    },
    x0: new Float64Array(n).fill(1),
    minima,
    domain: box(n, -2 * scale, 2 * scale),
    description: '1/2 x^T A x - b^T x: grad = Ax - b, H = A.',
  });
}
