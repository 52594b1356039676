/**
 * eigh's back-transformation V = Q Z (LAPACK dormtr's blocked form):
 *
 *   z <- H_hi-1 ... H_lo+1 H_lo z   (all of Q = H_n-1 ... H_2 for lo = 2, hi = n),
 *
 * z with `cols` columns (row-major, contiguous) and at least hi - 1 rows, with u_i (the row prefix
 * a_i,0:i) and h_i as the tridiagonalization left them, a block of reflectors i0..i1 at a time in
 * compact WY form (LAPACK dlarft + dlarfb): with Y's columns u_i1, u_i1-1, ..., u_i0 and τ_i = 1/h_i,
 *   H_i1 ... H_i0 = I - Y T Yᵀ,  T upper triangular:  T_cc = τ_c,  T_0:c,c = -τ_c T_0:c,0:c (Y_:,0:cᵀ y_c),
 * and, as H_i only touches coordinates 0..i-1, only the top i1 rows of z change:
 *   P = Yᵀ z_0:r,  P2 = T P,  z_0:r <- z_0:r - Y P2     (three gemms; Yᵀ z in row chunks of KC,
 * each one of gemm's single blocks).
 *
 * A block is two steps: qBlock makes Y and T (serial, O(r kb²)), then qRows runs the three
 * products, each over a range of its C's rows. The products hold nearly all the flops, and a row
 * range of C is computed with the same arithmetic as the whole (gemm_rows), so the pool can split
 * each product (src/threads/eigh-threads.ts) with results bit-identical to applyQ's.
 */
import { gemm_f64, gemm_rows_f64 } from './gemm';

/** Reflectors per block of the back-transformation, and rows per chunk of Yᵀ z. */
export const NB = 64;
const KC = 256;

/** Where a block's products read and write: P, P2 and T (all within `work`), and gemm's scratch. */
export function qP(work: usize): usize {
  return work;
}
export function qP2(n: i32, cols: i32, work: usize): usize {
  return work + <usize>min(NB, n) * (<usize>cols << 3);
}
export function qT(n: i32, cols: i32, work: usize): usize {
  return qP2(n, cols, work) + <usize>min(NB, n) * (<usize>cols << 3);
}
export function qScratch(n: i32, cols: i32, work: usize): usize {
  const nb = <usize>min(NB, n);
  return qT(n, cols, work) + nb * nb * 8;
}

/**
 * z <- H_hi-1 ... H_lo z as above, one thread. `ybuf` holds n * NB f64, `work` 2 NB cols + NB² +
 * gemm scratch.
 */
export function applyQ(n: i32, a: usize, hs: usize, lo: i32, hi: i32, z: usize, cols: i32, ybuf: usize, work: usize): void {
  const nb = min(NB, n);
  const p = qP(work);
  const p2 = qP2(n, cols, work);
  const t = qT(n, cols, work);
  const scratch = qScratch(n, cols, work);
  for (let i0 = lo; i0 < hi; i0 += nb) {
    const kb = qBlock(n, a, hs, i0, hi, ybuf, p2, t, scratch);
    const r = i0 + kb - 1;
    qRows(0, kb, r, cols, ybuf, z, p, p2, t, scratch, 0, kb);
    qRows(1, kb, r, cols, ybuf, z, p, p2, t, scratch, 0, kb);
    qRows(2, kb, r, cols, ybuf, z, p, p2, t, scratch, 0, r);
  }
}

/**
 * The block of reflectors i0 .. i1 = min(i0 + NB, hi) - 1: Y (r x kb, r = i1) into `ybuf` and T
 * (kb x kb) into `t`, using `p2` (kb²) for S = Yᵀ Y. Returns kb.
 */
export function qBlock(n: i32, a: usize, hs: usize, i0: i32, hi: i32, ybuf: usize, p2: usize, t: usize, scratch: usize): i32 {
  const stride = <usize>n << 3;
  const i1 = min(i0 + min(NB, n), hi) - 1;
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
  return kb;
}

/**
 * Rows r0 <= i < r1 (r0 a multiple of 4) of one of a block's products: stage 0 P = Yᵀ z_0:r
 * (kb rows), 1 P2 = T P (kb rows), 2 z_0:r -= Y P2 (r rows). Reads only its arguments.
 */
export function qRows(stage: i32, kb: i32, r: i32, cols: i32, ybuf: usize, z: usize, p: usize, p2: usize, t: usize, scratch: usize, r0: i32, r1: i32): void {
  const ldy = <usize>kb << 3;
  const ldz = <usize>cols << 3;
  if (stage == 0) {
    for (let c0 = 0; c0 < r; c0 += KC) {
      const c1 = min(c0 + KC, r);
      gemm_rows_f64(1, 0, kb, cols, c1 - c0, 1, ybuf + <usize>c0 * ldy, z + <usize>c0 * ldz, c0 == 0 ? 0 : 1, p, scratch, r0, r1);
    }
  } else if (stage == 1) {
    gemm_rows_f64(0, 0, kb, cols, kb, 1, t, p, 0, p2, scratch, r0, r1);
  } else {
    gemm_rows_f64(0, 0, r, cols, kb, -1, ybuf, p2, 1, z, scratch, r0, r1);
  }
}
