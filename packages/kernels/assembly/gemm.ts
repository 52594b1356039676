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
 * Packing lays each MR-row panel of A out as kc columns of MR values, and each NR-column panel of
 * B as kc rows of NR values, zero-padded at the edges, so the micro-kernel reads both with unit
 * stride whatever the transposes were. The micro-kernel keeps the MR x NR block of C in
 * 2 * MR v128 registers (MR = 4 rows, NR = two vectors: 8 f32 or 4 f64 columns) and for each k
 * loads one row of the B panel and broadcasts each of the MR values of the A panel.
 * The scratch space for Ap, Bp and one edge tile is passed in (`gemm_scratch_*` says how much).
 *
 * Measured choices (V8, x64, no FMA in plain wasm SIMD): 4 x 8 beats 6 x 8 and 2 x 16 (V8 hoists
 * the broadcasts and spills past 15 live v128s); unrolling the k loop also makes V8 spill; reading
 * A or B in place instead of packing is slower except for the very smallest products; the k loop
 * counts on the B pointer alone, which saves V8 an increment and a compare per step.
 *
 * Products that fit in one block (k <= KC, n <= NC, n a multiple of NR: the MLP's shapes) take a
 * faster single-block path, `gemmOneBlock` below.
 */

const MR = 4;
const KC = 256;
const MC = 128; // a multiple of MR
const NC = 2048; // a multiple of NR

// @ts-ignore: decorator
@inline function nr<T>(): i32 {
  return 32 / sizeof<T>();
}

// @ts-ignore: decorator
@inline function roundUp(x: i32, q: i32): i32 {
  return ((x + q - 1) / q) * q;
}

/** Elements of scratch space gemm needs for these sizes: Ap, then Bp, then one MR x NR tile. */
function scratchElems<T>(m: i32, n: i32, k: i32): i32 {
  const mc = min(roundUp(m, MR), MC);
  const kc = min(k, KC);
  const nc = min(roundUp(n, nr<T>()), NC);
  // The single-block path needs Bp (kc x nc) and one pre-broadcast A panel (kc records of MR v128).
  return max(mc * kc + kc * nc + MR * nr<T>(), kc * nc + kc * MR * (16 / sizeof<T>()));
}

/**
 * Packs Bp = op(B)[pc:pc+kc, jc:jc+nc] as NR-column panels, each kc rows of NR values
 * (zero-padded past column nc). B is k x n (transB = 0) or n x k (transB = 1).
 */
function packB<T>(transB: i32, b: usize, n: i32, k: i32, pc: i32, jc: i32, kc: i32, nc: i32, bp: usize): void {
  const sz = sizeof<T>();
  const NR = nr<T>();
  for (let jr = 0; jr < nc; jr += NR) {
    const w = min(NR, nc - jr);
    let dst = bp + <usize>jr * kc * sz;
    if (!transB) {
      let src = b + (<usize>pc * n + jc + jr) * sz;
      const ld = <usize>n * sz;
      if (w == NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += ld;
          dst += <usize>NR * sz;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let j = 0; j < NR; j++) store<T>(dst + <usize>j * sz, j < w ? load<T>(src + <usize>j * sz) : <T>0);
          src += ld;
          dst += <usize>NR * sz;
        }
      }
    } else if (sizeof<T>() == 4 && w == NR) {
      packPanelBT(b + (<usize>(jc + jr) * k + pc) * 4, <usize>k * 4, kc, dst);
    } else {
      // op(B)[p, j] = B[j, p]: walk each column j of the panel along contiguous memory.
      for (let j = 0; j < NR; j++) {
        const col = dst + <usize>j * sz;
        if (j < w) {
          const src = b + (<usize>(jc + jr + j) * k + pc) * sz;
          for (let p = 0; p < kc; p++) store<T>(col + <usize>p * NR * sz, load<T>(src + <usize>p * sz));
        } else {
          for (let p = 0; p < kc; p++) store<T>(col + <usize>p * NR * sz, <T>0);
        }
      }
    }
  }
}

/**
 * One full f32 panel of Bᵀ: dst row p (8 values) = B[0:8, p] for p < kc, where B's eight rows
 * start at `src`, `ldb` bytes apart. Four k steps at a time: eight v128 loads (rows 0..7, columns
 * p..p+3) and two 4 x 4 register transposes give rows p..p+3 of the panel, instead of 32 scalar
 * loads and stores.
 */
function packPanelBT(src: usize, ldb: usize, kc: i32, dst: usize): void {
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const o = <usize>p * 4;
    const d = dst + <usize>p * 32;
    transpose4x4Strided(src + o, ldb, d);
    transpose4x4Strided(src + 4 * ldb + o, ldb, d + 16);
  }
  for (; p < kc; p++) {
    const d = dst + <usize>p * 32;
    for (let j = 0; j < 8; j++) store<f32>(d + <usize>j * 4, load<f32>(src + <usize>j * ldb + <usize>p * 4));
  }
}

/** The 4 x 4 f32 block at src (rows ldb bytes apart), transposed: its column c at dst + 32 c. */
// @ts-ignore: decorator
@inline function transpose4x4Strided(src: usize, ldb: usize, dst: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + ldb);
  const r2 = v128.load(src + 2 * ldb);
  const r3 = v128.load(src + 3 * ldb);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 32);
  v128.store(dst, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 64);
  v128.store(dst, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 96);
}

/**
 * Packs Ap = alpha op(A)[ic:ic+mc, pc:pc+kc] as MR-row panels, each kc columns of MR values
 * (zero-padded past row mc). A is m x k (transA = 0) or k x m (transA = 1).
 */
function packA<T>(transA: i32, a: usize, m: i32, k: i32, ic: i32, pc: i32, mc: i32, kc: i32, alpha: T, ap: usize): void {
  const sz = sizeof<T>();
  const va = v128.splat<T>(alpha);
  for (let ir = 0; ir < mc; ir += MR) {
    const h = min(MR, mc - ir);
    let dst = ap + <usize>ir * kc * sz;
    if (transA) {
      // op(A)[i, p] = A[p, i]: the MR values of one column of the panel are contiguous in A.
      let src = a + (<usize>pc * m + ic + ir) * sz;
      const ld = <usize>m * sz;
      if (h == MR) {
        for (let p = 0; p < kc; p++) {
          v128.store(dst, v128.mul<T>(va, v128.load(src)));
          if (sizeof<T>() == 8) v128.store(dst, v128.mul<T>(va, v128.load(src, 16)), 16);
          src += ld;
          dst += <usize>MR * sz;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let r = 0; r < MR; r++) store<T>(dst + <usize>r * sz, r < h ? alpha * load<T>(src + <usize>r * sz) : <T>0);
          src += ld;
          dst += <usize>MR * sz;
        }
      }
    } else if (h == MR) {
      // op(A)[i, p] = A[i, p]: load a few columns of the four rows and transpose them in registers.
      const lda = <usize>k * sz;
      const src = a + (<usize>(ic + ir) * k + pc) * sz;
      const L = 16 / <i32>sz;
      let p = 0;
      for (; p + L <= kc; p += L) {
        const o = <usize>p * sz;
        transpose4<T>(src + o, lda, va, dst + <usize>p * MR * sz);
      }
      for (; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          store<T>(dst + (<usize>p * MR + r) * sz, alpha * load<T>(src + <usize>r * lda + <usize>p * sz));
        }
      }
    } else {
      // The last, partial panel: scatter each row with stride MR, zeros past row h.
      for (let r = 0; r < MR; r++) {
        const row = dst + <usize>r * sz;
        if (r < h) {
          const src = a + (<usize>(ic + ir + r) * k + pc) * sz;
          for (let p = 0; p < kc; p++) store<T>(row + <usize>p * MR * sz, alpha * load<T>(src + <usize>p * sz));
        } else {
          for (let p = 0; p < kc; p++) store<T>(row + <usize>p * MR * sz, <T>0);
        }
      }
    }
  }
}

/**
 * Stores va * (the 4 x L block at src, rows lda bytes apart) transposed: L columns of 4 values at
 * dst (L = 4 f32 or 2 f64 per v128), i.e. dst[c * 4 + r] = alpha src[r, c].
 */
// @ts-ignore: decorator
@inline function transpose4<T>(src: usize, lda: usize, va: v128, dst: usize): void {
  const r0 = v128.mul<T>(va, v128.load(src));
  const r1 = v128.mul<T>(va, v128.load(src + lda));
  const r2 = v128.mul<T>(va, v128.load(src + 2 * lda));
  const r3 = v128.mul<T>(va, v128.load(src + 3 * lda));
  if (sizeof<T>() == 4) {
    const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5); // r0[0] r1[0] r0[1] r1[1]
    const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7); // r0[2] r1[2] r0[3] r1[3]
    const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
    const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
    v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
    v128.store(dst, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 16);
    v128.store(dst, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 32);
    v128.store(dst, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 48);
  } else {
    v128.store(dst, v128.shuffle<f64>(r0, r1, 0, 2));
    v128.store(dst, v128.shuffle<f64>(r2, r3, 0, 2), 16);
    v128.store(dst, v128.shuffle<f64>(r0, r1, 1, 3), 32);
    v128.store(dst, v128.shuffle<f64>(r2, r3, 1, 3), 48);
  }
}

/** *p = acc + beta * *p for one v128, except that beta = 0 stores acc without reading *p. */
// @ts-ignore: decorator
@inline function update<T>(p: usize, acc: v128, beta: T): void {
  if (beta == 0) v128.store(p, acc);
  else if (beta == 1) v128.store(p, v128.add<T>(v128.load(p), acc));
  else v128.store(p, v128.add<T>(v128.mul<T>(v128.load(p), v128.splat<T>(beta)), acc));
}

/**
 * The micro-kernel: C[0:MR, 0:NR] = beta C + sum_p Ap[p, 0:MR]^T Bp[p, 0:NR], with C's rows ldc
 * bytes apart. Ap holds kc columns of MR values, Bp kc rows of NR values (two v128 each).
 */
function microKernel<T>(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, beta: T): void {
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
@inline function oneBlockTile<T>(PLAIN: bool, PA: bool, PB: bool, kc: i32, a: usize, aStepR: usize, aStepK: usize, ap: usize, b: usize, ldb: usize, bp: usize, c: usize, ldc: usize, alpha: T, beta: T): void {
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

/**
 * The single-block path: C[0:m, :] = alpha op(A) op(B) + beta C for op(A) m x k, op(B) k x n,
 * m a multiple of MR, n of NR, k <= KC, n <= NC (with Aᵀ, A is k x m). Scratch: Bp (n / NR
 * panels of k rows of NR values), then one pre-broadcast A panel, reused by every row of tiles.
 * Untransposed B is packed by the first row of tiles as it goes; Bᵀ (a gather across B's rows) by
 * packB first.
 *
 * Why pre-broadcast A: V8 compiles a load_splat at a constant offset as a lea plus the load (the
 * offset is not folded into the address), so the packed kernel's four broadcasts cost seven
 * instructions per k step; plain v128 loads fold their offsets. Storing A[r, p] in all four lanes
 * quadruples the A panel (still L1-sized) and makes the k loop of the micro-kernel about 20%
 * faster (47 vs 40 GFLOP/s in place, on Zen 4). Packing fused into the first tiles saves the
 * packing passes (about 1 us of the 14 us of a 32x64 * 64x128 product).
 */
// @ts-ignore: decorator
@inline function gemmOneBlock<T>(PLAIN: bool, transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: T, a: usize, b: usize, beta: T, c: usize, scratch: usize): void {
  const sz = sizeof<T>();
  const NR = nr<T>();
  const aStepR: usize = transA ? sz : <usize>k * sz;
  const aStepK: usize = transA ? <usize>m * sz : sz;
  const ld = <usize>n * sz; // B's (untransposed) and C's rows
  const bp = scratch;
  const ap = bp + <usize>k * n * sz;
  const panel = <usize>k * 32; // bytes per packed B panel
  if (transB) packB<T>(1, b, n, k, 0, 0, k, n, bp);
  for (let ir = 0; ir < m; ir += MR) {
    const aRow = a + <usize>ir * aStepR;
    const cRow = c + <usize>ir * ld;
    if (ir == 0 && !transB) {
      // The first row of tiles packs every B panel; its first tile also packs A.
      oneBlockTile<T>(PLAIN, true, true, k, aRow, aStepR, aStepK, ap, b, ld, bp, cRow, ld, alpha, beta);
      for (let jr = NR; jr < n; jr += NR) {
        const j = <usize>jr * sz;
        const bPanel = bp + <usize>(jr / NR) * panel;
        oneBlockTile<T>(PLAIN, false, true, k, aRow, aStepR, aStepK, ap, b + j, ld, bPanel, cRow + j, ld, alpha, beta);
      }
    } else {
      oneBlockTile<T>(PLAIN, true, false, k, aRow, aStepR, aStepK, ap, b, ld, bp, cRow, ld, alpha, beta);
      for (let jr = NR; jr < n; jr += NR) {
        const j = <usize>jr * sz;
        const bPanel = bp + <usize>(jr / NR) * panel;
        oneBlockTile<T>(PLAIN, false, false, k, aRow, aStepR, aStepK, ap, b, ld, bPanel, cRow + j, ld, alpha, beta);
      }
    }
  }
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

function gemm<T>(transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: T, a: usize, b: usize, beta: T, c: usize, scratch: usize): void {
  if (m == 0 || n == 0) return;
  if (k == 0 || alpha == 0) {
    scaleC<T>(m, n, beta, c);
    return;
  }
  const sz = sizeof<T>();
  const NR = nr<T>();
  if (k <= KC && n <= NC && n % NR == 0 && m >= MR && (!transA || m % MR == 0)) {
    // Whole MR-row tiles on the single-block path; the last m % MR rows of an untransposed A, if
    // any, below (Aᵀ's rows are its columns, which the general path cannot be pointed at).
    const m4 = m - m % MR;
    if (alpha == 1 && beta == 0) gemmOneBlock<T>(true, transA, transB, m4, n, k, alpha, a, b, beta, c, scratch);
    else gemmOneBlock<T>(false, transA, transB, m4, n, k, alpha, a, b, beta, c, scratch);
    if (m4 == m) return;
    a += <usize>m4 * k * sz;
    c += <usize>m4 * n * sz;
    m -= m4;
  }
  const ldc = <usize>n * sz;
  const ap = scratch;
  const bp = ap + <usize>min(roundUp(m, MR), MC) * min(k, KC) * sz;
  const tile = bp + <usize>min(k, KC) * min(roundUp(n, NR), NC) * sz;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const betaBlk: T = pc == 0 ? beta : <T>1;
      packB<T>(transB, b, n, k, pc, jc, kc, nc, bp);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA<T>(transA, a, m, k, ic, pc, mc, kc, alpha, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const w = min(NR, nc - jr);
          const bPanel = bp + <usize>jr * kc * sz;
          for (let ir = 0; ir < mc; ir += MR) {
            const h = min(MR, mc - ir);
            const aPanel = ap + <usize>ir * kc * sz;
            const cBlk = c + (<usize>(ic + ir) * n + jc + jr) * sz;
            if (h == MR && w == NR) {
              microKernel<T>(kc, aPanel, bPanel, cBlk, ldc, betaBlk);
            } else {
              // Edge: compute the full tile into scratch, then merge its h x w corner into C.
              microKernel<T>(kc, aPanel, bPanel, tile, <usize>NR * sz, <T>0);
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
  gemm<f32>(transA, transB, m, n, k, alpha, a, b, beta, c, scratch);
}
export function gemm_f64(transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f64, a: usize, b: usize, beta: f64, c: usize, scratch: usize): void {
  gemm<f64>(transA, transB, m, n, k, alpha, a, b, beta, c, scratch);
}
/** Elements of scratch space gemm_f32 / gemm_f64 need for an m x n x k product. */
export function gemm_scratch_f32(m: i32, n: i32, k: i32): i32 { return scratchElems<f32>(m, n, k); }
export function gemm_scratch_f64(m: i32, n: i32, k: i32): i32 { return scratchElems<f64>(m, n, k); }
