/**
 * LU factorization with partial pivoting, P A = L U, and what it gives: solving A x = b and the
 * determinant (f64, row-major). Kernels: assembly/lu.ts.
 *
 *   for k = 0..n-1:  p = argmax_{i>=k} |a_ik|,  swap rows k and p,
 *                    l_ik = a_ik / a_kk,  a_ij -= l_ik a_kj   (i, j > k)
 *   det A = sign · Π_k u_kk,  sign = (-1)^(number of row swaps)
 */
import { namedKernel } from './exports.js';
import { copyIn, type RightHandSide, rhsIn, rhsOut, type SquareMatrix, squareOrder } from './factor-args.js';

/** Thrown when a matrix is singular (to working precision) where a solution was asked for. */
export class SingularMatrixError extends Error {
  /** 0-based index of the (first) pivot found to be zero or negligible. */
  readonly pivot: number;
  constructor(pivot: number, name = 'A', detail = 'is zero') {
    super(`${name} is singular: pivot ${pivot} of its LU factorization ${detail}`);
    this.name = 'SingularMatrixError';
    this.pivot = pivot;
  }
}

/**
 * The result of `lu`: L (unit lower, below the diagonal) and U (on and above it) packed in one
 * n x n row-major array, the row interchanges in LAPACK's convention (row k was swapped with row
 * pivots[k] >= k, in order k = 0..n-1; 0-based, like scipy.linalg.lu_factor), and det P = ±1.
 */
export interface LUFactorization {
  lu: Float64Array;
  pivots: Int32Array;
  sign: 1 | -1;
}

const luKernel = namedKernel('lu_f64');
const luSolveKernel = namedKernel('lu_solve_f64');

/**
 * P A = L U with partial pivoting (scipy.linalg.lu_factor). A singular A is factored all the same
 * (U then has a zero on its diagonal); `luSolve` and `solve` report it.
 */
export function lu(A: SquareMatrix): LUFactorization {
  const n = squareOrder('A', A, 'full');
  const a = copyIn(A, n); // n extra values hold the pivots
  try {
    luKernel()(n, a.ptr, a.ptr + n * n * 8);
    const d = a.data;
    const pivots = new Int32Array(n);
    let sign: 1 | -1 = 1;
    for (let k = 0; k < n; k++) {
      pivots[k] = d[n * n + k];
      if (pivots[k] !== k) sign = sign === 1 ? -1 : 1;
    }
    return { lu: d.slice(0, n * n), pivots, sign };
  } finally {
    a.free();
  }
}

/**
 * x with A x = b from A's factorization (scipy.linalg.lu_solve): x = P b, L y = x, U x = y.
 * `b` is a vector or an n x k matrix (then the n x k row-major solution is returned). Throws
 * `SingularMatrixError` when U has an exactly zero pivot.
 */
export function luSolve(factorization: LUFactorization, b: RightHandSide): Float64Array {
  const { lu: packed, pivots } = factorization ?? {};
  if (!(packed instanceof Float64Array) || !(pivots instanceof Int32Array)) {
    throw new TypeError('factorization must be { lu: Float64Array, pivots: Int32Array } as lu() returns');
  }
  const n = pivots.length;
  if (packed.length !== n * n) {
    throw new RangeError(`factorization.lu has ${packed.length} values, expected pivots.length² = ${n * n}`);
  }
  for (let k = 0; k < n; k++) {
    if (!(pivots[k] >= k && pivots[k] < n))
      throw new RangeError(`Invalid factorization.pivots[${k}]: ${pivots[k]}`);
  }
  for (let k = 0; k < n; k++) if (packed[k * n + k] === 0) throw new SingularMatrixError(k);
  return solveWith(packed, pivots, b);
}

/**
 * x with A x = b (numpy.linalg.solve), by LU with partial pivoting. `b` is a vector or an n x k
 * matrix. Throws `SingularMatrixError` when a pivot is negligible: |u_kk| <= n ε max_ij |a_ij|
 * (the matrix is singular to working precision, e.g. [[1,2,3],[4,5,6],[7,8,9]]).
 */
export function solve(A: SquareMatrix, b: RightHandSide): Float64Array {
  const n = squareOrder('A', A, 'full');
  const { x, k } = rhsIn('b', b, n, 'A');
  const a = copyIn(A, n);
  try {
    let d = a.data;
    let big = 0;
    for (let i = 0; i < n * n; i++) big = Math.max(big, Math.abs(d[i]));
    const tol = n * Number.EPSILON * big;
    const piv = a.ptr + n * n * 8;
    luKernel()(n, a.ptr, piv);
    d = a.data;
    for (let i = 0; i < n; i++) {
      const u = d[i * n + i];
      if (Math.abs(u) <= tol) {
        throw new SingularMatrixError(i, 'A', `is ${u}, negligible (|u_kk| <= n ε max|a_ij| = ${tol})`);
      }
    }
    for (let j = 0; j < k; j++) luSolveKernel()(n, a.ptr, piv, x.ptr + j * n * 8);
    return rhsOut(x, n, k);
  } finally {
    a.free();
    x.free();
  }
}

/** Solves with a factorization already checked, copying it into kernel memory. */
function solveWith(packed: Float64Array, pivots: Int32Array, b: RightHandSide): Float64Array {
  const n = pivots.length;
  const { x, k } = rhsIn('b', b, n, 'factorization');
  const a = copyIn({ rows: n, cols: n, data: packed }, n);
  try {
    const d = a.data;
    for (let i = 0; i < n; i++) d[n * n + i] = pivots[i];
    const piv = a.ptr + n * n * 8;
    for (let j = 0; j < k; j++) luSolveKernel()(n, a.ptr, piv, x.ptr + j * n * 8);
    return rhsOut(x, n, k);
  } finally {
    a.free();
    x.free();
  }
}

/** det A = sign · Π_k u_kk from the LU factorization (0 for an exactly singular A; 1 when n = 0). */
export function det(A: SquareMatrix): number {
  const { lu: packed, pivots, sign } = lu(A);
  const n = pivots.length;
  let p: number = sign;
  for (let k = 0; k < n; k++) p *= packed[k * n + k];
  return p === 0 ? 0 : p; // never -0
}
