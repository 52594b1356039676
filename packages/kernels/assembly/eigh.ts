/**
 * Symmetric eigendecomposition A = Z diag(w) Zᵀ (f64, row-major, n x n), in three stages:
 *
 * 1. Householder tridiagonalization, bottom-up on the lower triangle (EISPACK tred2's order, so
 *    each reflector is the contiguous row prefix a_i,0:i):
 *      x = a_i,0:i,  β = -sign(x_{i-1}) ‖x‖,  u = x - β e_{i-1},  h = β(β - x_{i-1}) = uᵀu / 2
 *      H_i = I - u uᵀ / h,   B = A_0:i,0:i  <-  H_i B H_i:
 *        p = B u / h,  K = uᵀp / 2h,  q = p - K u,  B <- B - u qᵀ - q uᵀ      (symv + rank-2)
 *    giving T = Qᵀ A Q with Q = H_{n-1} ... H_2, diagonal d and subdiagonal e.
 * 2. Qᵀ = H_2 H_3 ... H_{n-1}, accumulated left to right (each H_i touches rows/columns 0..i-1).
 * 3. Implicit QL with Wilkinson shifts on (d, e) (EISPACK tql2): each sweep is a sequence of plane
 *    rotations G_i; Z <- Z G_i mixes columns i, i+1 of Z = rows i, i+1 of the stored Zᵀ, so the
 *    eigenvector updates run along contiguous rows, a whole sweep per pass over memory (LAPACK dlasr).
 * Eigenvalues come out ascending; column j of Z is the unit eigenvector of w_j (numpy's convention).
 * When max |a_ij| is outside [2^-500, 2^500], A is first scaled by a power of two (exact) so that
 * it is near 1, and the eigenvalues scaled back: no sum of squares can overflow or underflow.
 */
import { rowDot, rowAxpy, rowDotAxpy, rowRank2, rowSwap } from './row-ops';

const EPS: f64 = 2.220446049250313e-16;
/** A is rescaled when max |a_ij| is above 2^500 or below 2^-500. */
const SCALE_ABOVE: f64 = 3.273390607896142e150;
const SCALE_BELOW: f64 = 3.054936363499605e-151;
/** Iterations allowed per eigenvalue before the QL stage gives up. */
const MAX_ITER = 60;

/**
 * Eigenvalues (ascending) of the symmetric n x n matrix whose LOWER triangle (j <= i) `a` holds;
 * the strict upper triangle is never read. With `vectors` != 0, overwrites `a` with the
 * eigenvectors (row-major, column j belongs to w[j]); otherwise `a` is left as scratch.
 * `w` receives the n eigenvalues. `work` is scratch of 5n f64 (+ n*n when `vectors`).
 * Returns 0, or l + 1 when the QL iteration for eigenvalue l did not converge.
 */
export function eigh_f64(n: i32, a: usize, w: usize, work: usize, vectors: i32): i32 {
  if (n == 0) return 0;
  const stride = <usize>n << 3;
  const e = work;
  const p = work + stride;
  const hs = p + stride;
  const cs = hs + stride; // 2n: c_i at cs + 16 i, s_i at cs + 16 i + 8
  const z = cs + 2 * stride; // n*n, Zᵀ: row j is the eigenvector of w[j]

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

  tridiagonalize(n, a, w, e, p, hs);
  if (vectors) accumulate(n, a, z, hs);
  const info = tql2(n, w, e, cs, vectors ? z : 0);
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
      if (vectors) rowSwap(n, z + <usize>i * stride, z + <usize>m * stride);
    }
  }
  const up1 = Math.pow(2, <f64>(k >> 1));
  const up2 = Math.pow(2, <f64>(k - (k >> 1)));
  for (let i = 0; i < n; i++) {
    const o = w + (<usize>i << 3);
    store<f64>(o, load<f64>(o) * up1 * up2);
  }
  if (vectors) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        store<f64>(a + <usize>i * stride + (<usize>j << 3), load<f64>(z + <usize>j * stride + (<usize>i << 3)));
      }
    }
  }
  return 0;
}

function setIdentity(n: i32, a: usize): void {
  memory.fill(a, 0, <usize>n * <usize>n << 3);
  for (let i = 0; i < n; i++) store<f64>(a + <usize>i * ((<usize>n + 1) << 3), 1);
}

/**
 * Stage 1: reduces the lower triangle of `a` to tridiagonal form. Writes d (diagonal) to `d`,
 * e_i (coupling of i and i-1) to `e`, leaves u_i in the row prefix a_i,0:i and h_i in hs[i]
 * (0 when no reflection was needed). `p` is n f64 of scratch.
 */
function tridiagonalize(n: i32, a: usize, d: usize, e: usize, p: usize, hs: usize): void {
  const stride = <usize>n << 3;
  for (let i = n - 1; i >= 1; i--) {
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

/** Stage 2: z = Qᵀ = H_2 H_3 ... H_{n-1}, with u_i and h_i as tridiagonalize left them. */
function accumulate(n: i32, a: usize, z: usize, hs: usize): void {
  const stride = <usize>n << 3;
  setIdentity(n, z);
  for (let i = 2; i < n; i++) {
    const h = load<f64>(hs + (<usize>i << 3));
    if (h == 0) continue;
    const u = a + <usize>i * stride;
    const invH = 1.0 / h;
    // Rows r >= i of the product so far are zero in columns 0..i-1, so only rows 0..i-1 change.
    for (let r = 0; r < i; r++) {
      const zr = z + <usize>r * stride;
      rowAxpy(i, -rowDot(i, zr, u) * invH, u, zr);
    }
  }
}

/**
 * Stage 3 (EISPACK tql2, as in JAMA): eigenvalues of the tridiagonal (d, e) into d, unsorted.
 * With z != 0, applies every rotation to the rows of z (= Zᵀ). e is destroyed; cs is 2n scratch.
 * Shift: the eigenvalue of the leading 2 x 2 block [d_l e_l; e_l d_l+1] nearer d_l (Wilkinson).
 * Deflation: |e_m| <= ε max_{k<=l}(|d_k| + |e_k|).
 */
function tql2(n: i32, d: usize, e: usize, cs: usize, z: usize): i32 {
  for (let i = 1; i < n; i++) store<f64>(e + (<usize>(i - 1) << 3), load<f64>(e + (<usize>i << 3)));
  store<f64>(e + (<usize>(n - 1) << 3), 0);
  let f: f64 = 0;
  let tst1: f64 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(D(d, l)) + Math.abs(D(e, l)));
    let m = l;
    while (m < n - 1 && Math.abs(D(e, m)) > EPS * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > MAX_ITER) return l + 1;
        let g = D(d, l);
        let pp = (D(d, l + 1) - g) / (2.0 * D(e, l));
        let r = hypot(pp, 1.0);
        if (pp < 0) r = -r;
        setD(d, l, D(e, l) / (pp + r));
        setD(d, l + 1, D(e, l) * (pp + r));
        const dl1 = D(d, l + 1);
        let h = g - D(d, l);
        for (let i = l + 2; i < n; i++) setD(d, i, D(d, i) - h);
        f += h;
        pp = D(d, m);
        let c: f64 = 1;
        let c2 = c;
        let c3 = c;
        const el1 = D(e, l + 1);
        let s: f64 = 0;
        let s2: f64 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * D(e, i);
          h = c * pp;
          r = hypot(pp, D(e, i));
          setD(e, i + 1, s * r);
          const invR = 1.0 / r;
          s = D(e, i) * invR;
          c = pp * invR;
          pp = c * D(d, i) - s * g;
          setD(d, i + 1, h + s * (c * g + s * D(d, i)));
          const o = cs + (<usize>i << 4);
          store<f64>(o, c);
          store<f64>(o + 8, s);
        }
        pp = (-s * s2 * c3 * el1 * D(e, l)) / dl1;
        setD(e, l, s * pp);
        setD(d, l, c * pp);
        if (z) applySweep(n, z, cs, l, m);
      } while (Math.abs(D(e, l)) > EPS * tst1);
    }
    setD(d, l, D(d, l) + f);
    setD(e, l, 0);
  }
  return 0;
}

// @ts-ignore: decorator
@inline function D(v: usize, i: i32): f64 {
  return load<f64>(v + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function setD(v: usize, i: i32, x: f64): void {
  store<f64>(v + (<usize>i << 3), x);
}

/** sqrt(x² + y²) without overflow or harmful underflow (directly when the squares are safe). */
function hypot(x: f64, y: f64): f64 {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const big = Math.max(ax, ay);
  if (big < 1e150 && big > 1e-150) return Math.sqrt(ax * ax + ay * ay);
  if (big == 0) return 0;
  const small = Math.min(ax, ay) / big;
  return big * Math.sqrt(1 + small * small);
}

/**
 * Applies one QL sweep's rotations, i = m-1 down to l, to the rows of z (n x n, row-major):
 *   z_i+1 <- s_i z_i + c_i z_i+1,   z_i <- c_i z_i - s_i z_i+1
 * Column block by column block, carrying the row being rotated in registers, so each element is
 * loaded and stored once per sweep.
 */
function applySweep(n: i32, z: usize, cs: usize, l: i32, m: i32): void {
  const stride = <usize>n << 3;
  const top = z + <usize>l * stride;
  const bottom = z + <usize>m * stride;
  let col = 0;
  for (; col + 8 <= n; col += 8) {
    const oc = <usize>col << 3;
    let x0 = v128.load(bottom + oc);
    let x1 = v128.load(bottom + oc + 16);
    let x2 = v128.load(bottom + oc + 32);
    let x3 = v128.load(bottom + oc + 48);
    let row = bottom + oc;
    for (let i = m - 1; i >= l; i--) {
      const o = cs + (<usize>i << 4);
      const c = v128.load64_splat(o);
      const s = v128.load64_splat(o + 8);
      const next = row - stride;
      const y0 = v128.load(next);
      const y1 = v128.load(next + 16);
      const y2 = v128.load(next + 32);
      const y3 = v128.load(next + 48);
      v128.store(row, f64x2.add(f64x2.mul(s, y0), f64x2.mul(c, x0)));
      v128.store(row + 16, f64x2.add(f64x2.mul(s, y1), f64x2.mul(c, x1)));
      v128.store(row + 32, f64x2.add(f64x2.mul(s, y2), f64x2.mul(c, x2)));
      v128.store(row + 48, f64x2.add(f64x2.mul(s, y3), f64x2.mul(c, x3)));
      x0 = f64x2.sub(f64x2.mul(c, y0), f64x2.mul(s, x0));
      x1 = f64x2.sub(f64x2.mul(c, y1), f64x2.mul(s, x1));
      x2 = f64x2.sub(f64x2.mul(c, y2), f64x2.mul(s, x2));
      x3 = f64x2.sub(f64x2.mul(c, y3), f64x2.mul(s, x3));
      row = next;
    }
    v128.store(top + oc, x0);
    v128.store(top + oc + 16, x1);
    v128.store(top + oc + 32, x2);
    v128.store(top + oc + 48, x3);
  }
  for (; col + 2 <= n; col += 2) {
    const oc = <usize>col << 3;
    let x0 = v128.load(bottom + oc);
    let row = bottom + oc;
    for (let i = m - 1; i >= l; i--) {
      const o = cs + (<usize>i << 4);
      const c = v128.load64_splat(o);
      const s = v128.load64_splat(o + 8);
      const next = row - stride;
      const y0 = v128.load(next);
      v128.store(row, f64x2.add(f64x2.mul(s, y0), f64x2.mul(c, x0)));
      x0 = f64x2.sub(f64x2.mul(c, y0), f64x2.mul(s, x0));
      row = next;
    }
    v128.store(top + oc, x0);
  }
  for (; col < n; col++) {
    const oc = <usize>col << 3;
    let x = load<f64>(bottom + oc);
    let row = bottom + oc;
    for (let i = m - 1; i >= l; i--) {
      const o = cs + (<usize>i << 4);
      const c = load<f64>(o);
      const s = load<f64>(o + 8);
      const next = row - stride;
      const y = load<f64>(next);
      store<f64>(row, s * y + c * x);
      x = c * y - s * x;
      row = next;
    }
    store<f64>(top + oc, x);
  }
}
