/**
 * QR factorization by Householder reflections, A = Q R for an m x n f64 matrix with m >= n
 * (row-major; the reduced form: Q m x n with orthonormal columns, R n x n upper triangular).
 * Kernels: assembly/qr.ts, LAPACK's blocked dgeqrf (panel factorization + compact-WY trailing
 * update on gemm) and dorgqr (Q formed from the reflectors, blocked, on gemm).
 *
 *   H_k = I - τ_k v_k v_kᵀ,  H_k A[k:m, k] = β_k e_1,  β_k = -sign(a_kk) ‖A[k:m, k]‖,
 *   Q = H_0 H_1 ... H_{n-1},   R = Qᵀ A
 *
 * LAPACK's sign convention, so Q and R are numpy.linalg.qr's and torch.linalg.qr's (R's diagonal
 * may be negative). `blockSize` (default 32) is the panel width; blockSize >= n runs the
 * unblocked algorithm (level-2 loops only).
 */
import { alloc, type WasmArray } from './arena.js';
import { namedKernel } from './exports.js';
import type { Matrix, WasmMatrix } from './matrix.js';

export interface QROptions {
  /** Panel width of the blocked algorithm (a positive integer, default 32). */
  blockSize?: number;
  /** Return only Q (R is not copied out; default false). */
  qOnly?: boolean;
}

export interface QRResult {
  /** m x n, orthonormal columns, row-major. */
  q: Float64Array;
  /** n x n upper triangular, row-major (empty with `qOnly`). */
  r: Float64Array;
}

const geqrf = namedKernel('geqrf_f64');
const orgqr = namedKernel('orgqr_f64');
const work = namedKernel('qr_work_f64');

function checkInput(A: Matrix<Float64Array> | WasmMatrix<'f64'>): Float64Array {
  if (!A || typeof A !== 'object' || !A.data) throw new TypeError('A must be a matrix { rows, cols, data }');
  const { rows: m, cols: n } = A;
  if (!Number.isInteger(m) || m < 0) throw new RangeError(`A.rows must be a non-negative integer, got ${m}`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`A.cols must be a non-negative integer, got ${n}`);
  if (m < n) throw new RangeError(`A must have at least as many rows as columns, got ${m} x ${n}`);
  const d = A.data as Float64Array | WasmArray;
  const values = d instanceof Float64Array ? d : (d as WasmArray).dtype === 'f64' ? d.data : undefined;
  if (!(values instanceof Float64Array))
    throw new TypeError('A.data must be f64 (a Float64Array or an f64 WasmArray)');
  if (values.length !== m * n) {
    throw new RangeError(`A.data has length ${values.length}, expected A.rows * A.cols = ${m * n}`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new RangeError(`A has a non-finite entry ${values[i]} at (${Math.floor(i / n)}, ${i % n})`);
    }
  }
  return values;
}

/** A = Q R (reduced, m >= n). Throws on a non-finite entry, m < n, or a bad blockSize. */
export function qr(A: Matrix<Float64Array> | WasmMatrix<'f64'>, options: QROptions = {}): QRResult {
  const { blockSize = 32, qOnly = false } = options;
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new RangeError(`Invalid blockSize: ${blockSize} (a positive integer)`);
  }
  const values = checkInput(A);
  const m = A.rows;
  const n = A.cols;
  if (n === 0) return { q: new Float64Array(0), r: new Float64Array(0) };
  const nb = Math.min(blockSize, n);
  const a = alloc('f64', m * n + n);
  let w: WasmArray | undefined;
  try {
    a.data.set(values);
    w = alloc('f64', work()(m, n, nb));
    const tau = a.ptr + m * n * 8;
    geqrf()(m, n, a.ptr, tau, nb, w.ptr);
    const r = new Float64Array(qOnly ? 0 : n * n);
    if (!qOnly) {
      const d = a.data;
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r[i * n + j] = d[i * n + j];
    }
    orgqr()(m, n, a.ptr, tau, nb, w.ptr);
    return { q: a.data.slice(0, m * n), r };
  } finally {
    a.free();
    w?.free();
  }
}
