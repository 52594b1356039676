/**
 * The blocked part of eigh's tridiagonalization (LAPACK dsytrd + dlatrd, UPLO = 'U' in column-major,
 * which is the row-major lower triangle eigh stores). The reflectors are the ones the unblocked
 * loop in eigh.ts makes (row prefix u_i, H_i = I - τ u uᵀ, τ = 1/h_i), NB at a time from the bottom:
 *
 * for i = m-1 down to m-NB (the panel), with W's columns for the panel rows j > i already made:
 *   a_i,0:i+1 -= Σ_j (W_ij u_j,0:i+1 + u_j,i w_j,0:i+1)          (the panel's updates, row i only)
 *   u_i, h_i from a_i,0:i (reflect);   y = B u_i with B = A_0:i,0:i as at the panel's start, then
 *   y -= Σ_j u_j (w_jᵀ u_i) + w_j (u_jᵀ u_i);   w_i = τ y - ½ τ² (yᵀu_i) u_i
 * and, after the panel, the leading block m' = m - NB takes all NB updates at once on gemm:
 *   A_0:m',0:m' -= V Wᵀ + W Vᵀ  =  [V W] [W V]ᵀ   (lower triangle, RB rows at a time)
 * (the same w as the unblocked p - K u: A - u wᵀ - w uᵀ is H A H restricted to the block).
 * Half the flops go to gemm; the symv passes stay. Used while m > NX; the rest is unblocked.
 * The update's rows are independent (one gemm per RB rows): updateRows takes a range of them, so
 * the pool can split it (src/threads/eigh-threads.ts), the same arithmetic per row either way.
 */
import { gemm_f64, gemm_scratch_f64 } from './gemm';
import { rowAxpy, rowDot, rowDotAxpy } from './row-ops';

/** The second sum of rowPairDotAxpy. */
let secondSum: f64 = 0;

const NB = 32;
const RB = 64;
const NX = 128;

/** f64 elements of scratch reduceBlocked needs for order n. */
export function blockedScratch(n: i32): i32 {
  return NB * n + 4 * NB * n + RB * n + n + 2 * NB + gemm_scratch_f64(RB, n, 2 * NB);
}

/**
 * Reduces rows n-1 down to m of the lower triangle of `a` in panels of NB (while m > NX); writes
 * e_i, h_i (as eigh.ts's loop does) and returns m, the order of the leading block left unreduced.
 */
export function reduceBlocked(n: i32, a: usize, e: usize, hs: usize, work: usize): i32 {
  let m = n;
  while (m > NX) {
    const mp = reducePanel(n, m, a, e, hs, work);
    updateRows(n, a, work, mp, triTmp(n, work), triScratch(n, work), 0, mp);
    m = mp;
  }
  return m;
}

/** Whether rows n-1 .. m still take a blocked panel (m > NX). */
export function panelDue(m: i32): bool {
  return m > NX;
}

/** The RB x m' product rows of the trailing update (within `work`), and gemm's scratch after them. */
function triTmp(n: i32, work: usize): usize {
  return work + <usize>(5 * NB) * (<usize>n << 3);
}
function triScratch(n: i32, work: usize): usize {
  return triTmp(n, work) + <usize>(RB + 1) * (<usize>n << 3) + <usize>(2 * NB) * 8;
}

/** f64 elements a thread's share of updateRows needs (tmp, then gemm's scratch) for order n. */
export function updateScratch(n: i32): i32 {
  return RB * n + gemm_scratch_f64(RB, n, 2 * NB);
}

/**
 * The panel of rows m-1 .. m-NB (m > NX): makes their reflectors and W, and gathers [V W] and
 * [W V] for the trailing update; returns m' = m - NB, the rows updateRows then updates.
 */
export function reducePanel(n: i32, m: i32, a: usize, e: usize, hs: usize, work: usize): i32 {
  const stride = <usize>n << 3;
  const wcols = work; // W, column-major: column c at wcols + c n
  const x = wcols + <usize>NB * stride; // [V W], m' x 2NB row-major
  const yb = x + <usize>(2 * NB) * stride; // [W V]
  const y = triTmp(n, work) + <usize>RB * stride;
  const base = m - NB; // panel rows base .. m-1, column c <-> row base + c
  for (let i = m - 1; i >= base; i--) {
    const iw = i - base;
    const row = a + <usize>i * stride;
    // The panel's earlier reflectors, on row i (entries 0..i).
    for (let c = iw + 1; c < NB; c++) {
      const vj = a + <usize>(base + c) * stride;
      const wc = wcols + <usize>c * stride;
      axpyPair(i + 1, -load<f64>(wc + (<usize>i << 3)), vj, -load<f64>(vj + (<usize>i << 3)), wc, row);
    }
    const wi = wcols + <usize>iw * stride;
    memory.fill(wi, 0, stride);
    const h = reflect(n, i, a, e, hs);
    if (h == 0) continue;
    const tau = 1.0 / h;
    // y = B u (B as at the panel's start), then the panel's corrections.
    symvPairs(n, i, a, row, y);
    for (let c = iw + 1; c < NB; c++) {
      const vj = a + <usize>(base + c) * stride;
      const wc = wcols + <usize>c * stride;
      const t1 = dotPair(i, wc, vj, row);
      axpyPair(i, -t1, vj, -secondSum, wc, y);
    }
    let yu: f64 = 0;
    for (let j = 0; j < i; j++) {
      const oj = <usize>j << 3;
      const v = load<f64>(y + oj) * tau;
      store<f64>(wi + oj, v);
      yu += v * load<f64>(row + oj);
    }
    rowAxpy(i, -0.5 * tau * yu, row, wi);
  }
  // [V W] and [W V], m' x 2NB.
  const mp = base;
  const ld2 = <usize>(2 * NB) << 3;
  for (let r = 0; r < mp; r++) {
    const xr = x + <usize>r * ld2;
    const yr = yb + <usize>r * ld2;
    const o = <usize>r << 3;
    for (let c = 0; c < NB; c++) {
      const v = load<f64>(a + <usize>(base + c) * stride + o);
      const w = load<f64>(wcols + <usize>c * stride + o);
      store<f64>(xr + (<usize>c << 3), v);
      store<f64>(xr + (<usize>(NB + c) << 3), w);
      store<f64>(yr + (<usize>c << 3), w);
      store<f64>(yr + (<usize>(NB + c) << 3), v);
    }
  }
  return mp;
}

/** updateRows with its tmp at the start of `scratch` (updateScratch(n) f64) and gemm's after it. */
export function updateRowsIn(n: i32, a: usize, work: usize, mp: i32, scratch: usize, r0: i32, r1: i32): void {
  updateRows(n, a, work, mp, scratch, scratch + <usize>RB * (<usize>n << 3), r0, r1);
}

/**
 * A_0:m',0:m' -= [V W] [W V]ᵀ on the lower triangle, rows r0 <= r < r1 (r0 a multiple of RB):
 * one gemm per RB rows, RB x (its last row + 1) x 2NB, into `tmp` (RB x m'), with gemm scratch
 * `scratch`. Rows are independent, so threads may take disjoint ranges (eigh-threads.ts).
 */
export function updateRows(n: i32, a: usize, work: usize, mp: i32, tmp: usize, scratch: usize, r0: i32, r1: i32): void {
  const stride = <usize>n << 3;
  const x = work + <usize>NB * stride;
  const yb = x + <usize>(2 * NB) * stride;
  const ld2 = <usize>(2 * NB) << 3;
  for (let b0 = r0; b0 < r1; b0 += RB) {
    const b1 = min(b0 + RB, mp);
    gemm_f64(0, 1, b1 - b0, b1, 2 * NB, 1, x + <usize>b0 * ld2, yb, 0, tmp, scratch);
    for (let r = b0; r < b1; r++) rowAxpy(r + 1, -1, tmp + <usize>(r - b0) * b1 * 8, a + <usize>r * stride);
  }
}

/**
 * The reflector of row i: x = a_i,0:i, β = -sign(x_{i-1}) ‖x‖, u = x - β e_{i-1} (in place),
 * e_i = β, h = β(β - x_{i-1}); when x_0:i-1 = 0 nothing is reflected: e_i = x_{i-1}, h = 0.
 */
@inline
export function reflect(n: i32, i: i32, a: usize, e: usize, hs: usize): f64 {
  const u = a + <usize>i * (<usize>n << 3);
  const oi = <usize>i << 3;
  const alpha = load<f64>(u + oi - 8);
  const sigma = rowDot(i - 1, u, u);
  if (sigma == 0) {
    store<f64>(e + oi, alpha);
    store<f64>(hs + oi, 0);
    return 0;
  }
  const norm = Math.sqrt(alpha * alpha + sigma);
  const beta = alpha > 0 ? -norm : norm;
  const h = beta * (beta - alpha);
  store<f64>(u + oi - 8, alpha - beta);
  store<f64>(e + oi, beta);
  store<f64>(hs + oi, h);
  return h;
}

/**
 * y = B u for B the leading m x m block of the lower triangle of `a` (row stride n), two rows at a
 * time so that u and y are loaded once per pair (rowPairDotAxpy).
 */
function symvPairs(n: i32, m: i32, a: usize, u: usize, y: usize): void {
  const stride = <usize>n << 3;
  memory.fill(y, 0, <usize>m << 3);
  let j = 0;
  for (; j + 1 < m; j += 2) {
    const r0 = a + <usize>j * stride;
    const r1 = r0 + stride;
    const oj = <usize>j << 3;
    const u0 = load<f64>(u + oj);
    const u1 = load<f64>(u + oj + 8);
    let s0 = rowPairDotAxpy(j, r0, r1, u, y, u0, u1);
    let s1 = secondSum;
    // the rest of the pair: b_j+1,j (below the diagonal of row j) and the two diagonal entries
    const b10 = load<f64>(r1 + oj);
    s0 += load<f64>(r0 + oj) * u0;
    s1 += b10 * u0 + load<f64>(r1 + oj + 8) * u1;
    store<f64>(y + oj, load<f64>(y + oj) + s0 + u1 * b10);
    store<f64>(y + oj + 8, load<f64>(y + oj + 8) + s1);
  }
  if (j < m) {
    const rj = a + <usize>j * stride;
    const oj = <usize>j << 3;
    const uj = load<f64>(u + oj);
    const s = rowDotAxpy(j, rj, u, y, uj) + load<f64>(rj + oj) * uj;
    store<f64>(y + oj, load<f64>(y + oj) + s);
  }
}

/**
 * Two rows of a symmetric product at once, k < len: y[k] += u0 r0[k] + u1 r1[k]; returns
 * Σ r0[k] u[k] and leaves Σ r1[k] u[k] in `secondSum`.
 */
function rowPairDotAxpy(len: i32, r0: usize, r1: usize, u: usize, y: usize, u0: f64, u1: f64): f64 {
  const v0 = f64x2.splat(u0);
  const v1 = f64x2.splat(u1);
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let b0 = f64x2.splat(0);
  let b1 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const o = <usize>k << 3;
    const x0 = v128.load(r0 + o);
    const x1 = v128.load(r0 + o + 16);
    const z0 = v128.load(r1 + o);
    const z1 = v128.load(r1 + o + 16);
    const w0 = v128.load(u + o);
    const w1 = v128.load(u + o + 16);
    a0 = f64x2.add(a0, f64x2.mul(x0, w0));
    a1 = f64x2.add(a1, f64x2.mul(x1, w1));
    b0 = f64x2.add(b0, f64x2.mul(z0, w0));
    b1 = f64x2.add(b1, f64x2.mul(z1, w1));
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.add(f64x2.mul(v0, x0), f64x2.mul(v1, z0))));
    v128.store(y + o + 16, f64x2.add(v128.load(y + o + 16), f64x2.add(f64x2.mul(v0, x1), f64x2.mul(v1, z1))));
  }
  a0 = f64x2.add(a0, a1);
  b0 = f64x2.add(b0, b1);
  let s0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  let s1 = f64x2.extract_lane(b0, 0) + f64x2.extract_lane(b0, 1);
  for (; k < len; k++) {
    const o = <usize>k << 3;
    const x = load<f64>(r0 + o);
    const z = load<f64>(r1 + o);
    const w = load<f64>(u + o);
    s0 += x * w;
    s1 += z * w;
    store<f64>(y + o, load<f64>(y + o) + (u0 * x + u1 * z));
  }
  secondSum = s1;
  return s0;
}

/** y[k] += a1 x1[k] + a2 x2[k] for k < len, one pass over y. */
function axpyPair(len: i32, a1: f64, x1: usize, a2: f64, x2: usize, y: usize): void {
  const v1 = f64x2.splat(a1);
  const v2 = f64x2.splat(a2);
  let k = 0;
  for (; k + 2 <= len; k += 2) {
    const o = <usize>k << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.add(f64x2.mul(v1, v128.load(x1 + o)), f64x2.mul(v2, v128.load(x2 + o)))));
  }
  if (k < len) {
    const o = <usize>k << 3;
    store<f64>(y + o, load<f64>(y + o) + (a1 * load<f64>(x1 + o) + a2 * load<f64>(x2 + o)));
  }
}

/** Σ x1[k] u[k] for k < len, returned, and Σ x2[k] u[k] in `secondSum`: one pass over u. */
function dotPair(len: i32, x1: usize, x2: usize, u: usize): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let b0 = f64x2.splat(0);
  let b1 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const o = <usize>k << 3;
    const w0 = v128.load(u + o);
    const w1 = v128.load(u + o + 16);
    a0 = f64x2.add(a0, f64x2.mul(v128.load(x1 + o), w0));
    a1 = f64x2.add(a1, f64x2.mul(v128.load(x1 + o + 16), w1));
    b0 = f64x2.add(b0, f64x2.mul(v128.load(x2 + o), w0));
    b1 = f64x2.add(b1, f64x2.mul(v128.load(x2 + o + 16), w1));
  }
  a0 = f64x2.add(a0, a1);
  b0 = f64x2.add(b0, b1);
  let s1 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  let s2 = f64x2.extract_lane(b0, 0) + f64x2.extract_lane(b0, 1);
  for (; k < len; k++) {
    const o = <usize>k << 3;
    const w = load<f64>(u + o);
    s1 += load<f64>(x1 + o) * w;
    s2 += load<f64>(x2 + o) * w;
  }
  secondSum = s2;
  return s1;
}
