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
 *    ‖T‖), then V = Q Z with the reflectors applied in blocks of NB on gemm (eigh-backq.ts); with
 *    D&C, H_2 .. H_n1-1 go to the top half's n1 x n1 vectors before the last merge (n³/4 of the
 *    2n³ flops saved: eigh-stages.ts, vectorsAll).
 * Eigenvalues come out ascending; column j of Z is the unit eigenvector of w_j (numpy's convention).
 * When max |a_ij| is outside [2^-500, 2^500], A is first scaled by a power of two (exact) so that
 * it is near 1, and the eigenvalues scaled back: no sum of squares can overflow or underflow.
 *
 * Threads: eigh_f64 runs it all on one thread. The eigh_step_* exports below are the same stages
 * one at a time (eigh-stages.ts), and the *_rows exports the large products between them over a
 * range of their rows: src/threads/eigh-threads.ts calls the steps in eigh_f64's order and runs
 * the products' rows on the worker pool (the blocked reduction's trailing updates, the large D&C
 * merges' Q U, the back-transformation's three products per block). A row of a product is
 * computed the same way whichever thread runs it, so the result is bit-identical to eigh_f64's.
 */
import { dcRows, dcSolve, dcSplit, mergeBegin, mergeEnd } from './eigh-dc';
import { NB, qBlock, qP, qP2, qRows, qScratch, qT } from './eigh-backq';
import {
  A,
  begin,
  DCW,
  finish,
  FIRST,
  HS,
  N,
  TRI,
  tridiagonalizeAll,
  tridiagonalPanel,
  tridiagonalSolveBegin,
  valuesByQL,
  vectorsAll,
  workElems,
  Z,
  z1Begin,
  z1End,
  z1Work,
  ZT,
} from './eigh-stages';
import { updateRowsIn, updateScratch } from './eigh-tridiag';
import { gemm_scratch_f64 } from './gemm';

/** f64 elements of `work` that eigh_f64 needs for order n, with or without vectors. */
export function eigh_scratch_f64(n: i32, vectors: i32): i32 {
  return workElems(n, vectors);
}

/**
 * Eigenvalues (ascending) of the symmetric n x n matrix whose LOWER triangle (j <= i) `a` holds;
 * the strict upper triangle is never read. With `vectors` != 0, overwrites `a` with the
 * eigenvectors (row-major, column j belongs to w[j]); otherwise `a` is left as scratch.
 * `w` receives the n eigenvalues. `work` is scratch of eigh_scratch_f64(n, vectors) f64.
 * Returns 0, or l + 1 when the QL iteration for eigenvalue l did not converge.
 */
export function eigh_f64(n: i32, a: usize, w: usize, work: usize, vectors: i32): i32 {
  if (n == 0 || begin(n, a, w, work, vectors) != 0) return 0;
  tridiagonalizeAll();
  if (!vectors) return valuesByQL();
  if (vectorsAll() != 0) return 1;
  finish();
  return 0;
}

// The steps, in eigh_f64's order (src/threads/eigh-threads.ts). `desc` (16 f64) receives the
// pointers a step's products need; each *_rows export reads only its arguments, so any thread's
// instance can run a share of its rows with its own `scratch` (eigh_step_scratch_f64(n) f64).

/** f64 of scratch one thread's share of any *_rows product needs, for order n. */
export function eigh_step_scratch_f64(n: i32): i32 {
  return max(updateScratch(n), gemm_scratch_f64(n, n + 3, n));
}

/** Starts (n > 0): returns 1 when A = 0 (done), else 0; desc[0] = the blocked reduction's work. */
export function eigh_step_begin_f64(n: i32, a: usize, w: usize, work: usize, vectors: i32, desc: usize): i32 {
  if (begin(n, a, w, work, vectors) != 0) return 1;
  store<f64>(desc, <f64>TRI);
  return 0;
}

/** One panel of the reduction: m' > 0 (then eigh_tri_rows_f64 over rows 0 .. m'), or 0 when it is done. */
export function eigh_step_panel_f64(): i32 {
  return tridiagonalPanel();
}

/** Rows r0 .. r1 (multiples of 64, or m') of a panel's trailing update; `scratch`: tmp, then gemm's. */
export function eigh_tri_rows_f64(n: i32, a: usize, tri: usize, mp: i32, scratch: usize, r0: i32, r1: i32): void {
  updateRowsIn(n, a, tri, mp, scratch, r0, r1);
}

/** Eigenvalues only: the end (QL). Returns 0 or l + 1. */
export function eigh_step_values_f64(): i32 {
  return valuesByQL();
}

/** With vectors: -1 (failed), 0 (Z done: back-transform from row 2), or n1, the top D&C split. */
export function eigh_step_solve_f64(): i32 {
  return tridiagonalSolveBegin();
}

export function eigh_step_split_f64(s: i32, n1: i32): f64 {
  return dcSplit(s, n1);
}

/** The D&C block [s, s + m) on this thread (its merges' products too): 0, or 1 on failure. */
export function eigh_step_dc_f64(s: i32, m: i32): i32 {
  return dcSolve(s, m);
}

/** A merge up to its products; returns k (products only when k > 0, their arguments in desc[0..11]). */
export function eigh_step_merge_f64(s: i32, m: i32, n1: i32, beta: f64, desc: usize): i32 {
  return mergeBegin(s, m, n1, beta, desc);
}

export function eigh_dc_rows_f64(rows: i32, k: i32, cols: i32, q: usize, u: usize, out: usize, scratch: usize, r0: i32, r1: i32): void {
  dcRows(rows, k, cols, q, u, out, scratch, r0, r1);
}

export function eigh_step_merge_end_f64(s: i32, m: i32): void {
  mergeEnd(s, m);
}

export function eigh_step_z1_f64(n1: i32): void {
  z1Begin(n1);
}

export function eigh_step_z1_end_f64(n1: i32): void {
  z1End(n1);
}

/**
 * The back-transformation's range: which 0 (Z1, before the last merge: rows 2 .. n1) or 1 (Z:
 * FIRST .. n). Writes lo, hi, the block size, z, cols to desc[0..4].
 */
export function eigh_step_q_f64(which: i32, n1: i32, desc: usize): void {
  const z1 = which == 0;
  store<f64>(desc, z1 ? 2 : FIRST);
  store<f64>(desc + 8, z1 ? n1 : N);
  store<f64>(desc + 16, min(NB, N));
  store<f64>(desc + 24, <f64>(z1 ? DCW : ZT));
  store<f64>(desc + 32, z1 ? n1 : N);
}

/**
 * Y and T of the block from reflector i0 (of the range eigh_step_q_f64 gave, on z with `cols`
 * columns): returns kb; desc[0..4] = ybuf, p, p2, t (the products' arguments).
 */
export function eigh_step_q_block_f64(which: i32, n1: i32, i0: i32, hi: i32, cols: i32, desc: usize): i32 {
  const work = which == 0 ? z1Work(n1) : DCW;
  const p2 = qP2(N, cols, work);
  const t = qT(N, cols, work);
  store<f64>(desc, <f64>Z);
  store<f64>(desc + 8, <f64>qP(work));
  store<f64>(desc + 16, <f64>p2);
  store<f64>(desc + 24, <f64>t);
  return qBlock(N, A, HS, i0, hi, Z, p2, t, qScratch(N, cols, work));
}

export function eigh_q_rows_f64(stage: i32, kb: i32, r: i32, cols: i32, ybuf: usize, z: usize, p: usize, p2: usize, t: usize, scratch: usize, r0: i32, r1: i32): void {
  qRows(stage, kb, r, cols, ybuf, z, p, p2, t, scratch, r0, r1);
}

/** The end: V into `a`, the eigenvalues' scaling undone. */
export function eigh_step_finish_f64(): void {
  finish();
}
