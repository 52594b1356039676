/**
 * Householder QR, blocked as LAPACK's dgeqrf / dorgqr (f64, row-major m x n, m >= n).
 *
 * Reflector of column k (dlarfg): x = A[k:m, k], α = x_0, β = -sign(α) ‖x‖,
 *   τ = (β - α)/β,  v = (1, x_1:/(α - β)),  H_k = I - τ v vᵀ,  H_k x = β e_1   (x_1: = 0: τ = 0).
 * Q = H_0 H_1 ... H_{n-1}, R upper triangular, A = Q R: numpy.linalg.qr's signs.
 *
 * Blocked (block size nb): for each panel of jb columns starting at j,
 *   1. factor the panel A[j:m, j:j+jb] unblocked (level 2), on a transposed copy Vᵀ (jb x (m-j))
 *      so each reflector is a contiguous row;
 *   2. T (jb x jb upper triangular, dlarft): H_j ... H_{j+jb-1} = I - V T Vᵀ,
 *      T_cc = τ_c,  T[0:c, c] = -τ_c T[0:c, 0:c] (Vᵀ[0:c] v_c);
 *   3. trailing update (dlarfb): A2 ← (I - V Tᵀ Vᵀ) A2 = A2 - Vᵀᵀ (Tᵀ (Vᵀ A2)), three gemm products
 *      on a contiguous copy of A2 = A[j:m, j+jb:n].
 * Forming Q (dorgqr), panels from the last back: Q[j:m, j:n] ← (I - V T Vᵀ) Q[j:m, j:n], where
 * Q[j:m, j:j+jb] starts as the identity's columns and Q[0:j, j:n] stays 0 (H_i, i < j, not applied
 * yet). So 4/3 n³ flops each for R and for Q, nearly all on gemm.
 *
 * ‖x‖ is a plain sqrt of the sum of squares (no dnrm2 scaling: entries beyond ~1e154 overflow).
 * Workspace (`qr_work_f64` elements): Vᵀ nb·m, T nb², a block C m·n, W and W2 nb·n each, then
 * gemm's scratch.
 */
import { gemm_f64, gemm_scratch_f64 } from './gemm';
import { rowAxpy, rowDot } from './row-ops';

/** Elements of workspace geqrf_f64 / orgqr_f64 need. */
export function qr_work_f64(m: i32, n: i32, nb: i32): i32 {
  const big = max(m, nb);
  return nb * m + nb * nb + m * n + 2 * nb * n + gemm_scratch_f64(big, max(n, nb), big) + 2;
}

/** Aligns a byte address up to 16 (gemm packs with v128 loads). */
function align16(p: usize): usize {
  return (p + 15) & ~(<usize>15);
}

// The workspace's parts (byte addresses), set by `layout` at the start of each call.
let VT: usize = 0;
let TT: usize = 0;
let CB: usize = 0;
let WB: usize = 0;
let W2: usize = 0;
let SCRATCH: usize = 0;

function layout(work: usize, m: i32, n: i32, nb: i32): void {
  VT = align16(work);
  TT = VT + <usize>(nb * m) * 8;
  CB = TT + <usize>(nb * nb) * 8;
  WB = CB + <usize>(m * n) * 8;
  W2 = WB + <usize>(nb * n) * 8;
  SCRATCH = align16(W2 + <usize>(nb * n) * 8);
}

/**
 * Factors the transposed panel vt (jb rows of length mv, row c = column c of the panel from the
 * panel's first row) in place: row c becomes (R[0:c+1, c] above, β, v_1: below) as in A, its τ
 * stored at tau[c].
 */
function factorPanel(jb: i32, mv: i32, vt: usize, tau: usize): void {
  for (let c = 0; c < jb; c++) {
    const row = vt + <usize>(c * mv) * 8;
    const pc = row + (<usize>c << 3);
    const tail = mv - c - 1;
    const alpha = load<f64>(pc);
    const xnorm = Math.sqrt(rowDot(tail, pc + 8, pc + 8));
    if (xnorm == 0) {
      store<f64>(tau + (<usize>c << 3), 0);
      continue;
    }
    const h = Math.hypot(alpha, xnorm);
    const beta = alpha >= 0 ? -h : h;
    const t = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = 0; i < tail; i++) {
      const p = pc + 8 + (<usize>i << 3);
      store<f64>(p, load<f64>(p) * scale);
    }
    store<f64>(pc, beta);
    store<f64>(tau + (<usize>c << 3), t);
    // the panel's later columns: y ← y - τ v (vᵀ y), v_0 = 1
    for (let c2 = c + 1; c2 < jb; c2++) {
      const y = vt + <usize>(c2 * mv) * 8 + (<usize>c << 3);
      const s = t * (load<f64>(y) + rowDot(tail, pc + 8, y + 8));
      store<f64>(y, load<f64>(y) - s);
      rowAxpy(tail, -s, pc + 8, y + 8);
    }
  }
}

/** Makes the rows of vt the full reflectors: zeros before position c, 1 at c. */
function unitReflectors(jb: i32, mv: i32, vt: usize): void {
  for (let c = 0; c < jb; c++) {
    const row = vt + <usize>(c * mv) * 8;
    memory.fill(row, 0, <usize>c << 3);
    store<f64>(row + (<usize>c << 3), 1);
  }
}

/** T (jb x jb, upper) with H_0 ... H_{jb-1} = I - V T Vᵀ (dlarft, forward, columnwise). */
function blockT(jb: i32, mv: i32, vt: usize, tau: usize, t: usize): void {
  memory.fill(t, 0, <usize>(jb * jb) * 8);
  for (let c = 0; c < jb; c++) {
    const tc = load<f64>(tau + (<usize>c << 3));
    const vc = vt + <usize>(c * mv) * 8 + (<usize>c << 3);
    // w_r = -τ_c Vᵀ[r] v_c (v_c is zero before c), into T[r, c]
    for (let r = 0; r < c; r++) {
      const vr = vt + <usize>(r * mv) * 8 + (<usize>c << 3);
      store<f64>(t + <usize>(r * jb + c) * 8, -tc * rowDot(mv - c, vr, vc));
    }
    // T[0:c, c] ← T[0:c, 0:c] w (upper triangular, rows ascending: row r reads w_q, q >= r)
    for (let r = 0; r < c; r++) {
      let s: f64 = 0;
      for (let q = r; q < c; q++) s += load<f64>(t + <usize>(r * jb + q) * 8) * load<f64>(t + <usize>(q * jb + c) * 8);
      store<f64>(t + <usize>(r * jb + c) * 8, s);
    }
    store<f64>(t + <usize>(c * jb + c) * 8, tc);
  }
}

/**
 * C (mv x nc, contiguous) ← (I - V op(T) Vᵀ) C: W = Vᵀ C, W2 = op(T) W, C -= V W2.
 * transT 1 applies the block's transpose (Qᵀ, for R), 0 the block itself (for Q).
 */
function applyBlock(jb: i32, mv: i32, nc: i32, transT: i32): void {
  gemm_f64(0, 0, jb, nc, mv, 1, VT, CB, 0, WB, SCRATCH);
  gemm_f64(transT, 0, jb, nc, jb, 1, TT, WB, 0, W2, SCRATCH);
  gemm_f64(1, 0, mv, nc, jb, -1, VT, W2, 1, CB, SCRATCH);
}

/** Copies A[r0:r0+rows, c0:c0+cols] (row stride lda) to/from the contiguous buffer buf. */
function copyBlock(toBuf: bool, a: usize, lda: i32, r0: i32, c0: i32, rows: i32, cols: i32, buf: usize): void {
  const bytes = <usize>cols << 3;
  for (let i = 0; i < rows; i++) {
    const pa = a + (<usize>(r0 + i) * lda + c0) * 8;
    const pb = buf + <usize>i * bytes;
    if (toBuf) memory.copy(pb, pa, bytes);
    else memory.copy(pa, pb, bytes);
  }
}

/** The panel A[j:m, j:j+jb] into vt transposed (toVt), or vt back into it. */
function copyPanel(toVt: bool, a: usize, n: i32, j: i32, jb: i32, mv: i32, vt: usize): void {
  for (let i = 0; i < mv; i++) {
    const pa = a + (<usize>(j + i) * n + j) * 8;
    for (let c = 0; c < jb; c++) {
      const pv = vt + <usize>(c * mv + i) * 8;
      if (toVt) store<f64>(pv, load<f64>(pa + (<usize>c << 3)));
      else store<f64>(pa + (<usize>c << 3), load<f64>(pv));
    }
  }
}

/**
 * A = QR in place (dgeqrf): R on and above the diagonal, v_k's entries below it (v_k's leading 1
 * implied), τ_k at tau[k] (n values). nb: block size (>= 1); nb >= n is the unblocked algorithm.
 */
export function geqrf_f64(m: i32, n: i32, a: usize, tau: usize, nb: i32, work: usize): void {
  layout(work, m, n, nb);
  for (let j = 0; j < n; j += nb) {
    const jb = min(nb, n - j);
    const mv = m - j;
    copyPanel(true, a, n, j, jb, mv, VT);
    factorPanel(jb, mv, VT, tau + (<usize>j << 3));
    copyPanel(false, a, n, j, jb, mv, VT);
    const n2 = n - j - jb;
    if (n2 == 0) continue;
    unitReflectors(jb, mv, VT);
    blockT(jb, mv, VT, tau + (<usize>j << 3), TT);
    copyBlock(true, a, n, j, j + jb, mv, n2, CB);
    applyBlock(jb, mv, n2, 1);
    copyBlock(false, a, n, j, j + jb, mv, n2, CB);
  }
}

/**
 * Overwrites a (geqrf_f64's output, m x n) with Q's n columns (dorgqr), same nb as the
 * factorization or any other.
 */
export function orgqr_f64(m: i32, n: i32, a: usize, tau: usize, nb: i32, work: usize): void {
  layout(work, m, n, nb);
  const last = ((n - 1) / nb) * nb;
  for (let j = last; j >= 0; j -= nb) {
    const jb = min(nb, n - j);
    const mv = m - j;
    const nc = n - j;
    copyPanel(true, a, n, j, jb, mv, VT);
    unitReflectors(jb, mv, VT);
    blockT(jb, mv, VT, tau + (<usize>j << 3), TT);
    // C = Q[j:m, j:n]: the identity's columns j..j+jb, the formed columns after them
    const rowBytes = <usize>nc << 3;
    for (let i = 0; i < mv; i++) {
      const pc = CB + <usize>i * rowBytes;
      memory.fill(pc, 0, <usize>jb << 3);
      if (i < jb) store<f64>(pc + (<usize>i << 3), 1);
      const pa = a + (<usize>(j + i) * n + j + jb) * 8;
      if (i < jb) memory.fill(pc + (<usize>jb << 3), 0, <usize>(nc - jb) << 3);
      else memory.copy(pc + (<usize>jb << 3), pa, <usize>(nc - jb) << 3);
    }
    applyBlock(jb, mv, nc, 0);
    copyBlock(false, a, n, j, j, mv, nc, CB);
    for (let i = 0; i < j; i++) memory.fill(a + (<usize>i * n + j) * 8, 0, <usize>jb << 3);
  }
}
