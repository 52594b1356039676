/**
 * Packing for gemm (gemm.ts): the blocking parameters, and the copies of op(A) and op(B) that the
 * micro-kernels (gemm-kernels.ts) read with unit stride whatever the transposes were.
 */

export const MR = 4;
export const KC = 256;
export const MC = 128; // a multiple of MR
export const NC = 2048; // a multiple of NR

// @ts-ignore: decorator
@inline export function nr<T>(): i32 {
  return 32 / sizeof<T>();
}

// @ts-ignore: decorator
@inline export function roundUp(x: i32, q: i32): i32 {
  return ((x + q - 1) / q) * q;
}

/**
 * Packs Bp = op(B)[pc:pc+kc, jc:jc+nc] as NR-column panels, each kc rows of NR values
 * (zero-padded past column nc). B is k x n (transB = 0) or n x k (transB = 1).
 */
export function packB<T>(transB: i32, b: usize, n: i32, k: i32, pc: i32, jc: i32, kc: i32, nc: i32, bp: usize): void {
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
  const one = f32x4.splat(1);
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const o = <usize>p * 4;
    const d = dst + <usize>p * 32;
    transpose4<f32>(src + o, ldb, one, d, 32);
    transpose4<f32>(src + 4 * ldb + o, ldb, one, d + 16, 32);
  }
  for (; p < kc; p++) {
    const d = dst + <usize>p * 32;
    for (let j = 0; j < 8; j++) store<f32>(d + <usize>j * 4, load<f32>(src + <usize>j * ldb + <usize>p * 4));
  }
}

/**
 * Packs Ap = alpha op(A)[ic:ic+mc, pc:pc+kc] as MR-row panels, each kc columns of MR values
 * (zero-padded past row mc). A is m x k (transA = 0) or k x m (transA = 1).
 */
export function packA<T>(transA: i32, a: usize, m: i32, k: i32, ic: i32, pc: i32, mc: i32, kc: i32, alpha: T, ap: usize): void {
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
        transpose4<T>(src + o, lda, va, dst + <usize>p * MR * sz, 16);
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
 * Stores va * (the 4 x L block at src, rows lda bytes apart) transposed (L = 4 f32 or 2 f64 per
 * v128): for f32, column c of the block (4 values) at dst + c * stride; for f64, the L columns of
 * 4 values contiguous at dst (stride 16 only).
 */
// @ts-ignore: decorator
@inline function transpose4<T>(src: usize, lda: usize, va: v128, dst: usize, stride: usize): void {
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
    v128.store(dst + stride, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
    v128.store(dst + 2 * stride, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
    v128.store(dst + 3 * stride, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
  } else {
    v128.store(dst, v128.shuffle<f64>(r0, r1, 0, 2));
    v128.store(dst, v128.shuffle<f64>(r2, r3, 0, 2), 16);
    v128.store(dst, v128.shuffle<f64>(r0, r1, 1, 3), 32);
    v128.store(dst, v128.shuffle<f64>(r2, r3, 1, 3), 48);
  }
}

/**
 * Packs Ap = alpha op(A)[ic:ic+mc, pc:pc+kc] pre-broadcast (for wide products, see gemm.ts):
 * each MR-row panel as kc records of MR v128, the r-th holding alpha op(A)[ir + r, p] in every
 * lane (zero records past row mc). A is m x k (transA = 0) or k x m (transA = 1).
 */
export function packABroadcast<T>(transA: i32, a: usize, m: i32, k: i32, ic: i32, pc: i32, mc: i32, kc: i32, alpha: T, ap: usize): void {
  const sz = sizeof<T>();
  const va = v128.splat<T>(alpha);
  // From op(A)[i, p] to op(A)[i + 1, p], and to op(A)[i, p + 1], in bytes.
  const stepR: usize = transA ? sz : <usize>k * sz;
  const stepK: usize = transA ? <usize>m * sz : sz;
  for (let ir = 0; ir < mc; ir += MR) {
    const h = min(MR, mc - ir);
    let dst = ap + <usize>ir * kc * 16;
    let src = a + <usize>(ic + ir) * stepR + <usize>pc * stepK;
    const end = dst + <usize>kc * 64;
    if (h == MR) {
      for (; dst < end; dst += 64) {
        v128.store(dst, v128.mul<T>(va, v128.load_splat<T>(src)));
        v128.store(dst, v128.mul<T>(va, v128.load_splat<T>(src + stepR)), 16);
        v128.store(dst, v128.mul<T>(va, v128.load_splat<T>(src + 2 * stepR)), 32);
        v128.store(dst, v128.mul<T>(va, v128.load_splat<T>(src + 3 * stepR)), 48);
        src += stepK;
      }
    } else {
      for (; dst < end; dst += 64) {
        for (let r = 0; r < MR; r++) {
          const v = r < h ? v128.mul<T>(va, v128.load_splat<T>(src + <usize>r * stepR)) : v128.splat<T>(0);
          v128.store(dst + <usize>r * 16, v);
        }
        src += stepK;
      }
    }
  }
}
