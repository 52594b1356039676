/**
 * Divide and conquer for the symmetric tridiagonal eigenproblem (Cuppen 1981; Gu and Eisenstat
 * 1995; LAPACK dstedc / dlaed0-dlaed4), all eigenvectors:
 *
 *   T = diag(T1, T2) + ρ u uᵀ,  u = e_{n1-1} + sign(β) e_{n1},  ρ = |β|  (β = T[n1-1, n1]),
 *   with |β| subtracted from T1's last and T2's first diagonal entry. Recursively
 *   T1 = Q1 Λ1 Q1ᵀ, T2 = Q2 Λ2 Q2ᵀ, so T = Q (D + ρ z zᵀ) Qᵀ with Q = diag(Q1, Q2), D = diag(Λ1, Λ2),
 *   z = Qᵀ u (the last row of Q1 and the first row of Q2, signed), normalized: z /= √2, ρ *= 2.
 *
 * Deflation (dlaed2), tol = 8 ε max(max |d|, max |z|): a z_j with ρ|z_j| <= tol leaves (d_j, q_j)
 * an eigenpair; two poles d_p < d_j with |(d_j - d_p) c s| <= tol (c, s the rotation that moves
 * z_p into z_j) are rotated so z_p = 0, which deflates p. The k remaining poles are strictly apart.
 *
 * The k x k problem D + ρ z zᵀ (the secular equation's roots and the Gu-Eisenstat vectors V) is
 * eigh-secular.ts's. The merged vectors are Q[:, kept] V, on gemm, with Q = diag(Q1, Q2) split by
 * rows (as dlaed3), and the deflated columns are carried over.
 * Leaves of order <= LEAF use the implicit QL iteration (tql2.ts) on the identity.
 * The scratch layout is eigh-dc-scratch.ts's and the merge eigh-dc-merge.ts's.
 */
import { D0, LD, OFF, ORDER, QC, SH, U, Z0, ld, li, setup, si, st } from './eigh-dc-scratch';
import { dcMerge } from './eigh-dc-merge';
import { tql2 } from './tql2';

export { dcScratch } from './eigh-dc-scratch';
export { dcMerge, dcRows, mergeBegin, mergeEnd } from './eigh-dc-merge';

const LEAF = 32;

/**
 * The steps of divide and conquer for the symmetric tridiagonal matrix with diagonal d and
 * off-diagonal off (off[i] couples i and i+1), eigenvalues ascending into d and eigenvectors into
 * z (n x n row-major, column j for d[j]), `work` holding dcScratch(n) f64:
 *   n1 = dcSetup(n, d, off, z, work);  (0: a single leaf, done; -1: it failed)
 *   β = dcSplit(0, n1);  dcSolve(0, n1);  dcSolve(n1, n - n1);  dcMerge(0, n, n1, β)
 * and dcMerge is mergeBegin, the products (dcRows), mergeEnd. Between the halves and the last
 * merge the caller may multiply the top-left block's first n1 - 1 rows by any matrix (eigh applies
 * its leading reflectors there): the merge reads only the block's last row and the bottom
 * block's first. The first n² f64 of `work` are free until that merge.
 */
/**
 * Sets up the scratch for order n and returns n1 = n / 2, the top split; or, when n <= LEAF,
 * solves T as one leaf and returns 0 (-1 if it did not converge).
 */
export function dcSetup(n: i32, d: usize, off: usize, z: usize, work: usize): i32 {
  setup(n, d, off, z, work);
  if (n <= LEAF) return leaf(0, n) != 0 ? -1 : 0;
  return n >> 1;
}

/** Tears T at n1 (s-relative): subtracts |β| from the two diagonal entries beside it, returns β. */
export function dcSplit(s: i32, n1: i32): f64 {
  const beta = ld(OFF, s + n1 - 1);
  const ab = Math.abs(beta);
  st(D0, s + n1 - 1, ld(D0, s + n1 - 1) - ab);
  st(D0, s + n1, ld(D0, s + n1) - ab);
  return beta;
}

/**
 * The same result by the implicit QL iteration alone (tql2 on the identity, O(n³) rotations):
 * slower, but it finds the tiny eigenvalues of a graded tridiagonal (large entries at the bottom)
 * to high relative accuracy, where divide and conquer's are accurate only relative to ‖T‖.
 */
export function ql_f64(n: i32, d: usize, off: usize, z: usize, work: usize): i32 {
  setup(n, d, off, z, work);
  return leaf(0, n);
}


/** Eigenpairs of T's block [s, s+m) into d and Z's diagonal block: 0, or 1 if a leaf failed. */
export function dcSolve(s: i32, m: i32): i32 {
  if (m <= LEAF) return leaf(s, m);
  const n1 = m >> 1;
  const beta = dcSplit(s, n1);
  let info = dcSolve(s, n1);
  if (info != 0) return info;
  info = dcSolve(s + n1, m - n1);
  if (info != 0) return info;
  dcMerge(s, m, n1, beta);
  return 0;
}

/** A leaf: QL on the identity (rows of QC = eigenvectors), sorted into the block of Z (any m <= n). */
function leaf(s: i32, m: i32): i32 {
  const d = D0 + (<usize>s << 3);
  const e = SH;
  st(e, 0, 0);
  for (let i = 1; i < m; i++) st(e, i, ld(OFF, s + i - 1));
  const zs = QC;
  memory.fill(zs, 0, <usize>m * m * 8);
  for (let i = 0; i < m; i++) st(zs, i * m + i, 1);
  if (tql2(m, d, e, U, zs) != 0) return 1;
  // Selection sort of the values, carrying row indices; row r of zs is column ORDER of the block.
  for (let i = 0; i < m; i++) si(ORDER, i, i);
  for (let i = 0; i < m - 1; i++) {
    let k = i;
    for (let j = i + 1; j < m; j++) if (ld(d, j) < ld(d, k)) k = j;
    if (k != i) {
      const t = ld(d, i);
      st(d, i, ld(d, k));
      st(d, k, t);
      const o = li(ORDER, i);
      si(ORDER, i, li(ORDER, k));
      si(ORDER, k, o);
    }
  }
  const blk = Z0 + <usize>s * LD + (<usize>s << 3);
  for (let j = 0; j < m; j++) {
    const row = zs + <usize>li(ORDER, j) * m * 8;
    for (let r = 0; r < m; r++) store<f64>(blk + <usize>r * LD + (<usize>j << 3), ld(row, r));
  }
  return 0;
}
