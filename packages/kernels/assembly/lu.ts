/**
 * LU factorization with partial pivoting, P A = L U (f64, row-major, n x n), and its solve.
 *
 * Right-looking elimination, so the O(n³) work is a row-contiguous axpy:
 *   for k = 0..n-1:
 *     p = argmax_{i>=k} |a_ik|;  swap rows k and p;  pivots[k] = p
 *     for i > k:  l_ik = a_ik / a_kk;  a_i,k+1: -= l_ik a_k,k+1:
 * L is unit lower triangular (below the diagonal of the result), U is upper (on and above it).
 */
import { trsv_f64 } from './cholesky';
import { rowAxpy, rowSwap } from './row-ops';

/**
 * Overwrites `a` with L and U and writes the row interchanges to `piv` (n f64 values, LAPACK's
 * convention: row k was swapped with row piv[k] >= k, 0-based). Returns -1, or the index of the
 * first exactly zero pivot column (elimination skips that column and carries on, like LAPACK's
 * getrf: the factorization is still valid but U is singular).
 */
export function lu_f64(n: i32, a: usize, piv: usize): i32 {
  const stride = <usize>n << 3;
  let info = -1;
  for (let k = 0; k < n; k++) {
    const ok = <usize>k << 3;
    const rk = a + <usize>k * stride;
    let p = k;
    let best = Math.abs(load<f64>(rk + ok));
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(load<f64>(a + <usize>i * stride + ok));
      if (v > best) {
        best = v;
        p = i;
      }
    }
    store<f64>(piv + ok, <f64>p);
    if (best == 0) {
      if (info < 0) info = k;
      continue;
    }
    if (p != k) rowSwap(n, rk, a + <usize>p * stride);
    const inv = 1.0 / load<f64>(rk + ok);
    const len = n - k - 1;
    for (let i = k + 1; i < n; i++) {
      const ri = a + <usize>i * stride;
      const l = load<f64>(ri + ok) * inv;
      store<f64>(ri + ok, l);
      if (l != 0) rowAxpy(len, -l, rk + ok + 8, ri + ok + 8);
    }
  }
  return info;
}

/**
 * Solves A x = b from lu_f64's output, in place on x (b on entry): x = P b (the interchanges in
 * order), then L y = x (unit diagonal), then U x = y. Reads lu and piv.
 */
export function lu_solve_f64(n: i32, lu: usize, piv: usize, x: usize): void {
  for (let k = 0; k < n; k++) {
    const p = <i32>load<f64>(piv + (<usize>k << 3));
    if (p != k) {
      const xk = x + (<usize>k << 3);
      const xp = x + (<usize>p << 3);
      const t = load<f64>(xk);
      store<f64>(xk, load<f64>(xp));
      store<f64>(xp, t);
    }
  }
  trsv_f64(n, lu, x, 1, 0, 1);
  trsv_f64(n, lu, x, 0, 0, 0);
}
