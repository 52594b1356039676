/**
 * Symmetric eigendecomposition A = Z diag(w) Zᵀ (f64, row-major, n x n), in three stages:
 *
 * 1. Householder tridiagonalization, bottom-up on the lower triangle (EISPACK tred2's order, so
 *    each reflector is the contiguous row prefix a_i,0:i):
 *      x = a_i,0:i,  β = -sign(x_{i-1}) ‖x‖,  u = x - β e_{i-1},  h = β(β - x_{i-1}) = uᵀu / 2
 *      H_i = I - u uᵀ / h,   B = A_0:i,0:i  <-  H_i B H_i:
 *        p = B u / h,  K = uᵀp / 2h,  q = p - K u,  B <- B - u qᵀ - q uᵀ      (symv + rank-2)
 *    giving T = Qᵀ A Q with Q = H_{n-1} ... H_2, diagonal d and subdiagonal e. For n > 128 the
 *    rows are reduced in panels of 32 with the rank-2 updates gathered into one gemm per panel
 *    (eigh-tridiag.ts, LAPACK dlatrd); the last 128 rows as above.
 *    When the top half of the diagonal holds the largest entry, A is first reversed (P A P), so
 *    that a graded matrix is always reduced from its large end.
 * 2. Eigenvalues only: implicit QL with Wilkinson shifts on (d, e) (EISPACK tql2, tql2.ts).
 *    With vectors: T = Z Λ Zᵀ by divide and conquer (eigh-dc.ts), or by QL on the identity when T
 *    is graded (row sums spread over 1e8: D&C's tiny eigenvalues are only accurate relative to
 *    ‖T‖), then V = Q Z with the reflectors applied in blocks of NB on gemm (applyQ); with D&C,
 *    H_2 .. H_n1-1 go to the top half's n1 x n1 vectors before the last merge (n³/4 of the
 *    2n³ flops saved: see below).
 * Eigenvalues come out ascending; column j of Z is the unit eigenvector of w_j (numpy's convention).
 * When max |a_ij| is outside [2^-500, 2^500], A is first scaled by a power of two (exact) so that
 * it is near 1, and the eigenvalues scaled back: no sum of squares can overflow or underflow.
 */
import { dcHalves, dcJoin, dcScratch, ql_f64 } from './eigh-dc';
import { blockedScratch, reduceBlocked } from './eigh-tridiag';
import { gemm_f64 } from './gemm';
import { rowDot, rowAxpy, rowDotAxpy, rowRank2 } from './row-ops';
import { tql2 } from './tql2';

/** A is rescaled when max |a_ij| is above 2^500 or below 2^-500. */
const SCALE_ABOVE: f64 = 3.273390607896142e150;
const SCALE_BELOW: f64 = 3.054936363499605e-151;
/** A tridiagonal whose row sums |e_i| + |d_i| + |e_i+1| spread wider than this is "graded". */
const GRADED: f64 = 1e8;

/** f64 elements of `work` that eigh_f64 needs for order n, with or without vectors. */
export function eigh_scratch_f64(n: i32, vectors: i32): i32 {
  return vectors ? 6 * n + 2 * n * n + dcScratch(n) : 5 * n + blockedScratch(n);
}

/**
 * Eigenvalues (ascending) of the symmetric n x n matrix whose LOWER triangle (j <= i) `a` holds;
 * the strict upper triangle is never read. With `vectors` != 0, overwrites `a` with the
 * eigenvectors (row-major, column j belongs to w[j]); otherwise `a` is left as scratch.
 * `w` receives the n eigenvalues. `work` is scratch of eigh_scratch_f64(n, vectors) f64.
 * Returns 0, or l + 1 when the QL iteration for eigenvalue l did not converge.
 */
export function eigh_f64(n: i32, a: usize, w: usize, work: usize, vectors: i32): i32 {
  if (n == 0) return 0;
  const stride = <usize>n << 3;
  const e = work;
  const p = work + stride;
  const hs = p + stride;
  const cs = hs + stride; // 2n: c_i at cs + 16 i, s_i at cs + 16 i + 8
  const z = cs + 2 * stride; // n*n: the Y blocks of applyQ

  // Scale by 2^-k (exact) so that the largest |a_ij| is in [1, 2), when it is extreme.
  let big: f64 = 0;
  for (let i = 0; i < n; i++) {
    const ri = a + <usize>i * stride;
    for (let j = 0; j <= i; j++) big = Math.max(big, Math.abs(load<f64>(ri + (<usize>j << 3))));
  }
  if (big == 0) {
    memory.fill(w, 0, stride);
    if (vectors) setIdentity(n, a);
    return 0;
  }
  const k = big > SCALE_ABOVE || big < SCALE_BELOW ? <i32>Math.floor(Math.log2(big)) : 0;
  const down1 = Math.pow(2, <f64>-(k >> 1));
  const down2 = Math.pow(2, <f64>-(k - (k >> 1)));
  for (let i = 0; k != 0 && i < n; i++) {
    const ri = a + <usize>i * stride;
    for (let j = 0; j <= i; j++) {
      const o = ri + (<usize>j << 3);
      store<f64>(o, load<f64>(o) * down1 * down2);
    }
  }

  // Reduce from the end where the large diagonal entries sit (tridiagonalize works bottom-up):
  // if they are in the top half, reverse the order of rows and columns, B = P A P, and V = P V_B.
  let topMax: f64 = 0;
  let bottomMax: f64 = 0;
  for (let i = 0; i < n; i++) {
    const x = Math.abs(load<f64>(a + <usize>i * (stride + 8)));
    if (2 * i < n) topMax = Math.max(topMax, x);
    else bottomMax = Math.max(bottomMax, x);
  }
  const reverse = topMax > bottomMax;
  if (reverse) reverseLower(n, a);

  // Scratch for the blocked reduction: the vectors' D&C space, not yet in use, or past 5n.
  const tri = vectors ? z + <usize>(2 * n + 1) * stride : work + 5 * stride;
  tridiagonalize(n, a, w, e, p, hs, tri);
  if (vectors) {
    const off = z + <usize>n * stride;
    const zt = off + stride;
    const dcWork = zt + <usize>n * stride;
    for (let i = 0; i + 1 < n; i++) store<f64>(off + (<usize>i << 3), load<f64>(e + (<usize>(i + 1) << 3)));
    // Divide and conquer, unless T is graded (row sums spread over more than GRADED): there QL
    // keeps the tiny eigenvalues' relative accuracy.
    let gmax: f64 = 0;
    let gmin: f64 = Infinity;
    for (let i = 0; i < n; i++) {
      const g =
        Math.abs(load<f64>(w + (<usize>i << 3))) + Math.abs(load<f64>(e + (<usize>i << 3))) + (i + 1 < n ? Math.abs(load<f64>(e + (<usize>(i + 1) << 3))) : 0);
      gmax = Math.max(gmax, g);
      gmin = Math.min(gmin, g);
    }
    const graded = gmax > GRADED * gmin;
    // V = Q Z, eigenvalues already ascending. With D&C, the reflectors H_2 .. H_n1-1 act on
    // rows 0 .. n1 - 2 only, where the last merge's Z = diag(Z1, Z2) S has Z1 (n1 x n1): they are
    // applied to Z1 before the merge, Q Z = (H_n-1 .. H_n1) diag(H_n1-1 .. H_2 Z1, Z2) S, which
    // costs them half the flops (about n³/4 of the 2n³ of the back-transformation).
    let first = 2;
    if (graded) {
      if (ql_f64(n, w, off, zt, dcWork) != 0) return 1;
    } else {
      const n1 = dcHalves(n, w, off, zt, dcWork);
      if (n1 < 0) return 1;
      if (n1 > 0) {
        const z1 = dcWork; // Z1, contiguous, in the D&C scratch that is free until dcJoin
        const ld1 = <usize>n1 << 3;
        for (let i = 0; i < n1; i++) memory.copy(z1 + <usize>i * ld1, zt + <usize>i * stride, ld1);
        applyQ(n, a, hs, 2, n1, z1, n1, z, z1 + <usize>n1 * ld1);
        for (let i = 0; i + 1 < n1; i++) memory.copy(zt + <usize>i * stride, z1 + <usize>i * ld1, ld1);
        dcJoin();
        first = n1;
      }
    }
    applyQ(n, a, hs, first, n, zt, n, z, dcWork);
    if (reverse) {
      for (let i = 0; i < n; i++) memory.copy(a + <usize>i * stride, zt + <usize>(n - 1 - i) * stride, stride);
    } else {
      memory.copy(a, zt, <usize>n * stride);
    }
    scaleBack(n, w, k);
    return 0;
  }
  const info = tql2(n, w, e, cs, 0);
  if (info != 0) return info;

  // Ascending order (selection sort, O(n²) with the row swaps), then undo the scaling.
  for (let i = 0; i < n - 1; i++) {
    let m = i;
    let v = load<f64>(w + (<usize>i << 3));
    for (let j = i + 1; j < n; j++) {
      const dj = load<f64>(w + (<usize>j << 3));
      if (dj < v) {
        v = dj;
        m = j;
      }
    }
    if (m != i) {
      store<f64>(w + (<usize>m << 3), load<f64>(w + (<usize>i << 3)));
      store<f64>(w + (<usize>i << 3), v);
    }
  }
  scaleBack(n, w, k);
  return 0;
}

/** w <- w 2^k, in two exact halves. */
function scaleBack(n: i32, w: usize, k: i32): void {
  const up1 = Math.pow(2, <f64>(k >> 1));
  const up2 = Math.pow(2, <f64>(k - (k >> 1)));
  for (let i = 0; i < n; i++) {
    const o = w + (<usize>i << 3);
    store<f64>(o, load<f64>(o) * up1 * up2);
  }
}

/** The lower triangle of P A P, P the reversal: b_ij = a_(n-1-j),(n-1-i), swapped in place. */
function reverseLower(n: i32, a: usize): void {
  const stride = <usize>n << 3;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const i2 = n - 1 - j;
      const j2 = n - 1 - i;
      if (i2 < i || (i2 == i && j2 <= j)) continue; // each pair once; i + j = n - 1 stays
      const x = a + <usize>i * stride + (<usize>j << 3);
      const y = a + <usize>i2 * stride + (<usize>j2 << 3);
      const t = load<f64>(x);
      store<f64>(x, load<f64>(y));
      store<f64>(y, t);
    }
  }
}

function setIdentity(n: i32, a: usize): void {
  memory.fill(a, 0, <usize>n * <usize>n << 3);
  for (let i = 0; i < n; i++) store<f64>(a + <usize>i * ((<usize>n + 1) << 3), 1);
}

/**
 * Stage 1: reduces the lower triangle of `a` to tridiagonal form. Writes d (diagonal) to `d`,
 * e_i (coupling of i and i-1) to `e`, leaves u_i in the row prefix a_i,0:i and h_i in hs[i]
 * (0 when no reflection was needed). `p` is n f64 of scratch, `tri` blockedScratch(n).
 */
function tridiagonalize(n: i32, a: usize, d: usize, e: usize, p: usize, hs: usize, tri: usize): void {
  const stride = <usize>n << 3;
  // Rows n-1 .. top in panels on gemm (eigh-tridiag.ts), the leading top x top block here.
  const top = reduceBlocked(n, a, e, hs, tri);
  for (let i = top - 1; i >= 1; i--) {
    const u = a + <usize>i * stride;
    const oi = <usize>i << 3;
    const alpha = load<f64>(u + oi - 8);
    const sigma = rowDot(i - 1, u, u);
    if (sigma == 0) {
      store<f64>(e + oi, alpha);
      store<f64>(hs + oi, 0);
      continue;
    }
    const norm = Math.sqrt(alpha * alpha + sigma);
    const beta = alpha > 0 ? -norm : norm;
    const h = beta * (beta - alpha);
    store<f64>(u + oi - 8, alpha - beta);
    store<f64>(e + oi, beta);
    store<f64>(hs + oi, h);
    // p = B u / h from the lower triangle of B = A_0:i,0:i, one pass per row.
    memory.fill(p, 0, oi);
    for (let j = 0; j < i; j++) {
      const rj = a + <usize>j * stride;
      const oj = <usize>j << 3;
      const uj = load<f64>(u + oj);
      const s = rowDotAxpy(j, rj, u, p, uj) + load<f64>(rj + oj) * uj;
      store<f64>(p + oj, load<f64>(p + oj) + s);
    }
    const invH = 1.0 / h;
    let up: f64 = 0;
    for (let j = 0; j < i; j++) {
      const oj = <usize>j << 3;
      const pj = load<f64>(p + oj) * invH;
      store<f64>(p + oj, pj);
      up += load<f64>(u + oj) * pj;
    }
    // q = p - K u (in p), then B <- B - u qᵀ - q uᵀ on the lower triangle.
    rowAxpy(i, -up * 0.5 * invH, u, p);
    for (let j = 0; j < i; j++) {
      const oj = <usize>j << 3;
      rowRank2(j + 1, a + <usize>j * stride, u, p, load<f64>(u + oj), load<f64>(p + oj));
    }
  }
  store<f64>(e, 0);
  for (let i = 0; i < n; i++) store<f64>(d + (<usize>i << 3), load<f64>(a + <usize>i * (stride + 8)));
}

/** Reflectors per block of the back-transformation, and rows per chunk of Yᵀ z. */
const NB = 64;
const KC = 256;

/**
 * Stage 2: z <- H_hi-1 ... H_lo+1 H_lo z (all of Q = H_n-1 ... H_2 for lo = 2, hi = n), z with
 * `cols` columns (row-major, contiguous) and at least hi - 1 rows, with u_i (the row prefix
 * a_i,0:i) and h_i as tridiagonalize left them, a block of reflectors i0..i1 at a time in compact
 * WY form (LAPACK dlarft + dlarfb): with Y's columns u_i1, u_i1-1, ..., u_i0 and τ_i = 1/h_i,
 *   H_i1 ... H_i0 = I - Y T Yᵀ,  T upper triangular:  T_cc = τ_c,  T_0:c,c = -τ_c T_0:c,0:c (Y_:,0:cᵀ y_c),
 * and, as H_i only touches coordinates 0..i-1, only the top i1 rows of z change:
 *   z_0:r <- z_0:r - Y (T (Yᵀ z_0:r))       (three gemms; Yᵀ z in row chunks of KC, each one of
 * gemm's single blocks).
 * `ybuf` holds n * NB f64, `work` 2 NB cols + NB² + gemm scratch.
 */
function applyQ(n: i32, a: usize, hs: usize, lo: i32, hi: i32, z: usize, cols: i32, ybuf: usize, work: usize): void {
  const stride = <usize>n << 3;
  const ldz = <usize>cols << 3;
  const nb = min(NB, n);
  const p = work;
  const p2 = p + <usize>nb * ldz;
  const t = p2 + <usize>nb * ldz;
  const scratch = t + <usize>nb * nb * 8;
  for (let i0 = lo; i0 < hi; i0 += nb) {
    const i1 = min(i0 + nb, hi) - 1;
    const kb = i1 - i0 + 1;
    const r = i1;
    const ldy = <usize>kb << 3;
    // Y (r x kb): column c is u_{i1 - c}, zero below its length.
    memory.fill(ybuf, 0, <usize>r * ldy);
    for (let c = 0; c < kb; c++) {
      const i = i1 - c;
      if (load<f64>(hs + (<usize>i << 3)) == 0) continue;
      const u = a + <usize>i * stride;
      for (let row = 0; row < i; row++) store<f64>(ybuf + <usize>row * ldy + (<usize>c << 3), load<f64>(u + (<usize>row << 3)));
    }
    // T (kb x kb, upper), from S = Yᵀ Y (one gemm, in p2): T_0:c,c = -τ_c T_0:c,0:c S_0:c,c.
    gemm_f64(1, 0, kb, kb, r, 1, ybuf, ybuf, 0, p2, scratch);
    memory.fill(t, 0, <usize>kb * ldy);
    for (let c = 0; c < kb; c++) {
      const h = load<f64>(hs + (<usize>(i1 - c) << 3));
      const tau: f64 = h == 0 ? 0 : 1.0 / h;
      store<f64>(t + <usize>c * ldy + (<usize>c << 3), tau);
      if (c == 0 || tau == 0) continue;
      for (let q = 0; q < c; q++) {
        let acc: f64 = 0;
        for (let j = q; j < c; j++) acc += load<f64>(t + <usize>q * ldy + (<usize>j << 3)) * load<f64>(p2 + <usize>j * ldy + (<usize>c << 3));
        store<f64>(t + <usize>q * ldy + (<usize>c << 3), -tau * acc);
      }
    }
    for (let c0 = 0; c0 < r; c0 += KC) {
      const c1 = min(c0 + KC, r);
      gemm_f64(1, 0, kb, cols, c1 - c0, 1, ybuf + <usize>c0 * ldy, z + <usize>c0 * ldz, c0 == 0 ? 0 : 1, p, scratch); // P = Yᵀ z_0:r
    }
    gemm_f64(0, 0, kb, cols, kb, 1, t, p, 0, p2, scratch); // P2 = T P
    gemm_f64(0, 0, r, cols, kb, -1, ybuf, p2, 1, z, scratch); // z_0:r -= Y P2
  }
}
