/**
 * The symmetric eigendecomposition A = Q diag(w) Qᵀ (numpy.linalg.eigh), f64. Kernel:
 * assembly/eigh.ts — Householder tridiagonalization; with vectors, divide and conquer on the
 * tridiagonal (assembly/eigh-dc.ts, LAPACK dstedc's method, gemm-bound) and the reflectors applied
 * in blocks on gemm; without, the implicit QL iteration (tql2). A graded matrix (large diagonal
 * entries at one end) is reduced from its large end, and a graded tridiagonal is solved by QL, so
 * tiny eigenvalues keep their relative accuracy whichever way the grading runs.
 *
 * Threads: from n = 256 (EIGH_MIN_N), the products inside it (the reduction's trailing updates,
 * the large divide-and-conquer merges, the back-transformation) are split over the worker pool by
 * rows (threads/eigh-threads.ts); the result is bit-identical for any thread count.
 *
 * Only the LOWER triangle of A (entries a_ij with j <= i) is read, as numpy.linalg.eigh does by
 * default (UPLO='L'): the strict upper triangle is ignored, so a non-symmetric input is treated as
 * the symmetric matrix its lower triangle defines.
 */

import { alloc } from './arena.js';
import { namedKernel } from './exports.js';
import { copyIn, type SquareMatrix, squareOrder } from './factor-args.js';
import { eighOnThreads } from './threads/eigh-threads.js';

/** Eigenvalues ascending; `vectors` is n x n row-major and its column j is the unit eigenvector of values[j]. */
export interface Eigh {
  values: Float64Array;
  vectors: Float64Array;
}

const eighKernel = namedKernel('eigh_f64');
const scratchKernel = namedKernel('eigh_scratch_f64');

function run(A: SquareMatrix, vectors: boolean): { values: Float64Array; vectors?: Float64Array } {
  const n = squareOrder('A', A, 'lower');
  const a = copyIn(A);
  const work = alloc('f64', n + scratchKernel()(n, vectors ? 1 : 0)); // w, then the kernel's scratch
  try {
    const info =
      eighOnThreads(n, a.ptr, work.ptr, work.ptr + n * 8, vectors) ??
      eighKernel()(n, a.ptr, work.ptr, work.ptr + n * 8, vectors ? 1 : 0);
    if (info !== 0) {
      throw new Error(`eigh: the QL iteration did not converge for eigenvalue ${info - 1} of A (n = ${n})`);
    }
    return { values: work.data.slice(0, n), vectors: vectors ? a.data.slice() : undefined };
  } finally {
    a.free();
    work.free();
  }
}

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors of the symmetric matrix A:
 * A = V diag(values) Vᵀ, column j of V (row-major `vectors`) belongs to values[j].
 * Reads only the lower triangle of A. Eigenvectors are unique only up to sign (and, for repeated
 * eigenvalues, up to a rotation within their eigenspace), as with numpy.
 */
export function eigh(A: SquareMatrix): Eigh {
  const r = run(A, true);
  return { values: r.values, vectors: r.vectors! };
}

/** Eigenvalues of the symmetric matrix A, ascending (numpy.linalg.eigvalsh); reads its lower triangle. */
export function eigvalsh(A: SquareMatrix): Float64Array {
  return run(A, false).values;
}
