/**
 * Naive dense linear algebra in plain TypeScript (row-major Float64Array, n x n unless said), the
 * independent reference the factorization tests check the kernels against.
 */
import { rng } from './random.js';

/** C = A B for A (n x m) and B (m x k). */
export function matmul(A: Float64Array, B: Float64Array, n: number, m: number, k: number): Float64Array {
  const C = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < m; p++) {
      const a = A[i * m + p];
      if (a === 0) continue;
      for (let j = 0; j < k; j++) C[i * k + j] += a * B[p * k + j];
    }
  }
  return C;
}

/** Aᵀ for A (rows x cols). */
export function transpose(A: Float64Array, rows: number, cols: number): Float64Array {
  const T = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) T[j * rows + i] = A[i * cols + j];
  return T;
}

/** ‖x‖_F = sqrt(Σ x_i²), scaled so it neither overflows nor underflows. */
export function frobenius(x: ArrayLike<number>): number {
  let big = 0;
  for (let i = 0; i < x.length; i++) big = Math.max(big, Math.abs(x[i]));
  if (big === 0) return 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] / big) ** 2;
  return big * Math.sqrt(s);
}

/** ‖A - B‖_F. */
export function distance(A: ArrayLike<number>, B: ArrayLike<number>): number {
  const d = new Float64Array(A.length);
  for (let i = 0; i < A.length; i++) d[i] = A[i] - B[i];
  return frobenius(d);
}

/** Uniform entries in [-1, 1), n x m, seeded. */
export function randomMatrix(n: number, m: number, seed: number): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(n * m);
  for (let i = 0; i < out.length; i++) out[i] = 2 * r() - 1;
  return out;
}

/** A random orthogonal n x n matrix: modified Gram–Schmidt (twice) on the columns of a random matrix. */
export function randomOrthogonal(n: number, seed: number): Float64Array {
  const Q = transpose(randomMatrix(n, n, seed), n, n); // rows of Q here are the columns to orthogonalize
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < n; j++) {
      const qj = Q.subarray(j * n, j * n + n);
      for (let i = 0; i < j; i++) {
        const qi = Q.subarray(i * n, i * n + n);
        let d = 0;
        for (let k = 0; k < n; k++) d += qi[k] * qj[k];
        for (let k = 0; k < n; k++) qj[k] -= d * qi[k];
      }
      let s = 0;
      for (let k = 0; k < n; k++) s += qj[k] * qj[k];
      s = Math.sqrt(s);
      for (let k = 0; k < n; k++) qj[k] /= s;
    }
  }
  return transpose(Q, n, n);
}

/** Q diag(w) Qᵀ, symmetrized exactly, for an orthogonal Q: a symmetric matrix with spectrum w. */
export function fromSpectrum(w: ArrayLike<number>, Q: Float64Array): Float64Array {
  const n = w.length;
  const QW = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) QW[i * n + j] = Q[i * n + j] * w[j];
  const A = matmul(QW, transpose(Q, n, n), n, n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const s = (A[i * n + j] + A[j * n + i]) / 2;
      A[i * n + j] = s;
      A[j * n + i] = s;
    }
  }
  return A;
}

/** A random symmetric positive-definite matrix B Bᵀ + shift I (B n x n uniform in [-1, 1)). */
export function randomSpd(n: number, seed: number, shift = 1e-3): Float64Array {
  const B = randomMatrix(n, n, seed);
  const A = matmul(B, transpose(B, n, n), n, n, n);
  for (let i = 0; i < n; i++) A[i * n + i] += shift;
  return A;
}

/** The full symmetric matrix whose lower triangle is A's lower triangle. */
export function symmetricFromLower(A: Float64Array, n: number): Float64Array {
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      S[i * n + j] = A[i * n + j];
      S[j * n + i] = A[i * n + j];
    }
  }
  return S;
}
