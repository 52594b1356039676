/**
 * Extreme eigenvalues of a symmetric operator known only through products v -> A v (for a model:
 * Hessian-vector products), by the Lanczos iteration with full reorthogonalization (as PyHessian
 * does for PyTorch models).
 *
 * From a random unit q_1, with beta_0 q_0 = 0:
 *   w = A q_j - beta_{j-1} q_{j-1},  alpha_j = q_j^T w,  w <- w - alpha_j q_j,
 *   w <- w - Q_j (Q_j^T w)   (twice: full reorthogonalization keeps Q orthonormal in floating point),
 *   beta_j = |w|,  q_{j+1} = w / beta_j.
 * Then Q_m^T A Q_m = T_m = tridiag(beta, alpha, beta); the eigenvalues θ (Ritz values) of T_m
 * approximate A's extreme eigenvalues first, and |A y - θ y| = beta_m |s_m| for the Ritz vector
 * y = Q_m s, so each Ritz value is within beta_m |s_m| of an eigenvalue of A. We stop when the
 * k largest and k smallest are converged. A breakdown (beta_j ≈ 0: an invariant subspace) restarts
 * with a random vector orthogonal to Q, so after n steps the answer is exact.
 */
import { eigh } from '@descent/kernels';
import { seededRandom } from './seeded-random.js';

/** An operator v -> A v writing into out (it may also return a new array of length n instead). */
export type LinearOperator = (v: Float64Array, out: Float64Array) => unknown;

export interface LanczosOptions {
  seed?: number;
  /** Most iterations (default n). */
  maxIter?: number;
  /** Converged when every wanted residual beta_m |s_m| <= tol max|θ| (default 1e-10). */
  tol?: number;
}

export interface LanczosResult {
  /** The k largest eigenvalues, descending. */
  largest: Float64Array;
  /** The k smallest eigenvalues, ascending. */
  smallest: Float64Array;
  /** Unit Ritz vectors for `largest` and `smallest`, in the same order. */
  largestVectors: Float64Array[];
  smallestVectors: Float64Array[];
  /** Residual bounds |A y - θ y| of the returned values (largest first, then smallest). */
  residuals: Float64Array;
  iterations: number;
  converged: boolean;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

export function lanczos(
  operator: LinearOperator,
  n: number,
  k: number,
  options: LanczosOptions = {},
): LanczosResult {
  if (typeof operator !== 'function') throw new TypeError('operator must be a function (v, out) => out');
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Invalid n: ${n}`);
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new RangeError(`Invalid k: ${k} (expected 1 <= k <= n = ${n})`);
  const maxIter = options.maxIter ?? n;
  if (!Number.isInteger(maxIter) || maxIter < 1 || maxIter > n)
    throw new RangeError(`Invalid maxIter: ${maxIter} (expected 1..${n})`);
  const tol = options.tol ?? 1e-10;
  const rng = seededRandom(options.seed ?? 0);
  const apply = (v: Float64Array, out: Float64Array) => {
    const r = operator(v, out);
    if (r instanceof Float64Array && r !== out) {
      if (r.length !== n) throw new RangeError(`operator returned length ${r.length}, expected n = ${n}`);
      out.set(r);
    }
    return out;
  };
  const Q: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = []; // beta[j] couples q_j and q_{j+1}
  const orthogonalize = (w: Float64Array) => {
    for (let pass = 0; pass < 2; pass++) {
      for (const q of Q) {
        const c = dot(q, w);
        for (let i = 0; i < n; i++) w[i] -= c * q[i];
      }
    }
  };
  /** A random unit vector orthogonal to Q (the start, and restarts after a breakdown). */
  const randomStart = () => {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    orthogonalize(v);
    const norm = Math.sqrt(dot(v, v));
    for (let i = 0; i < n; i++) v[i] /= norm;
    return v;
  };

  let q = randomStart();
  let ritz: { values: Float64Array; vectors: Float64Array } = {
    values: new Float64Array(0),
    vectors: new Float64Array(0),
  };
  let converged = false;
  let nextCheck = Math.min(2 * k + 10, maxIter);
  const wanted = (m: number) => {
    const idx = new Set<number>();
    for (let i = 0; i < Math.min(k, m); i++) {
      idx.add(i);
      idx.add(m - 1 - i);
    }
    return [...idx];
  };
  const residualOf = (m: number, j: number) => Math.abs(beta[m - 1] * ritz.vectors[(m - 1) * m + j]);

  for (let j = 0; j < maxIter; j++) {
    Q.push(q);
    const w = apply(q, new Float64Array(n));
    if (!w.every(Number.isFinite))
      throw new RangeError(`operator returned a non-finite value at iteration ${j}`);
    const a = dot(q, w);
    alpha.push(a);
    for (let i = 0; i < n; i++) w[i] -= a * q[i] + (j > 0 ? beta[j - 1] * Q[j - 1][i] : 0);
    orthogonalize(w);
    const b = Math.sqrt(dot(w, w));
    const scale = Math.max(...alpha.map(Math.abs), ...beta, 1e-300);
    const m = j + 1;
    if (m === nextCheck || m === maxIter || m === n) {
      const T = new Float64Array(m * m);
      for (let i = 0; i < m; i++) {
        T[i * m + i] = alpha[i];
        if (i + 1 < m) T[(i + 1) * m + i] = T[i * m + i + 1] = beta[i];
      }
      ritz = eigh({ rows: m, cols: m, data: T });
      beta[m - 1] = b;
      const thetaMax = Math.max(...ritz.values.map(Math.abs));
      converged = m === n || wanted(m).every((i) => residualOf(m, i) <= tol * thetaMax);
      if (converged || m === maxIter) break;
      nextCheck = Math.min(maxIter, m + Math.max(5, Math.ceil(m / 4)));
    }
    if (b <= 1e-12 * scale) {
      beta[j] = 0; // invariant subspace found: continue from a fresh direction (T splits into blocks)
      q = randomStart();
    } else {
      beta[j] = b;
      q = w.map((wi) => wi / b);
    }
  }

  const m = alpha.length;
  const ritzVector = (col: number) => {
    const y = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      const s = ritz.vectors[i * m + col];
      for (let r = 0; r < n; r++) y[r] += s * Q[i][r];
    }
    return y;
  };
  const kk = Math.min(k, m);
  const top = Array.from({ length: kk }, (_, i) => m - 1 - i);
  const bottom = Array.from({ length: kk }, (_, i) => i);
  const res = (i: number) => (m === n ? 0 : residualOf(m, i));
  return {
    largest: Float64Array.from(top, (i) => ritz.values[i]),
    smallest: Float64Array.from(bottom, (i) => ritz.values[i]),
    largestVectors: top.map(ritzVector),
    smallestVectors: bottom.map(ritzVector),
    residuals: Float64Array.from([...top, ...bottom], res),
    iterations: m,
    converged,
  };
}
