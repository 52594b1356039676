/**
 * The merge of divide and conquer (eigh-dc.ts): deflation (dlaed2), the secular equation's roots and
 * vectors for the kept poles (eigh-secular.ts), the products W = Q[:, kept] U on gemm (dcRows, by
 * rows so that threads can share them) and the merged block's columns and values in ascending order.
 */
import { gemm_rows_f64 } from './gemm';
import { secularRoots, secularVectors } from './eigh-secular';
import { hypot } from './tql2';
import { D0, DEFL, DL, GEMM, GU, KEEP, LD, ORDER, PERM, QC, SH, SRC, TYPE, U, UG, VALS, W, Z0, ZL, ZV, ld, li, si, st } from './eigh-dc-scratch';

const EPS: f64 = 2.220446049250313e-16;
let NSPLIT: i32 = 0; // n1 of the merge in progress

/** Merges the solved halves [s, s+n1) and [s+n1, s+m) of Z and d across the coupling β. */
export function dcMerge(s: i32, m: i32, n1: i32, beta: f64): void {
  mergeBegin(s, m, n1, beta, 0);
  if (KEPT > 0) {
    dcRows(PT_ROWS, PT_K4, PT_COLS, PT_Q, PT_U, PT_OUT, GEMM, 0, PT_ROWS);
    dcRows(PB_ROWS, PT_K4, PB_COLS, PB_Q, PB_U, PB_OUT, GEMM, 0, PB_ROWS);
  }
  mergeEnd(s, m);
}

// The merge in progress, from mergeBegin to mergeEnd: kept and deflated counts, and the two
// products W = Q[:, kept] U (top and bottom rows) as dcRows' arguments.
let KEPT: i32 = 0;
let NDEFL: i32 = 0;
let PT_ROWS: i32 = 0;
let PT_K4: i32 = 0;
let PT_COLS: i32 = 0;
let PT_Q: usize = 0;
let PT_U: usize = 0;
let PT_OUT: usize = 0;
let PB_ROWS: i32 = 0;
let PB_COLS: i32 = 0;
let PB_Q: usize = 0;
let PB_U: usize = 0;
let PB_OUT: usize = 0;

/**
 * The merge up to its products: deflation, the secular roots and vectors, Q's kept columns and U's
 * rows gathered. Returns k, the kept poles (no products when 0). With `desc` != 0, writes the two
 * products' dcRows arguments there (f64): rows, k4, cols, q, u, out for the top, then the bottom.
 */
export function mergeBegin(s: i32, m: i32, n1: i32, beta: f64, desc: usize): i32 {
  const blk = Z0 + <usize>s * LD + (<usize>s << 3);
  const dd = D0 + (<usize>s << 3);
  const z = ZV;
  const sgn: f64 = beta < 0 ? -1 : 1;
  const invSqrt2 = Math.SQRT1_2;
  for (let i = 0; i < n1; i++) st(z, i, load<f64>(blk + <usize>(n1 - 1) * LD + (<usize>i << 3)) * invSqrt2);
  for (let i = n1; i < m; i++) st(z, i, sgn * load<f64>(blk + <usize>n1 * LD + (<usize>i << 3)) * invSqrt2);
  const rho = 2 * Math.abs(beta);
  for (let i = 0; i < m; i++) si(TYPE, i, i < n1 ? 1 : 3);

  // Merge the two ascending halves into PERM.
  let a = 0;
  let b = n1;
  for (let t = 0; t < m; t++) {
    if (b >= m || (a < n1 && ld(dd, a) <= ld(dd, b))) si(PERM, t, a++);
    else si(PERM, t, b++);
  }
  let dmax: f64 = 0;
  let zmax: f64 = 0;
  for (let i = 0; i < m; i++) {
    dmax = Math.max(dmax, Math.abs(ld(dd, i)));
    zmax = Math.max(zmax, Math.abs(ld(z, i)));
  }
  const tol = 8 * EPS * Math.max(dmax, zmax);

  // Deflation, in ascending order of the poles.
  let k = 0;
  let nd = 0;
  let pj = -1;
  for (let t = 0; t < m; t++) {
    const j = li(PERM, t);
    if (rho * Math.abs(ld(z, j)) <= tol) {
      si(DEFL, nd++, j);
      continue;
    }
    if (pj < 0) {
      pj = j;
      continue;
    }
    let sn = ld(z, pj);
    let c = ld(z, j);
    const tau = hypot(c, sn);
    const gap = ld(dd, j) - ld(dd, pj);
    c /= tau;
    sn = -sn / tau;
    if (Math.abs(gap * c * sn) <= tol) {
      st(z, j, tau);
      st(z, pj, 0);
      const cp = blk + (<usize>pj << 3);
      const cj = blk + (<usize>j << 3);
      for (let r = 0; r < m; r++) {
        const o = <usize>r * LD;
        const x = load<f64>(cp + o);
        const y = load<f64>(cj + o);
        store<f64>(cp + o, c * x + sn * y);
        store<f64>(cj + o, c * y - sn * x);
      }
      if (li(TYPE, pj) != li(TYPE, j)) si(TYPE, j, 2);
      const dp = ld(dd, pj);
      const dj = ld(dd, j);
      st(dd, pj, dp * c * c + dj * sn * sn);
      st(dd, j, dp * sn * sn + dj * c * c);
      si(DEFL, nd++, pj);
      pj = j;
    } else {
      si(KEEP, k++, pj);
      pj = j;
    }
  }
  if (pj >= 0) si(KEEP, k++, pj);

  NSPLIT = n1;
  KEPT = k;
  NDEFL = nd;
  if (k > 0) secular(blk, dd, m, k, rho);
  if (desc != 0 && k > 0) {
    st(desc, 0, PT_ROWS);
    st(desc, 1, PT_K4);
    st(desc, 2, PT_COLS);
    st(desc, 3, <f64>PT_Q);
    st(desc, 4, <f64>PT_U);
    st(desc, 5, <f64>PT_OUT);
    st(desc, 6, PB_ROWS);
    st(desc, 7, PT_K4);
    st(desc, 8, PB_COLS);
    st(desc, 9, <f64>PB_Q);
    st(desc, 10, <f64>PB_U);
    st(desc, 11, <f64>PB_OUT);
  }
  return k;
}

/** The merge after its products: the merged block's columns and d in ascending order. */
export function mergeEnd(s: i32, m: i32): void {
  const blk = Z0 + <usize>s * LD + (<usize>s << 3);
  const dd = D0 + (<usize>s << 3);
  const k = KEPT;
  const nd = NDEFL;
  // Gather (value, source) pairs: kept roots are W's columns, deflated ones the block's.
  for (let c = 0; c < k; c++) {
    st(VALS, c, ld(GU, c)); // GU holds the roots after secular()
    si(SRC, c, c);
  }
  for (let t = 0; t < nd; t++) {
    st(VALS, k + t, ld(dd, li(DEFL, t)));
    si(SRC, k + t, -1 - li(DEFL, t));
  }
  // Insertion sort of positions by value (both runs are nearly ascending).
  for (let i = 0; i < m; i++) si(ORDER, i, i);
  for (let i = 1; i < m; i++) {
    const o = li(ORDER, i);
    const v = ld(VALS, o);
    let j = i - 1;
    while (j >= 0 && ld(VALS, li(ORDER, j)) > v) {
      si(ORDER, j + 1, li(ORDER, j));
      j--;
    }
    si(ORDER, j + 1, o);
  }
  // The merged block, row by row (contiguous writes): column j comes from W's column SRC or the
  // block's column -1 - SRC (read from a copy of the row, QC being free by now).
  const old = QC;
  const ldo = <usize>m << 3;
  const ldw = <usize>((k + 3) & ~3) << 3;
  for (let j = 0; j < m; j++) si(PERM, j, li(SRC, li(ORDER, j)));
  for (let r = 0; r < m; r++) {
    const wr = W + <usize>r * ldw;
    const br = blk + <usize>r * LD;
    memory.copy(old, br, ldo);
    for (let j = 0; j < m; j++) {
      const src = li(PERM, j);
      st(br, j, src >= 0 ? ld(wr, src) : ld(old, -1 - src));
    }
  }
  for (let j = 0; j < m; j++) st(SH, j, ld(VALS, li(ORDER, j)));
  for (let j = 0; j < m; j++) st(dd, j, ld(SH, j));
}

/**
 * Roots of the secular equation for the k kept poles (into GU), their eigenvectors from the
 * Gu-Eisenstat ẑ (eigh-secular.ts), and W = Q[:, kept] U (m x k).
 */
function secular(blk: usize, dd: usize, m: i32, k: i32, rho: f64): void {
  const dl = DL;
  const zl = ZL;
  for (let c = 0; c < k; c++) {
    const j = li(KEEP, c);
    st(dl, c, ld(dd, j));
    st(zl, c, ld(ZV, j));
  }
  const ldu = <usize>k << 3;
  // R (root by root) in W, free until the product below; U = the vectors, pole by pole.
  secularRoots(k, dl, zl, rho, GU, W, SH);
  secularVectors(k, dl, zl, W, VALS, U);
  // W = Q[:, kept] U, using Q = diag(Q1, Q2): the top n1 rows of W take only the columns with a
  // top part (types 1, 2), the bottom rows only those with a bottom part (types 2, 3).
  const n1 = NSPLIT;
  let nt = 0;
  let nb = 0;
  for (let c = 0; c < k; c++) {
    const t = li(TYPE, li(KEEP, c));
    if (t != 3) si(ORDER, nt++, c);
    if (t != 1) si(SRC, nb++, c);
  }
  // U's rows padded with zeros to k4 = k rounded up to 4, so that every product is one of gemm's
  // single blocks (their width a multiple of its 4 columns); W is m x k4.
  const k4 = (k + 3) & ~3;
  const ldw = <usize>k4 << 3;
  const ugTop = UG;
  const ugBot = UG + <usize>nt * ldw;
  const qTop = QC;
  const qBot = QC + <usize>n1 * nt * 8;
  for (let t = 0; t < nt; t++) padRow(ugTop + <usize>t * ldw, U + <usize>li(ORDER, t) * ldu, k, k4);
  for (let t = 0; t < nb; t++) padRow(ugBot + <usize>t * ldw, U + <usize>li(SRC, t) * ldu, k, k4);
  gatherPanels(blk, n1, nt, ORDER, qTop);
  gatherPanels(blk + <usize>n1 * LD, m - n1, nb, SRC, qBot);
  PT_ROWS = n1;
  PT_K4 = k4;
  PT_COLS = nt;
  PT_Q = qTop;
  PT_U = ugTop;
  PT_OUT = W;
  PB_ROWS = m - n1;
  PB_COLS = nb;
  PB_Q = qBot;
  PB_U = ugBot;
  PB_OUT = W + <usize>n1 * ldw;
}

/** dst = src (k f64) followed by k4 - k zeros. */
function padRow(dst: usize, src: usize, k: i32, k4: i32): void {
  memory.copy(dst, src, <usize>k << 3);
  for (let j = k; j < k4; j++) st(dst, j, 0);
}

/** Columns per panel of the merge's products: each panel product is one of gemm's single blocks. */
const KP = 256;

/**
 * The kept columns KEEP[sel[t]], t < cols, of the rows x m block at `src` (row stride LD), into
 * `dst` as panels of KP columns: panel p (columns p KP ..) is rows x w row-major at dst + rows p KP.
 */
function gatherPanels(src: usize, rows: i32, cols: i32, sel: usize, dst: usize): void {
  for (let c0 = 0; c0 < cols; c0 += KP) {
    const w = min(KP, cols - c0);
    const panel = dst + <usize>rows * c0 * 8;
    for (let r = 0; r < rows; r++) {
      const s = src + <usize>r * LD;
      const d = panel + <usize>r * w * 8;
      for (let t = 0; t < w; t++) st(d, t, load<f64>(s + (<usize>li(KEEP, li(sel, c0 + t)) << 3)));
    }
  }
}

/**
 * Rows r0 <= r < r1 (r0 a multiple of 4) of out (rows x k) = Q U, Q rows x cols in panels
 * (gatherPanels) and U cols x k: one gemm per panel. Only the arguments are read (no scratch
 * layout), so a worker's instance can run a share of the rows (src/threads/eigh-threads.ts).
 */
export function dcRows(rows: i32, k: i32, cols: i32, q: usize, u: usize, out: usize, scratch: usize, r0: i32, r1: i32): void {
  if (cols == 0) {
    memory.fill(out + <usize>r0 * k * 8, 0, <usize>(r1 - r0) * k * 8);
    return;
  }
  for (let c0 = 0; c0 < cols; c0 += KP) {
    const w = min(KP, cols - c0);
    gemm_rows_f64(0, 0, rows, k, w, 1, q + <usize>rows * c0 * 8, u + <usize>c0 * k * 8, c0 == 0 ? 0 : 1, out, scratch, r0, r1);
  }
}
