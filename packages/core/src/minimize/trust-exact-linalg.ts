/**
 * Dense symmetric linear algebra for trust-exact.ts (SciPy's IterativeSubproblem), small n, row-major
 * n x n Float64Arrays: H + λI = UᵀU (LAPACK dpotf2), solves with U, the smallest singular value of U
 * (LAPACK's estimate, as SciPy's `estimate_smallest_singular_value`), and the leading block where H + λI
 * stops being positive definite.
 */
import { norm2 } from './vector.js';

export interface Cholesky {
  /** Upper triangular, row-major; columns past a failure are partial. */
  U: Float64Array;
  /** 0, or k when the leading k x k block of H + λI is not positive definite (LAPACK potrf). */
  info: number;
}

/** H + λI = UᵀU, column by column (LAPACK dpotf2, upper). */
export function cholesky(H: Float64Array, lambda: number): Cholesky {
  const n = Math.round(Math.sqrt(H.length));
  const U = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < j; i++) {
      let s = H[i * n + j];
      for (let l = 0; l < i; l++) s -= U[l * n + i] * U[l * n + j];
      U[i * n + j] = s / U[i * n + i];
    }
    let d = H[j * n + j] + lambda;
    for (let l = 0; l < j; l++) d -= U[l * n + j] * U[l * n + j];
    if (!(d > 0)) return { U, info: j + 1 };
    U[j * n + j] = Math.sqrt(d);
  }
  return { U, info: 0 };
}

/** p = -(UᵀU)⁻¹ g. */
export function choSolve(U: Float64Array, g: Float64Array): Float64Array {
  const y = solveUpperTransposed(U, g);
  const n = g.length;
  const p = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let j = i + 1; j < n; j++) s -= U[i * n + j] * p[j];
    p[i] = s / U[i * n + i];
  }
  for (let i = 0; i < n; i++) p[i] = -p[i];
  return p;
}

/** w = U⁻ᵀ b (forward substitution with Uᵀ). */
export function solveUpperTransposed(U: Float64Array, b: Float64Array): Float64Array {
  const n = b.length;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let l = 0; l < i; l++) s -= U[l * n + i] * w[l];
    w[i] = s / U[i * n + i];
  }
  return w;
}

/**
 * σ_min(U) and its right singular vector, estimated in O(n²) (Cline, Moler, Stewart, Wilkinson
 * 1979; Golub & Van Loan Alg. 3.5.1): e ∈ {±1}ⁿ making the solution of Uᵀw = e large, then Uv = w;
 * σ_min ≈ ‖w‖ / ‖v‖, z = v / ‖v‖ (SciPy's estimate_smallest_singular_value).
 */
export function smallestSingular(U: Float64Array): { sMin: number; zMin: Float64Array } {
  const n = Math.round(Math.sqrt(U.length));
  const pv = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const ukk = U[k * n + k];
    const wp = (1 - pv[k]) / ukk;
    const wm = (-1 - pv[k]) / ukk;
    let np = Math.abs(wp);
    let nm = Math.abs(wm);
    for (let i = k + 1; i < n; i++) {
      np += Math.abs(pv[i] + U[k * n + i] * wp);
      nm += Math.abs(pv[i] + U[k * n + i] * wm);
    }
    const wk = np >= nm ? wp : wm;
    w[k] = wk;
    for (let i = k + 1; i < n; i++) pv[i] += U[k * n + i] * wk;
  }
  const v = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = w[i];
    for (let j = i + 1; j < n; j++) s -= U[i * n + j] * v[j];
    v[i] = s / U[i * n + i];
  }
  const vNorm = norm2(v);
  for (let i = 0; i < n; i++) v[i] /= vNorm;
  return { sMin: norm2(w) / vNorm, zMin: v };
}

/**
 * For a Cholesky of H + λI that failed at order k: the δ added to entry (k, k) that makes the
 * leading k x k block singular, and v with vᵀ(B + δ e_k e_kᵀ)v = 0 (SciPy's singular_leading_submatrix).
 */
export function singularLeadingSubmatrix(
  H: Float64Array,
  lambda: number,
  U: Float64Array,
  k: number,
): { delta: number; v: Float64Array } {
  const n = Math.round(Math.sqrt(H.length));
  const j = k - 1;
  let delta = -(H[j * n + j] + lambda);
  for (let l = 0; l < j; l++) delta += U[l * n + j] * U[l * n + j];
  const v = new Float64Array(n);
  v[j] = 1;
  // U[:j, :j] v[:j] = -U[:j, j]
  for (let i = j - 1; i >= 0; i--) {
    let s = -U[i * n + j];
    for (let c = i + 1; c < j; c++) s -= U[i * n + c] * v[c];
    v[i] = s / U[i * n + i];
  }
  return { delta, v };
}

/** out = H v. */
export function symv(H: Float64Array, v: Float64Array, out: Float64Array): void {
  const n = v.length;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += H[i * n + j] * v[j];
    out[i] = s;
  }
}
