/**
 * gemm's micro-kernels (gemm.ts): each computes one MR x NR tile of C from packed panels, keeping
 * the tile in 2 MR v128 registers.
 */
import { MR } from './gemm-pack';

/** *p = acc + beta * *p for one v128, except that beta = 0 stores acc without reading *p. */
// @ts-ignore: decorator
@inline export function update<T>(p: usize, acc: v128, beta: T): void {
  if (beta == 0) v128.store(p, acc);
  else if (beta == 1) v128.store(p, v128.add<T>(v128.load(p), acc));
  else v128.store(p, v128.add<T>(v128.mul<T>(v128.load(p), v128.splat<T>(beta)), acc));
}

/**
 * The micro-kernel: C[0:MR, 0:NR] = beta C + sum_p Ap[p, 0:MR]^T Bp[p, 0:NR], with C's rows ldc
 * bytes apart. Ap holds kc columns of MR values, Bp kc rows of NR values (two v128 each).
 */
export function microKernel<T>(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, beta: T): void {
  const sz = sizeof<T>();
  let c00 = v128.splat<T>(0);
  let c01 = v128.splat<T>(0);
  let c10 = v128.splat<T>(0);
  let c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0);
  let c21 = v128.splat<T>(0);
  let c30 = v128.splat<T>(0);
  let c31 = v128.splat<T>(0);
  // The loop runs on bp alone (no separate counter): V8 then emits fewer instructions per step.
  const bEnd = bp + <usize>kc * 32;
  while (bp < bEnd) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load_splat<T>(ap);
    c00 = v128.add<T>(c00, v128.mul<T>(a, b0));
    c01 = v128.add<T>(c01, v128.mul<T>(a, b1));
    a = v128.load_splat<T>(ap, sz);
    c10 = v128.add<T>(c10, v128.mul<T>(a, b0));
    c11 = v128.add<T>(c11, v128.mul<T>(a, b1));
    a = v128.load_splat<T>(ap, 2 * sz);
    c20 = v128.add<T>(c20, v128.mul<T>(a, b0));
    c21 = v128.add<T>(c21, v128.mul<T>(a, b1));
    a = v128.load_splat<T>(ap, 3 * sz);
    c30 = v128.add<T>(c30, v128.mul<T>(a, b0));
    c31 = v128.add<T>(c31, v128.mul<T>(a, b1));
    ap += <usize>MR * sz;
    bp += 32;
  }
  update<T>(c, c00, beta);
  update<T>(c + 16, c01, beta);
  c += ldc;
  update<T>(c, c10, beta);
  update<T>(c + 16, c11, beta);
  c += ldc;
  update<T>(c, c20, beta);
  update<T>(c + 16, c21, beta);
  c += ldc;
  update<T>(c, c30, beta);
  update<T>(c + 16, c31, beta);
}

/** *p = alpha acc + beta *p for one v128 (alpha = 1 skips the multiply; beta as in `update`). */
// @ts-ignore: decorator
@inline function updateScaled<T>(p: usize, acc: v128, alpha: T, beta: T): void {
  update<T>(p, alpha == 1 ? acc : v128.mul<T>(acc, v128.splat<T>(alpha)), beta);
}

/**
 * One MR x NR tile of the single-block path: C[0:MR, 0:NR] = alpha sum_p A[0:MR, p]^T B[p, 0:NR]
 * + beta C, from a pre-broadcast A panel (`ap`: record p = MR v128, the r-th holding A[r, p] in
 * every lane) and a packed B panel (`bp`: row p = NR values, two v128). With `PA` the tile reads
 * op(A) in place (A[r, p] to A[r + 1, p] is `aStepR` bytes, to A[r, p + 1] `aStepK`: row-major A,
 * or Aᵀ) broadcasting each value, and writes the A panel as it goes;
 * with `PB` it reads B in place (rows `ldb` bytes apart) and writes the B panel. The first tile of
 * each row of tiles packs A, the tiles of the first row pack B, so packing costs no separate pass.
 * `PLAIN` (alpha = 1, beta = 0) stores the sums as they are: the branches of the general update,
 * eight per tile, cost V8 about 8% of the product.
 */
// @ts-ignore: decorator
@inline export function oneBlockTile<T>(PLAIN: bool, PA: bool, PB: bool, kc: i32, a: usize, aStepR: usize, aStepK: usize, ap: usize, b: usize, ldb: usize, bp: usize, c: usize, ldc: usize, alpha: T, beta: T): void {
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
    } else {
      x0 = v128.load(ap);
      x1 = v128.load(ap, 16);
      x2 = v128.load(ap, 32);
      x3 = v128.load(ap, 48);
    }
    c00 = v128.add<T>(c00, v128.mul<T>(x0, b0));
    c01 = v128.add<T>(c01, v128.mul<T>(x0, b1));
    c10 = v128.add<T>(c10, v128.mul<T>(x1, b0));
    c11 = v128.add<T>(c11, v128.mul<T>(x1, b1));
    c20 = v128.add<T>(c20, v128.mul<T>(x2, b0));
    c21 = v128.add<T>(c21, v128.mul<T>(x2, b1));
    c30 = v128.add<T>(c30, v128.mul<T>(x3, b0));
    c31 = v128.add<T>(c31, v128.mul<T>(x3, b1));
    ap += 64;
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

