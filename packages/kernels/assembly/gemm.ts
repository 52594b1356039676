/**
 * Level-3 BLAS, generic over f32/f64: the matrix product
 *
 *   C = alpha op(A) op(B) + beta C,   op(X) = X or X^T,   op(A) m x k, op(B) k x n, C m x n,
 *
 * all row-major. beta = 0 overwrites C without reading it (NaN in C does not survive), and
 * alpha = 0 or k = 0 leaves C = beta C, as in reference BLAS. C must not overlap A or B.
 *
 * The GotoBLAS / BLIS scheme:
 *   for jc in steps of NC over n:                    (columns of C)
 *     for pc in steps of KC over k:                  pack op(B)[pc:+KC, jc:+NC] -> Bp  (L3/L2)
 *       for ic in steps of MC over m:                pack alpha op(A)[ic:+MC, pc:+KC] -> Ap  (L2)
 *         for jr in steps of NR, ir in steps of MR:  C[MR x NR] (+)= Ap-panel * Bp-panel  (L1)
 * Packing lays each MR-row panel of A out as kc records of MR values (or, for wide products,
 * of MR v128 holding each value broadcast: see gemm-kernels.ts) and each NR-column panel of B
 * as kc rows of NR values, zero-padded at the edges, so the micro-kernel reads both with unit
 * stride whatever the transposes were. The micro-kernel keeps the MR x NR block of C in
 * 2 * MR v128 registers (MR = 4 rows, NR = two vectors: 8 f32 or 4 f64 columns).
 * The scratch space for Ap, Bp and one edge tile is passed in (`gemm_scratch_*` says how much).
 *
 * Products that fit in one block (k <= KC, n <= NC, n a multiple of NR: the MLP's shapes) take a
 * faster single-block path, `gemmOneBlock` below. Packing lives in gemm-pack.ts, the
 * micro-kernel and the measurements behind its shape in gemm-kernels.ts.
 *
 * Threads (src/threads/): `gemm_rows_*` computes only rows r0 <= i < r1 of C (r0 a multiple of MR,
 * r1 a multiple of MR or m), so threads can split C into row panels, each with its own scratch.
 * Every choice that shapes the arithmetic (which path, pre-broadcast or not, the KC blocking of k,
 * the MR x NR tile grid and its edge tiles) depends on the whole product's m, n, k and never on
 * r0, r1: each element of C is computed by the same instructions in the same order whatever the
 * split, so the result is bit-identical for any number of threads.
 */

import { KC, MC, MR, NC, nr, packA, packABroadcast, packB, roundUp } from './gemm-pack';
import { microKernel } from './gemm-kernels';

/** Elements of scratch space gemm needs for these sizes: Ap, then Bp, then one MR x NR tile. */
function scratchElems<T>(m: i32, n: i32, k: i32): i32 {
  const mc = min(roundUp(m, MR), MC);
  const kc = min(k, KC);
  const nc = min(roundUp(n, nr<T>()), NC);
  // Ap is sized for pre-broadcast values (16 bytes each); the single-block path uses one panel.
  return mc * kc * (16 / sizeof<T>()) + kc * nc + MR * nr<T>();
}

/**
 * The single-block path: C[r0:r1, :] = alpha op(A) op(B) + beta C for op(A) m x k, op(B) k x n,
 * r0 and r1 multiples of MR, n of NR, k <= KC, n <= NC (with Aᵀ, A is k x m). Scratch: Bp (n / NR
 * panels of k rows of NR values), then one pre-broadcast A panel, reused by every row of tiles.
 * The first tile of each row of tiles packs its A panel as it goes, and the first row of tiles (r0)
 * packs every panel of an untransposed B (Bᵀ, a gather across B's rows, is packed by packB
 * first): fusing the packing into the tiles saves its passes, about 1 us of a 12 us
 * 32x64 * 64x128 product. gemm-kernels.ts says why A is pre-broadcast.
 */
// @ts-ignore: decorator
@inline function gemmOneBlock<T>(PLAIN: bool, transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: T, a: usize, b: usize, beta: T, c: usize, scratch: usize, r0: i32, r1: i32): void {
  const sz = sizeof<T>();
  const NR = nr<T>();
  const aStepR: usize = transA ? sz : <usize>k * sz;
  const aStepK: usize = transA ? <usize>m * sz : sz;
  const ld = <usize>n * sz; // B's (untransposed) and C's rows
  const bp = scratch;
  const ap = bp + <usize>k * n * sz;
  const panel = <usize>k * 32; // bytes per packed B panel
  if (transB) packB<T>(1, b, n, k, 0, 0, k, n, bp);
  for (let ir = r0; ir < r1; ir += MR) {
    const aRow = a + <usize>ir * aStepR;
    const cRow = c + <usize>ir * ld;
    if (ir == r0 && !transB) {
      // The first row of tiles packs every B panel; its first tile also packs A.
      microKernel<T>(true, PLAIN, true, true, k, aRow, aStepR, aStepK, ap, b, ld, bp, cRow, ld, alpha, beta);
      for (let jr = NR; jr < n; jr += NR) {
        const j = <usize>jr * sz;
        const bPanel = bp + <usize>(jr / NR) * panel;
        microKernel<T>(true, PLAIN, false, true, k, aRow, aStepR, aStepK, ap, b + j, ld, bPanel, cRow + j, ld, alpha, beta);
      }
    } else {
      microKernel<T>(true, PLAIN, true, false, k, aRow, aStepR, aStepK, ap, b, ld, bp, cRow, ld, alpha, beta);
      for (let jr = NR; jr < n; jr += NR) {
        const j = <usize>jr * sz;
        const bPanel = bp + <usize>(jr / NR) * panel;
        microKernel<T>(true, PLAIN, false, false, k, aRow, aStepR, aStepK, ap, b, ld, bPanel, cRow + j, ld, alpha, beta);
      }
    }
  }
}

/**
 * One tile of the general path: C[0:MR, 0:NR] = Ap-panel * Bp-panel + beta C (alpha is in Ap),
 * with Ap packed (`packedTile`) or pre-broadcast (`broadcastTile`).
 */
function packedTile<T>(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, beta: T): void {
  if (beta == 0) microKernel<T>(false, true, false, false, kc, 0, 0, 0, ap, 0, 0, bp, c, ldc, 1, 0);
  else microKernel<T>(false, false, false, false, kc, 0, 0, 0, ap, 0, 0, bp, c, ldc, 1, beta);
}
function broadcastTile<T>(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, beta: T): void {
  if (beta == 0) microKernel<T>(true, true, false, false, kc, 0, 0, 0, ap, 0, 0, bp, c, ldc, 1, 0);
  else microKernel<T>(true, false, false, false, kc, 0, 0, 0, ap, 0, 0, bp, c, ldc, 1, beta);
}

/** C = beta C (beta = 0 writes zeros without reading C). */
function scaleC<T>(m: i32, n: i32, beta: T, c: usize): void {
  const len = <usize>m * n;
  if (beta == 0) {
    memory.fill(c, 0, len * sizeof<T>());
    return;
  }
  if (beta == 1) return;
  for (let i: usize = 0; i < len; i++) store<T>(c + i * sizeof<T>(), beta * load<T>(c + i * sizeof<T>()));
}

/** Rows r0 <= i < r1 of C = alpha op(A) op(B) + beta C (r0 a multiple of MR, r1 one or m). */
function gemmRows<T>(transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: T, a: usize, b: usize, beta: T, c: usize, scratch: usize, r0: i32, r1: i32): void {
  if (r0 >= r1 || n == 0) return;
  const sz = sizeof<T>();
  if (k == 0 || alpha == 0) {
    scaleC<T>(r1 - r0, n, beta, c + <usize>r0 * n * sz);
    return;
  }
  const NR = nr<T>();
  if (k <= KC && n <= NC && n % NR == 0 && m >= MR && (!transA || m % MR == 0)) {
    // Whole MR-row tiles on the single-block path; the last m % MR rows of an untransposed A, if
    // any, below (Aᵀ's rows are its columns, which the general path cannot be pointed at).
    const m4 = m - m % MR;
    const e = min(r1, m4);
    if (r0 < e) {
      if (alpha == 1 && beta == 0) gemmOneBlock<T>(true, transA, transB, m, n, k, alpha, a, b, beta, c, scratch, r0, e);
      else gemmOneBlock<T>(false, transA, transB, m, n, k, alpha, a, b, beta, c, scratch, r0, e);
    }
    if (r1 <= m4) return;
    a += <usize>m4 * k * sz;
    c += <usize>m4 * n * sz;
    m -= m4;
    r0 = max(r0, m4) - m4;
    r1 -= m4;
  }
  // Wide products (8 or more B panels per block) pre-broadcast A: the faster k loop pays for
  // writing four times the bytes once each A panel serves enough B panels (+3-7% at n = 300..1024,
  // while at 32x10x128 it would cost 8-13%).
  const broadcast = n >= 8 * NR;
  const ldc = <usize>n * sz;
  const ap = scratch;
  const bp = ap + <usize>min(roundUp(m, MR), MC) * min(k, KC) * 16;
  const tile = bp + <usize>min(k, KC) * min(roundUp(n, NR), NC) * sz;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const betaBlk: T = pc == 0 ? beta : <T>1;
      packB<T>(transB, b, n, k, pc, jc, kc, nc, bp);
      for (let ic = r0; ic < r1; ic += MC) {
        const mc = min(MC, r1 - ic);
        if (broadcast) packABroadcast<T>(transA, a, m, k, ic, pc, mc, kc, alpha, ap);
        else packA<T>(transA, a, m, k, ic, pc, mc, kc, alpha, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const w = min(NR, nc - jr);
          const bPanel = bp + <usize>jr * kc * sz;
          for (let ir = 0; ir < mc; ir += MR) {
            const h = min(MR, mc - ir);
            const aPanel = ap + <usize>ir * kc * (broadcast ? 16 : sz);
            const cBlk = c + (<usize>(ic + ir) * n + jc + jr) * sz;
            if (h == MR && w == NR) {
              if (broadcast) broadcastTile<T>(kc, aPanel, bPanel, cBlk, ldc, betaBlk);
              else packedTile<T>(kc, aPanel, bPanel, cBlk, ldc, betaBlk);
            } else {
              // Edge: compute the full tile into scratch, then merge its h x w corner into C.
              if (broadcast) broadcastTile<T>(kc, aPanel, bPanel, tile, <usize>NR * sz, <T>0);
              else packedTile<T>(kc, aPanel, bPanel, tile, <usize>NR * sz, <T>0);
              for (let i = 0; i < h; i++) {
                for (let j = 0; j < w; j++) {
                  const pC = cBlk + <usize>i * ldc + <usize>j * sz;
                  const t = load<T>(tile + <usize>(i * NR + j) * sz);
                  store<T>(pC, betaBlk == 0 ? t : t + betaBlk * load<T>(pC));
                }
              }
            }
          }
        }
      }
    }
  }
}

/** C = alpha op(A) op(B) + beta C (row-major; op(A) m x k, op(B) k x n); scratch: gemm_scratch_f32 elements. */
export function gemm_f32(transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f32, a: usize, b: usize, beta: f32, c: usize, scratch: usize): void {
  gemmRows<f32>(transA, transB, m, n, k, alpha, a, b, beta, c, scratch, 0, m);
}
export function gemm_f64(transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f64, a: usize, b: usize, beta: f64, c: usize, scratch: usize): void {
  gemmRows<f64>(transA, transB, m, n, k, alpha, a, b, beta, c, scratch, 0, m);
}
/** Rows r0 <= i < r1 of gemm_f32's C (r0 a multiple of 4, r1 a multiple of 4 or m): a thread's share. */
export function gemm_rows_f32(transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f32, a: usize, b: usize, beta: f32, c: usize, scratch: usize, r0: i32, r1: i32): void {
  gemmRows<f32>(transA, transB, m, n, k, alpha, a, b, beta, c, scratch, r0, r1);
}
export function gemm_rows_f64(transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f64, a: usize, b: usize, beta: f64, c: usize, scratch: usize, r0: i32, r1: i32): void {
  gemmRows<f64>(transA, transB, m, n, k, alpha, a, b, beta, c, scratch, r0, r1);
}

/**
 * Products b0 <= b < b1 of a batch (gemm-batched.ts), rows r0 <= i < r1 of each: C_b = alpha
 * op(A_b) op(B_b) + beta C_b, X_b at x + b * xStride elements. In order of b, so a C stride of 0
 * (products summed into one C) accumulates in the same order as one call per b.
 */
function gemmBatchRows<T>(transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: T, a: usize, aStride: i32, b: usize, bStride: i32, beta: T, c: usize, cStride: i32, scratch: usize, b0: i32, b1: i32, r0: i32, r1: i32): void {
  const sz = <usize>sizeof<T>();
  for (let i = b0; i < b1; i++) {
    const at = <usize>i;
    gemmRows<T>(transA, transB, m, n, k, alpha, a + at * <usize>aStride * sz, b + at * <usize>bStride * sz, beta, c + at * <usize>cStride * sz, scratch, r0, r1);
  }
}
export function gemm_batch_rows_f32(transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f32, a: usize, aStride: i32, b: usize, bStride: i32, beta: f32, c: usize, cStride: i32, scratch: usize, b0: i32, b1: i32, r0: i32, r1: i32): void {
  gemmBatchRows<f32>(transA, transB, m, n, k, alpha, a, aStride, b, bStride, beta, c, cStride, scratch, b0, b1, r0, r1);
}
export function gemm_batch_rows_f64(transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f64, a: usize, aStride: i32, b: usize, bStride: i32, beta: f64, c: usize, cStride: i32, scratch: usize, b0: i32, b1: i32, r0: i32, r1: i32): void {
  gemmBatchRows<f64>(transA, transB, m, n, k, alpha, a, aStride, b, bStride, beta, c, cStride, scratch, b0, b1, r0, r1);
}
/** Elements of scratch space gemm_f32 / gemm_f64 need for an m x n x k product. */
export function gemm_scratch_f32(m: i32, n: i32, k: i32): i32 { return scratchElems<f32>(m, n, k); }
export function gemm_scratch_f64(m: i32, n: i32, k: i32): i32 { return scratchElems<f64>(m, n, k); }
