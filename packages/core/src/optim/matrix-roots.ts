/**
 * The dense linear algebra Shampoo and SOAP run every few steps, on small symmetric positive
 * semi-definite n x n matrices (row-major Float64Array, f64 whatever the parameter's dtype):
 *
 *   inverseRootEigh(A, p, ε)    (A + εI)^{-1/p} = Q diag((max(w, 0) + ε)^{-1/p}) Qᵀ,  A = Q diag(w) Qᵀ
 *   inverseRootNewton(A, p, ε)  the same by the coupled Newton iteration (Guo & Higham 2006, as in
 *                               google-research's scalable Shampoo, matrix_inverse_pth_root):
 *                                 A' = A + εI,  z = (1 + p)/(2 ‖A'‖_F),  M_0 = z A',  H_0 = z^{1/p} I
 *                                 T_k = ((p + 1) I - M_k)/p,  M_{k+1} = T_k^p M_k,  H_{k+1} = H_k T_k
 *                               until max|M_k - I| < tol (or stops decreasing, or 100 iterations);
 *                               H_k → A'^{-1/p}. Only products: no eigendecomposition.
 *   eigenbasis(A)               the eigenvectors of A, columns by descending eigenvalue (SOAP)
 *   householderQ(A)             Q of A = QR by Householder reflections with LAPACK's signs
 *                               (dgeqrf/dorgqr, as numpy.linalg.qr and torch.linalg.qr): plain
 *                               loops, the reference; `kernelHouseholderQ` the same Q from the
 *                               kernels' blocked QR (panels + compact-WY updates on gemm)
 *
 * A `Product` is C = op(A) op(B) for row-major f64 matrices: `gemmProduct` runs the kernels' gemm,
 * `naiveProduct` plain loops (the reference path). The eigendecompositions use the kernels' eigh.
 * Cost (one rough measurement on a loaded machine, (G Gᵀ + 1e-6 I)^{-1/4} of a random 512 x 512 G):
 * eigh 68 ms, inverseRootEigh 128 ms, inverseRootNewton 5.1 s — the Newton iteration needs many
 * products on ill-conditioned factors; eigh is the default, as in fb's Distributed Shampoo. (Later,
 * at load ~5: Newton 2.06 s, then 1.40 s with T^p by squaring and the products in kernel memory.)
 * kernelHouseholderQ of a 1024 x 1024 matrix: 0.21 s quiet, 54x householderQ in one loaded run.
 */
import { eigh, gemm, matrix, matrixFrom, qr, type WasmMatrix } from '@descent/kernels';

/** C (m x n) = op(A) op(B), op(A) m x k, op(B) k x n; A is stored rows x cols as given. */
export type Product = (
  A: Float64Array,
  aRows: number,
  aCols: number,
  B: Float64Array,
  bRows: number,
  bCols: number,
  transA?: boolean,
  transB?: boolean,
) => Float64Array;

/** Plain loops, in the order i, j, then the sum over l. */
export const naiveProduct: Product = (A, aRows, aCols, B, bRows, bCols, transA = false, transB = false) => {
  const m = transA ? aCols : aRows;
  const k = transA ? aRows : aCols;
  const n = transB ? bRows : bCols;
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) {
        const a = transA ? A[l * aCols + i] : A[i * aCols + l];
        const b = transB ? B[j * bCols + l] : B[l * bCols + j];
        s += a * b;
      }
      C[i * n + j] = s;
    }
  }
  return C;
};

/** The kernels' gemm on copies in kernel memory (freed before returning). */
export const gemmProduct: Product = (A, aRows, aCols, B, bRows, bCols, transA = false, transB = false) => {
  const a = matrixFrom(aRows, aCols, A);
  const b = matrixFrom(bRows, bCols, B);
  const m = transA ? aCols : aRows;
  const n = transB ? bRows : bCols;
  const c = matrixFrom(m, n, new Float64Array(m * n));
  try {
    gemm(a, b, c, { transA, transB });
    return c.data.data.slice() as Float64Array;
  } finally {
    a.data.free();
    b.data.free();
    c.data.free();
  }
};

/** (A + εI)^{-1/p} by the symmetric eigendecomposition; eigenvalues below 0 (rounding) count as 0. */
export function inverseRootEigh(
  A: Float64Array,
  n: number,
  p: number,
  eps: number,
  mm: Product,
): Float64Array {
  const { values, vectors } = eigh({ rows: n, cols: n, data: A });
  const scaled = new Float64Array(n * n); // Q diag(d)
  for (let j = 0; j < n; j++) {
    const d = (Math.max(values[j], 0) + eps) ** (-1 / p);
    for (let i = 0; i < n; i++) scaled[i * n + j] = vectors[i * n + j] * d;
  }
  return mm(scaled, n, n, vectors, n, n, false, true);
}

/**
 * (A + εI)^{-1/p} by the coupled Newton iteration (see the file's comment). T_k^p by repeated
 * squaring (p = 4: two products). With `gemmProduct` the iteration keeps its matrices in kernel
 * memory and runs every product on the kernels' gemm without copies (`newtonOnKernels`); any other
 * `Product` (naiveProduct: the reference) runs it on plain arrays. Same iteration, same stopping.
 */
export function inverseRootNewton(
  A: Float64Array,
  n: number,
  p: number,
  eps: number,
  mm: Product,
  tol = 1e-12,
  maxIters = 100,
): Float64Array {
  const { M0, h0 } = newtonStart(A, n, p, eps);
  if (mm === gemmProduct) return newtonOnKernels(M0, h0, n, p, tol, maxIters);
  let M: Float64Array = M0;
  let H: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) H[i * n + i] = h0;
  let err = maxAbsFromIdentity(M, n);
  for (let k = 0; k < maxIters && err > tol; k++) {
    const T = newtonT(M, n, p);
    const nextM = mm(
      power(T, n, p, (X, Y) => mm(X, n, n, Y, n, n)),
      n,
      n,
      M,
      n,
      n,
    );
    const nextErr = maxAbsFromIdentity(nextM, n);
    if (nextErr > err * 1.2) break; // diverging from rounding: keep the last good iterate
    H = mm(H, n, n, T, n, n);
    M = nextM;
    err = nextErr;
  }
  return H;
}

/** M_0 = z (A + εI) and z^{1/p}, z = (1 + p)/(2 ‖A + εI‖_F). */
function newtonStart(A: Float64Array, n: number, p: number, eps: number): { M0: Float64Array; h0: number } {
  const Ae = A.slice();
  for (let i = 0; i < n; i++) Ae[i * n + i] += eps;
  let fro = 0;
  for (const x of Ae) fro += x * x;
  fro = Math.sqrt(fro);
  const z = (1 + p) / (2 * fro);
  return { M0: Ae.map((x) => x * z), h0: z ** (1 / p) };
}

/** T = ((p + 1) I - M)/p, into `out` (a fresh array if not given). */
function newtonT(
  M: Float64Array,
  n: number,
  p: number,
  out: Float64Array = new Float64Array(n * n),
): Float64Array {
  for (let i = 0; i < M.length; i++) out[i] = -M[i] / p;
  for (let i = 0; i < n; i++) out[i * n + i] += (p + 1) / p;
  return out;
}

/** T^p by repeated squaring, with `mul` the product. */
function power<X>(T: X, _n: number, p: number, mul: (a: X, b: X) => X): X {
  let result: X | undefined;
  let base = T;
  for (let e = p; e > 0; e >>= 1) {
    if (e & 1) result = result === undefined ? base : mul(result, base);
    if (e > 1) base = mul(base, base);
  }
  return result as X;
}

/** inverseRootNewton's iteration on kernel memory: every product a gemm call, no copies. */
function newtonOnKernels(
  M0: Float64Array,
  h0: number,
  n: number,
  p: number,
  tol: number,
  maxIters: number,
): Float64Array {
  const pool: WasmMatrix<'f64'>[] = [];
  const take = () => pool.pop() ?? (matrix('f64', n, n) as WasmMatrix<'f64'>);
  const all = new Set<WasmMatrix<'f64'>>();
  const fresh = () => {
    const x = take();
    all.add(x);
    return x;
  };
  try {
    let M = fresh();
    M.data.data.set(M0);
    let H = fresh();
    H.data.data.fill(0);
    for (let i = 0; i < n; i++) H.data.data[i * n + i] = h0;
    const T = fresh();
    const temps: WasmMatrix<'f64'>[] = [];
    const mul = (a: WasmMatrix<'f64'>, b: WasmMatrix<'f64'>) => {
      const c = fresh();
      gemm(a, b, c);
      temps.push(c);
      return c;
    };
    let err = maxAbsFromIdentity(M.data.data as Float64Array, n);
    for (let k = 0; k < maxIters && err > tol; k++) {
      newtonT(M.data.data as Float64Array, n, p, T.data.data as Float64Array);
      const Tp = power(T, n, p, mul);
      const nextM = fresh();
      gemm(Tp, M, nextM);
      pool.push(...temps.splice(0)); // the powers of T: reused next iteration
      const nextErr = maxAbsFromIdentity(nextM.data.data as Float64Array, n);
      if (nextErr > err * 1.2) break;
      const nextH = fresh();
      gemm(H, T, nextH);
      pool.push(H, M);
      H = nextH;
      M = nextM;
      err = nextErr;
    }
    return (H.data.data as Float64Array).slice();
  } finally {
    for (const x of all) x.data.free();
  }
}

function maxAbsFromIdentity(M: Float64Array, n: number): number {
  let e = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) e = Math.max(e, Math.abs(M[i * n + j] - (i === j ? 1 : 0)));
  return e;
}

/** Eigenvectors of the symmetric A as columns, by descending eigenvalue (SOAP's torch.flip of eigh). */
export function eigenbasis(A: Float64Array, n: number): Float64Array {
  const { vectors } = eigh({ rows: n, cols: n, data: A });
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Q[i * n + j] = vectors[i * n + (n - 1 - j)];
  return Q;
}

/**
 * Q of the QR factorization of the square A by Householder reflections, LAPACK's convention: the
 * reflector of column k maps x to β e_1 with β = -sign(x_1) ‖x‖ (so R's diagonal may be negative),
 * Q = H_1 H_2 ... H_n. numpy.linalg.qr and torch.linalg.qr (LAPACK geqrf + orgqr) give this Q.
 */
export function householderQ(A: Float64Array, n: number): Float64Array {
  const R = A.slice();
  const vs: Float64Array[] = [];
  const taus: number[] = [];
  for (let k = 0; k < n; k++) {
    let xnorm = 0;
    for (let i = k + 1; i < n; i++) xnorm += R[i * n + k] ** 2;
    xnorm = Math.sqrt(xnorm);
    const alpha = R[k * n + k];
    const v = new Float64Array(n);
    if (xnorm === 0) {
      vs.push(v);
      taus.push(0);
      continue;
    }
    const beta = -Math.sign(alpha || 1) * Math.hypot(alpha, xnorm);
    const tau = (beta - alpha) / beta;
    v[k] = 1;
    for (let i = k + 1; i < n; i++) v[i] = R[i * n + k] / (alpha - beta);
    // R ← (I - τ v vᵀ) R on columns k..n-1
    for (let j = k; j < n; j++) {
      let s = 0;
      for (let i = k; i < n; i++) s += v[i] * R[i * n + j];
      s *= tau;
      for (let i = k; i < n; i++) R[i * n + j] -= s * v[i];
    }
    vs.push(v);
    taus.push(tau);
  }
  // Q = H_1 ... H_n I, applied from the last reflector back
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    const tau = taus[k];
    if (tau === 0) continue;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k; i < n; i++) s += v[i] * Q[i * n + j];
      s *= tau;
      for (let i = k; i < n; i++) Q[i * n + j] -= s * v[i];
    }
  }
  return Q;
}

/** A function giving Q of the square A = QR (householderQ, kernelHouseholderQ). */
export type QFactor = (A: Float64Array, n: number) => Float64Array;

/**
 * householderQ's Q from the kernels' blocked Householder QR (kernels' `qr`: dgeqrf + dorgqr, block
 * 32, the products on gemm); equal to householderQ's to rounding (≈ 1e-15 n), ~30x faster at 1024.
 */
export const kernelHouseholderQ: QFactor = (A, n) => qr({ rows: n, cols: n, data: A }, { qOnly: true }).q;
