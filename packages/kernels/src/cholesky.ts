/**
 * Cholesky factorization A = L Lᵀ of a symmetric positive-definite matrix, triangular solves, and
 * solving A x = b from the factor (f64, row-major). Kernels: assembly/cholesky.ts.
 *
 *   l_ij = (a_ij - Σ_{k<j} l_ik l_jk) / l_jj  (j < i),    l_ii = sqrt(a_ii - Σ_{k<i} l_ik²)
 *
 * A matrix is positive definite exactly when every radicand is > 0, so `cholesky` doubles as the
 * cheap (n³/3 flops) positive-definiteness test: it throws `NotPositiveDefiniteError` otherwise.
 */
import { namedKernel } from './exports.js';
import {
  borrow,
  copyIn,
  type RightHandSide,
  rhsIn,
  rhsOut,
  type SquareMatrix,
  squareOrder,
} from './factor-args.js';
import type { Matrix, WasmMatrix } from './matrix.js';

export type { RightHandSide, SquareMatrix } from './factor-args.js';

/** Thrown by `cholesky` when A is not (numerically) positive definite. */
export class NotPositiveDefiniteError extends Error {
  /** 0-based index of the first pivot whose radicand a_ii - Σ l_ik² is not positive. */
  readonly pivot: number;
  constructor(pivot: number, name = 'A') {
    super(
      `${name} is not positive definite: pivot ${pivot} (the leading ${pivot + 1} x ${pivot + 1} minor) is not positive`,
    );
    this.name = 'NotPositiveDefiniteError';
    this.pivot = pivot;
  }
}

const choleskyKernel = namedKernel('cholesky_f64');
const trsvKernel = namedKernel('trsv_f64');

/**
 * The lower-triangular L with A = L Lᵀ, as an n x n row-major Float64Array (zeros above the
 * diagonal). Reads only the lower triangle of A (j <= i), like LAPACK's potrf with uplo 'L'.
 * Throws `NotPositiveDefiniteError` (with the failing pivot) when A is not positive definite.
 */
export function cholesky(A: SquareMatrix): Float64Array {
  const n = squareOrder('A', A, 'lower');
  const a = copyIn(A);
  try {
    const pivot = choleskyKernel()(n, a.ptr);
    if (pivot >= 0) throw new NotPositiveDefiniteError(pivot);
    return a.data.slice();
  } finally {
    a.free();
  }
}

/** A triangular factor: n x n row-major values (a Float64Array of n² values), or a matrix. */
export type TriangularFactor = Float64Array | SquareMatrix;

function factorMatrix(name: string, T: TriangularFactor, n: number): SquareMatrix {
  if (T instanceof Float64Array) {
    if (T.length !== n * n) {
      throw new RangeError(
        `${name} has ${T.length} values, expected n² = ${n * n} for an n = ${n} right-hand side`,
      );
    }
    return { rows: n, cols: n, data: T };
  }
  return T;
}

/** The order n a right-hand side implies (its length, or its number of rows). */
function rhsOrder(b: RightHandSide): number {
  if (b instanceof Float64Array) return b.length;
  if (!b || typeof b !== 'object' || !Number.isInteger(b.rows)) {
    throw new TypeError('b must be a Float64Array or a matrix { rows, cols, data: Float64Array }');
  }
  return b.rows;
}

/** Options of `solveTriangular` (scipy.linalg.solve_triangular's). */
export interface SolveTriangularOptions {
  /** Read the lower triangle of T (default false: the upper, as in scipy). */
  lower?: boolean;
  /** Solve Tᵀ x = b instead of T x = b (default false). */
  trans?: boolean;
  /** Take the diagonal of T as ones without reading it (default false). */
  unitDiagonal?: boolean;
}

/**
 * x with op(T) x = b for triangular T (forward or back substitution, O(n²) per right-hand side).
 * `b` is a vector (returns a vector) or an n x k matrix (returns its n x k row-major solution).
 * A zero on T's diagonal gives infinities, as in scipy; check the diagonal first if it may occur.
 */
export function solveTriangular(
  T: TriangularFactor,
  b: RightHandSide,
  options: SolveTriangularOptions = {},
): Float64Array {
  const { lower = false, trans = false, unitDiagonal = false } = options;
  const n = rhsOrder(b);
  const t = factorMatrix('T', T, n);
  squareOrder('T', t, 'full');
  return triangularSolves(t, b, 'T', (tp, xp) => {
    trsvKernel()(n, tp, xp, lower ? 1 : 0, trans ? 1 : 0, unitDiagonal ? 1 : 0);
  });
}

/**
 * x with A x = b, from A's Cholesky factor L (as `cholesky` returned it): L y = b, then Lᵀ x = y.
 * Reads only the lower triangle of L. `b` is a vector or an n x k matrix, as in `solveTriangular`.
 * (torch.cholesky_solve(b, L) / scipy.linalg.cho_solve((L, True), b).)
 */
export function choleskySolve(L: TriangularFactor, b: RightHandSide): Float64Array {
  const n = rhsOrder(b);
  const l = factorMatrix('L', L, n);
  squareOrder('L', l, 'lower');
  return triangularSolves(l, b, 'L', (lp, xp) => {
    trsvKernel()(n, lp, xp, 1, 0, 0);
    trsvKernel()(n, lp, xp, 1, 1, 0);
  });
}

/** Runs `solveOne(tPtr, xPtr)` on each right-hand side of b in kernel memory. */
function triangularSolves(
  T: Matrix<Float64Array> | WasmMatrix<'f64'>,
  b: RightHandSide,
  tName: string,
  solveOne: (t: number, x: number) => void,
): Float64Array {
  const n = T.rows;
  const { x, k } = rhsIn('b', b, n, tName);
  const t = borrow(T);
  try {
    for (let j = 0; j < k; j++) solveOne(t.arr.ptr, x.ptr + j * n * 8);
    return rhsOut(x, n, k);
  } finally {
    t.release();
    x.free();
  }
}
