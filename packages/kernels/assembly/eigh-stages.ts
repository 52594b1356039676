/**
 * The stages of eigh_f64 (eigh.ts says what each computes), over one eigh's state held here: each
 * is a function that the one-thread eigh_f64 calls in order, and that src/threads/eigh-threads.ts
 * calls one by one through eigh.ts's step exports, running the products in between on the pool.
 * The state lives in this (the caller's) instance only; the products a worker runs read nothing
 * but their arguments.
 *
 * Layout of `work` (f64, eigh_scratch_f64(n, vectors) of them): e, p, hs (n each), cs (2n), then
 * with vectors: z (n², the back-transformation's Y blocks), off (n), zt (n², Z), the D&C scratch;
 * the blocked reduction's scratch (blockedScratch) lies in the D&C space, not yet in use then, or
 * past 5n without vectors.
 */
import { dcMerge, dcScratch, dcSetup, dcSolve, dcSplit, ql_f64 } from './eigh-dc';
import { applyQ } from './eigh-backq';
import { blockedScratch, panelDue, reduceBlocked, reducePanel, reflect } from './eigh-tridiag';
import { rowAxpy, rowDotAxpy, rowRank2 } from './row-ops';
import { tql2 } from './tql2';

/** A is rescaled when max |a_ij| is above 2^500 or below 2^-500. */
const SCALE_ABOVE: f64 = 3.273390607896142e150;
const SCALE_BELOW: f64 = 3.054936363499605e-151;
/** A tridiagonal whose row sums |e_i| + |d_i| + |e_i+1| spread wider than this is "graded". */
const GRADED: f64 = 1e8;

/** f64 elements of `work` that eigh_f64 needs for order n, with or without vectors. */
export function workElems(n: i32, vectors: i32): i32 {
  return vectors ? 6 * n + 2 * n * n + dcScratch(n) : 5 * n + blockedScratch(n);
}

// The eigh in progress: its arguments, the scaling exponent, whether A was reversed, the rows
// the blocked reduction has left (M), and where its back-transformation starts (FIRST).
export let N: i32 = 0;
export let A: usize = 0;
let W: usize = 0;
let K: i32 = 0;
let REV: bool = false;
let M: i32 = 0;
export let FIRST: i32 = 2;
let E: usize = 0;
let P: usize = 0;
export let HS: usize = 0;
let CS: usize = 0;
export let Z: usize = 0;
let OFF: usize = 0;
export let ZT: usize = 0;
export let DCW: usize = 0;
export let TRI: usize = 0;

/**
 * Starts an eigh of order n (> 0): sets the state and the work layout, scales A by 2^-k (exact)
 * when max |a_ij| is extreme, and reverses it (P A P) when its large diagonal entries are in the
 * top half. Returns 1 when A = 0 (w = 0 and, with vectors, a = I: nothing more to do), else 0.
 */
export function begin(n: i32, a: usize, w: usize, work: usize, vectors: i32): i32 {
  const stride = <usize>n << 3;
  N = n;
  A = a;
  W = w;
  M = n;
  FIRST = 2;
  E = work;
  P = E + stride;
  HS = P + stride;
  CS = HS + stride; // 2n: c_i at cs + 16 i, s_i at cs + 16 i + 8
  Z = CS + 2 * stride; // n*n: the Y blocks of applyQ
  OFF = Z + <usize>n * stride;
  ZT = OFF + stride;
  DCW = ZT + <usize>n * stride;
  TRI = vectors ? Z + <usize>(2 * n + 1) * stride : work + 5 * stride;

  let big: f64 = 0;
  for (let i = 0; i < n; i++) {
    const ri = a + <usize>i * stride;
    for (let j = 0; j <= i; j++) big = Math.max(big, Math.abs(load<f64>(ri + (<usize>j << 3))));
  }
  if (big == 0) {
    memory.fill(w, 0, stride);
    if (vectors) setIdentity(n, a);
    return 1;
  }
  const k = big > SCALE_ABOVE || big < SCALE_BELOW ? <i32>Math.floor(Math.log2(big)) : 0;
  K = k;
  const down1 = Math.pow(2, <f64>-(k >> 1));
  const down2 = Math.pow(2, <f64>-(k - (k >> 1)));
  for (let i = 0; k != 0 && i < n; i++) {
    const ri = a + <usize>i * stride;
    for (let j = 0; j <= i; j++) {
      const o = ri + (<usize>j << 3);
      store<f64>(o, load<f64>(o) * down1 * down2);
    }
  }
  // Reduce from the end where the large diagonal entries sit (the reduction works bottom-up):
  // if they are in the top half, reverse the order of rows and columns, B = P A P, and V = P V_B.
  let topMax: f64 = 0;
  let bottomMax: f64 = 0;
  for (let i = 0; i < n; i++) {
    const x = Math.abs(load<f64>(a + <usize>i * (stride + 8)));
    if (2 * i < n) topMax = Math.max(topMax, x);
    else bottomMax = Math.max(bottomMax, x);
  }
  REV = topMax > bottomMax;
  if (REV) reverseLower(n, a);
  return 0;
}

/** Stage 1, one thread: the whole tridiagonalization (tridiagonalize below). */
export function tridiagonalizeAll(): void {
  M = reduceBlocked(N, A, E, HS, TRI);
  tridiagonalizeRest();
}

/**
 * Stage 1 a panel at a time: while rows are left for a blocked panel, reduces one (eigh-tridiag.ts)
 * and returns m', the rows its trailing update (updateRows on TRI) must then cover; after the
 * last panel, reduces the leading block unblocked and returns 0.
 */
export function tridiagonalPanel(): i32 {
  if (panelDue(M)) {
    M = reducePanel(N, M, A, E, HS, TRI);
    return M;
  }
  tridiagonalizeRest();
  return 0;
}

/**
 * Stage 1's unblocked end: reduces the leading M x M block of the lower triangle (rows above the
 * blocked panels) and writes d. Each reflector leaves u_i in the row prefix a_i,0:i, e_i and h_i
 * (0 when no reflection was needed).
 */
function tridiagonalizeRest(): void {
  const n = N;
  const a = A;
  const e = E;
  const hs = HS;
  const p = P;
  const d = W;
  const stride = <usize>n << 3;
  const top = M;
  for (let i = top - 1; i >= 1; i--) {
    const u = a + <usize>i * stride;
    const oi = <usize>i << 3;
    // h = 0 exactly when nothing was reflected (x_0:i-1 = 0; otherwise h >= ‖x‖² > 0).
    const h = reflect(n, i, a, e, hs);
    if (h == 0) continue;
    // p = B u / h from the lower triangle of B = A_0:i,0:i, one pass per row.
    memory.fill(p, 0, oi);
    for (let j = 0; j < i; j++) {
      const rj = a + <usize>j * stride;
      const oj = <usize>j << 3;
      const uj = load<f64>(u + oj);
      const s = rowDotAxpy(j, rj, u, p, uj) + load<f64>(rj + oj) * uj;
      store<f64>(p + oj, load<f64>(p + oj) + s);
    }
    const invH = 1.0 / h;
    let up: f64 = 0;
    for (let j = 0; j < i; j++) {
      const oj = <usize>j << 3;
      const pj = load<f64>(p + oj) * invH;
      store<f64>(p + oj, pj);
      up += load<f64>(u + oj) * pj;
    }
    // q = p - K u (in p), then B <- B - u qᵀ - q uᵀ on the lower triangle.
    rowAxpy(i, -up * 0.5 * invH, u, p);
    for (let j = 0; j < i; j++) {
      const oj = <usize>j << 3;
      rowRank2(j + 1, a + <usize>j * stride, u, p, load<f64>(u + oj), load<f64>(p + oj));
    }
  }
  store<f64>(e, 0);
  for (let i = 0; i < n; i++) store<f64>(d + (<usize>i << 3), load<f64>(a + <usize>i * (stride + 8)));
}

/** Eigenvalues only, after stage 1: QL on (d, e), ascending order, the scaling undone. Returns 0 or l + 1 (no convergence). */
export function valuesByQL(): i32 {
  const n = N;
  const w = W;
  const info = tql2(n, w, E, CS, 0);
  if (info != 0) return info;
  // Ascending order (selection sort, O(n²) with the row swaps), then undo the scaling.
  for (let i = 0; i < n - 1; i++) {
    let m = i;
    let v = load<f64>(w + (<usize>i << 3));
    for (let j = i + 1; j < n; j++) {
      const dj = load<f64>(w + (<usize>j << 3));
      if (dj < v) {
        v = dj;
        m = j;
      }
    }
    if (m != i) {
      store<f64>(w + (<usize>m << 3), load<f64>(w + (<usize>i << 3)));
      store<f64>(w + (<usize>i << 3), v);
    }
  }
  scaleBack(n, w, K);
  return 0;
}

/**
 * With vectors, after stage 1: T's off-diagonal into OFF, then QL on the identity when T is graded
 * (row sums spread over GRADED: there QL keeps the tiny eigenvalues' relative accuracy), else the
 * start of divide and conquer (dcSetup). Returns -1 on failure, 0 when Z is complete (graded, or
 * n <= LEAF), else n1, the top split (eigh-dc.ts's steps then solve both halves and merge).
 */
export function tridiagonalSolveBegin(): i32 {
  const n = N;
  const w = W;
  const e = E;
  for (let i = 0; i + 1 < n; i++) store<f64>(OFF + (<usize>i << 3), load<f64>(e + (<usize>(i + 1) << 3)));
  let gmax: f64 = 0;
  let gmin: f64 = Infinity;
  for (let i = 0; i < n; i++) {
    const g =
      Math.abs(load<f64>(w + (<usize>i << 3))) + Math.abs(load<f64>(e + (<usize>i << 3))) + (i + 1 < n ? Math.abs(load<f64>(e + (<usize>(i + 1) << 3))) : 0);
    gmax = Math.max(gmax, g);
    gmin = Math.min(gmin, g);
  }
  if (gmax > GRADED * gmin) return ql_f64(n, w, OFF, ZT, DCW) != 0 ? -1 : 0;
  return dcSetup(n, w, OFF, ZT, DCW);
}

/**
 * Stage 2 with vectors, one thread: Z by QL or D&C, then V = Q Z, eigenvalues already ascending.
 * With D&C, the reflectors H_2 .. H_n1-1 act on rows 0 .. n1 - 2 only, where the last merge's
 * Z = diag(Z1, Z2) S has Z1 (n1 x n1): they are applied to Z1 before the merge,
 * Q Z = (H_n-1 .. H_n1) diag(H_n1-1 .. H_2 Z1, Z2) S, which costs them half the flops (about n³/4
 * of the 2n³ of the back-transformation). Returns 0, or 1 when QL or a D&C leaf did not converge.
 */
export function vectorsAll(): i32 {
  const n = N;
  const n1 = tridiagonalSolveBegin();
  if (n1 < 0) return 1;
  if (n1 > 0) {
    const beta = dcSplit(0, n1);
    if (dcSolve(0, n1) != 0 || dcSolve(n1, n - n1) != 0) return 1;
    z1Begin(n1);
    applyQ(n, A, HS, 2, n1, DCW, n1, Z, z1Work(n1));
    z1End(n1);
    dcMerge(0, n, n1, beta);
  }
  applyQ(n, A, HS, FIRST, n, ZT, n, Z, DCW);
  return 0;
}

/** Z1, the top-left n1 x n1 block of Z, copied (contiguous) to the start of the D&C scratch. */
export function z1Begin(n1: i32): void {
  const ld1 = <usize>n1 << 3;
  const stride = <usize>N << 3;
  for (let i = 0; i < n1; i++) memory.copy(DCW + <usize>i * ld1, ZT + <usize>i * stride, ld1);
}

/** The back-transformation's scratch for Z1 (after it). */
export function z1Work(n1: i32): usize {
  return DCW + <usize>n1 * (<usize>n1 << 3);
}

/** Z1's first n1 - 1 rows (the ones H_2 .. H_n1-1 changed) copied back into Z; the next merge is the last. */
export function z1End(n1: i32): void {
  const ld1 = <usize>n1 << 3;
  const stride = <usize>N << 3;
  for (let i = 0; i + 1 < n1; i++) memory.copy(ZT + <usize>i * stride, DCW + <usize>i * ld1, ld1);
  FIRST = n1;
}

/** The end: V (in ZT) into `a`, un-reversed, and the eigenvalues' scaling undone. */
export function finish(): void {
  const n = N;
  const stride = <usize>n << 3;
  if (REV) {
    for (let i = 0; i < n; i++) memory.copy(A + <usize>i * stride, ZT + <usize>(n - 1 - i) * stride, stride);
  } else {
    memory.copy(A, ZT, <usize>n * stride);
  }
  scaleBack(n, W, K);
}

/** w <- w 2^k, in two exact halves. */
function scaleBack(n: i32, w: usize, k: i32): void {
  const up1 = Math.pow(2, <f64>(k >> 1));
  const up2 = Math.pow(2, <f64>(k - (k >> 1)));
  for (let i = 0; i < n; i++) {
    const o = w + (<usize>i << 3);
    store<f64>(o, load<f64>(o) * up1 * up2);
  }
}

/** The lower triangle of P A P, P the reversal: b_ij = a_(n-1-j),(n-1-i), swapped in place. */
function reverseLower(n: i32, a: usize): void {
  const stride = <usize>n << 3;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const i2 = n - 1 - j;
      const j2 = n - 1 - i;
      if (i2 < i || (i2 == i && j2 <= j)) continue; // each pair once; i + j = n - 1 stays
      const x = a + <usize>i * stride + (<usize>j << 3);
      const y = a + <usize>i2 * stride + (<usize>j2 << 3);
      const t = load<f64>(x);
      store<f64>(x, load<f64>(y));
      store<f64>(y, t);
    }
  }
}

function setIdentity(n: i32, a: usize): void {
  memory.fill(a, 0, <usize>n * <usize>n << 3);
  for (let i = 0; i < n; i++) store<f64>(a + <usize>i * ((<usize>n + 1) << 3), 1);
}
