/**
 * gemm's micro-kernel (gemm.ts): one MR x NR tile of C from packed panels, the tile kept in
 * 2 MR v128 registers, and the update of C it ends with.
 */
import { fmadd } from './fma';
import { MR } from './gemm-pack';

/** *p = acc + beta * *p for one v128, except that beta = 0 stores acc without reading *p. */
// @ts-ignore: decorator
@inline export function update<T>(p: usize, acc: v128, beta: T): void {
  if (beta == 0) v128.store(p, acc);
  else if (beta == 1) v128.store(p, v128.add<T>(v128.load(p), acc));
  else v128.store(p, v128.add<T>(v128.mul<T>(v128.load(p), v128.splat<T>(beta)), acc));
}

/** *p = alpha acc + beta *p for one v128 (alpha = 1 skips the multiply; beta as in `update`). */
// @ts-ignore: decorator
@inline function updateScaled<T>(p: usize, acc: v128, alpha: T, beta: T): void {
  update<T>(p, alpha == 1 ? acc : v128.mul<T>(acc, v128.splat<T>(alpha)), beta);
}

/**
 * The micro-kernel: C[0:MR, 0:NR] = alpha sum_p A[0:MR, p]^T B[p, 0:NR] + beta C, with C's rows
 * `ldc` bytes apart, from an A panel `ap` and a B panel `bp` (row p = NR values, two v128). The
 * loop counts on the B pointer alone (V8 then emits fewer instructions per step). The A panel is
 * either packed (`PRE` false: record p = the MR values A[0:MR, p], broadcast as they are loaded)
 * or pre-broadcast (`PRE`: record p = MR v128, the r-th holding A[r, p] in every lane).
 *
 * Why pre-broadcast: V8 compiles a load_splat at a constant offset as a lea plus the load (the
 * offset is not folded into the address), so the four broadcasts cost seven instructions per
 * k step, where plain v128 loads fold their offsets; storing A[r, p] in all four lanes quadruples
 * the A panel and makes the k loop about 15% faster (about 47 vs 40 GFLOP/s in place, on Zen 4).
 * The general path pre-broadcasts only for wide products: with few B panels to reuse each A
 * panel, writing four times the bytes costs more than the loop saves (8-13% slower at
 * 32x10x128), while at n = 300..1024 the gain is 3-7%.
 *
 * Measured alternatives, all slower in V8 (x64, no FMA in plain wasm SIMD): 6 x 8, 5 x 8 or
 * 2 x 16 tiles and an unrolled k loop (V8 hoists every load of the loop body and spills past 15
 * live v128s: 5 x 8 runs at half speed), broadcasts by shuffles, and B read in place (its
 * power-of-two row stride thrashes L1 sets).
 *
 * With `PA` (and `PRE`) the tile reads op(A) in place instead (A[r, p] to A[r + 1, p] is `aStepR`
 * bytes, to A[r, p + 1] `aStepK`: row-major A, or Aᵀ), broadcasting each value, and writes the
 * pre-broadcast panel as it goes; with `PB` it reads B in place (rows `ldb` bytes apart) and
 * writes the B panel: the single-block path packs that way, in its first tiles.
 * `PLAIN` (alpha = 1, beta = 0) stores the sums as they are: the branches of the general update,
 * eight per tile, cost V8 about 8% of a small product.
 */
// @ts-ignore: decorator
@inline export function microKernel<T>(PRE: bool, PLAIN: bool, PA: bool, PB: bool, kc: i32, a: usize, aStepR: usize, aStepK: usize, ap: usize, b: usize, ldb: usize, bp: usize, c: usize, ldc: usize, alpha: T, beta: T): void {
  const sz = sizeof<T>();
  let c00 = v128.splat<T>(0);
  let c01 = v128.splat<T>(0);
  let c10 = v128.splat<T>(0);
  let c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0);
  let c21 = v128.splat<T>(0);
  let c30 = v128.splat<T>(0);
  let c31 = v128.splat<T>(0);
  let a1 = a + aStepR;
  let a2 = a1 + aStepR;
  let a3 = a2 + aStepR;
  const bEnd = bp + <usize>kc * 32;
  while (bp < bEnd) {
    let b0: v128;
    let b1: v128;
    if (PB) {
      b0 = v128.load(b);
      b1 = v128.load(b, 16);
      v128.store(bp, b0);
      v128.store(bp, b1, 16);
      b += ldb;
    } else {
      b0 = v128.load(bp);
      b1 = v128.load(bp, 16);
    }
    let x0: v128;
    let x1: v128;
    let x2: v128;
    let x3: v128;
    if (PA) {
      x0 = v128.load_splat<T>(a);
      x1 = v128.load_splat<T>(a1);
      x2 = v128.load_splat<T>(a2);
      x3 = v128.load_splat<T>(a3);
      v128.store(ap, x0);
      v128.store(ap, x1, 16);
      v128.store(ap, x2, 32);
      v128.store(ap, x3, 48);
      a += aStepK;
      a1 += aStepK;
      a2 += aStepK;
      a3 += aStepK;
    } else if (PRE) {
      x0 = v128.load(ap);
      x1 = v128.load(ap, 16);
      x2 = v128.load(ap, 32);
      x3 = v128.load(ap, 48);
    } else {
      x0 = v128.load_splat<T>(ap);
      x1 = v128.load_splat<T>(ap, sz);
      x2 = v128.load_splat<T>(ap, 2 * sz);
      x3 = v128.load_splat<T>(ap, 3 * sz);
    }
    c00 = fmadd<T>(x0, b0, c00);
    c01 = fmadd<T>(x0, b1, c01);
    c10 = fmadd<T>(x1, b0, c10);
    c11 = fmadd<T>(x1, b1, c11);
    c20 = fmadd<T>(x2, b0, c20);
    c21 = fmadd<T>(x2, b1, c21);
    c30 = fmadd<T>(x3, b0, c30);
    c31 = fmadd<T>(x3, b1, c31);
    ap += PRE || PA ? 64 : <usize>MR * sz;
    bp += 32;
  }
  if (PLAIN) {
    v128.store(c, c00);
    v128.store(c, c01, 16);
    c += ldc;
    v128.store(c, c10);
    v128.store(c, c11, 16);
    c += ldc;
    v128.store(c, c20);
    v128.store(c, c21, 16);
    c += ldc;
    v128.store(c, c30);
    v128.store(c, c31, 16);
  } else {
    updateScaled<T>(c, c00, alpha, beta);
    updateScaled<T>(c + 16, c01, alpha, beta);
    c += ldc;
    updateScaled<T>(c, c10, alpha, beta);
    updateScaled<T>(c + 16, c11, alpha, beta);
    c += ldc;
    updateScaled<T>(c, c20, alpha, beta);
    updateScaled<T>(c + 16, c21, alpha, beta);
    c += ldc;
    updateScaled<T>(c, c30, alpha, beta);
    updateScaled<T>(c + 16, c31, alpha, beta);
  }
}

