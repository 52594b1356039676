/**
 * Newton-Schulz orthogonalization, Muon's "zeroth power" of a matrix (Jordan et al. 2024; torch's
 * `_zeropower_via_newtonschulz`). For G = U S Vᵀ it returns ≈ U S' Vᵀ with S' near 1:
 *
 *   X_0     = G / max(‖G‖_F, ε)                        so every singular value is ≤ 1
 *   A_k     = X_k X_kᵀ
 *   X_{k+1} = a X_k + (b A_k + c A_k²) X_k             k = 0 .. steps-1
 *
 * i.e. each singular value σ goes through p(σ) = aσ + bσ³ + cσ⁵. torch's quintic (a, b, c) =
 * (3.4445, -4.7750, 2.0315) maximizes the slope at 0 so that 5 steps lift even tiny σ, at the price
 * of S' ~ Uniform(0.5, 1.5) rather than exactly 1; (1.5, -0.5, 0) is the classic cubic that
 * converges to the polar factor U Vᵀ. A tall G (rows > cols) is handled as torch does on Gᵀ, written
 * without a transpose: A = XᵀX (cols x cols), X ← aX + X(bA + cA²), so the Gram matrix is always
 * the small side. torch computes in bfloat16; we compute in the matrix's own dtype.
 *
 * `newtonSchulz` uses the kernels' gemm (three products per step); `newtonSchulzReference` is the
 * same iteration with plain loops.
 */
import { copy, type FloatArray, gemm, matrix, nrm2, scal, type WasmMatrix } from '@descent/kernels';

export interface NewtonSchulzOptions {
  /** (a, b, c); default torch's quintic (3.4445, -4.7750, 2.0315). */
  coefficients?: readonly [number, number, number];
  /** Iterations; default 5. */
  steps?: number;
  /** Floor of the Frobenius norm in the first scaling; default 1e-7. */
  eps?: number;
}

export const NS_QUINTIC: readonly [number, number, number] = [3.4445, -4.775, 2.0315];

function resolve(o: NewtonSchulzOptions) {
  const [a, b, c] = o.coefficients ?? NS_QUINTIC;
  const steps = o.steps ?? 5;
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`Invalid steps value: ${steps}`);
  return { a, b, c, steps, eps: o.eps ?? 1e-7 };
}

/** The orthogonalized G as a new matrix in kernel memory (the caller frees its data). G is unchanged. */
export function newtonSchulz(G: WasmMatrix, options: NewtonSchulzOptions = {}): WasmMatrix {
  const { a, b, c, steps, eps } = resolve(options);
  const { rows, cols } = G;
  const dt = G.data.dtype;
  const tall = rows > cols;
  const k = tall ? cols : rows;
  let X = matrix(dt, rows, cols);
  let Y = matrix(dt, rows, cols);
  const A = matrix(dt, k, k);
  const B = matrix(dt, k, k);
  copy(G.data, X.data);
  scal(1 / Math.max(nrm2(X.data), eps), X.data);
  for (let s = 0; s < steps; s++) {
    if (tall) gemm(X, X, A, { transA: true });
    else gemm(X, X, A, { transB: true });
    copy(A.data, B.data);
    gemm(A, A, B, { alpha: c, beta: b }); // B = b A + c A²
    copy(X.data, Y.data);
    if (tall) gemm(X, B, Y, { beta: a });
    else gemm(B, X, Y, { beta: a }); // Y = a X + B X
    [X, Y] = [Y, X];
  }
  Y.data.free();
  A.data.free();
  B.data.free();
  return X;
}

/** The same iteration in plain TypeScript over a row-major rows x cols array (returns a new array). */
export function newtonSchulzReference(
  G: FloatArray,
  rows: number,
  cols: number,
  options: NewtonSchulzOptions = {},
): Float64Array {
  const { a, b, c, steps, eps } = resolve(options);
  // work on the wide orientation p x q (p <= q), as torch does
  const tall = rows > cols;
  const p = tall ? cols : rows;
  const q = tall ? rows : cols;
  let X = new Float64Array(p * q);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) X[tall ? j * q + i : i * q + j] = G[i * cols + j];
  }
  let norm = 0;
  for (const x of X) norm += x * x;
  norm = Math.max(Math.sqrt(norm), eps);
  X = X.map((x) => x / norm);
  for (let s = 0; s < steps; s++) {
    const A = matmul(X, X, p, q, p, true);
    const A2 = matmul(A, A, p, p, p, false);
    const B = A.map((v, i) => b * v + c * A2[i]);
    const BX = matmul(B, X, p, p, q, false);
    X = X.map((x, i) => a * x + BX[i]);
  }
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = X[tall ? j * q + i : i * q + j];
  }
  return out;
}

/** (m x k) times (k x n), or times the transpose of an (n x k) matrix with `transB`. */
function matmul(L: Float64Array, R: Float64Array, m: number, k: number, n: number, transB: boolean) {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += L[i * k + l] * (transB ? R[j * k + l] : R[l * n + j]);
      out[i * n + j] = s;
    }
  }
  return out;
}
