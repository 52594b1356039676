/**
 * Cholesky factorization A = L Lᵀ and triangular solves (f64, row-major, n x n).
 *
 * Row by row (Cholesky–Banachiewicz), so every inner product runs along two contiguous rows of L:
 *   l_ij = (a_ij - Σ_{k<j} l_ik l_jk) / l_jj        (j < i)
 *   l_ii = sqrt(a_ii - Σ_{k<i} l_ik²)               fails when the radicand is not > 0
 */
import { rowAxpy, rowDot } from './row-ops';

/**
 * Overwrites `a` with L: reads only the lower triangle (j <= i) of A, writes L there and zeros the
 * strict upper triangle. Returns -1 on success, or the index i of the first pivot whose radicand
 * a_ii - Σ l_ik² is not positive (or not finite); rows >= i are then left partly overwritten.
 */
export function cholesky_f64(n: i32, a: usize): i32 {
  const stride = <usize>n << 3;
  for (let i = 0; i < n; i++) {
    const ri = a + <usize>i * stride;
    for (let j = 0; j < i; j++) {
      const rj = a + <usize>j * stride;
      const o = <usize>j << 3;
      store<f64>(ri + o, (load<f64>(ri + o) - rowDot(j, ri, rj)) / load<f64>(rj + o));
    }
    const o = <usize>i << 3;
    const s = load<f64>(ri + o) - rowDot(i, ri, ri);
    if (!(s > 0) || !isFinite(s)) return i;
    store<f64>(ri + o, Math.sqrt(s));
    memory.fill(ri + o + 8, 0, <usize>(n - i - 1) << 3);
  }
  return -1;
}

/**
 * Solves op(T) x = b in place (x holds b on entry, x on return) for a triangular n x n matrix T,
 * op(T) = T or Tᵀ. `lower` picks which triangle of T is read (the other is ignored); `unit`
 * treats the diagonal as ones without reading it. Reads t, reads and writes x.
 *   T lower:   x_i = (b_i - Σ_{k<i} t_ik x_k) / t_ii,  i = 0..n-1        (a dot per row)
 *   Tᵀ lower:  x_i = b_i / t_ii, then b_k -= t_ik x_i for k < i,  i = n-1..0   (an axpy per row)
 *   T upper:   x_i = (b_i - Σ_{k>i} t_ik x_k) / t_ii,  i = n-1..0
 *   Tᵀ upper:  x_i = b_i / t_ii, then b_k -= t_ik x_i for k > i,  i = 0..n-1
 */
export function trsv_f64(n: i32, t: usize, x: usize, lower: i32, trans: i32, unit: i32): void {
  const stride = <usize>n << 3;
  if (lower && !trans) {
    for (let i = 0; i < n; i++) {
      const ri = t + <usize>i * stride;
      const o = <usize>i << 3;
      const v = load<f64>(x + o) - rowDot(i, ri, x);
      store<f64>(x + o, unit ? v : v / load<f64>(ri + o));
    }
  } else if (lower) {
    for (let i = n - 1; i >= 0; i--) {
      const ri = t + <usize>i * stride;
      const o = <usize>i << 3;
      const v = unit ? load<f64>(x + o) : load<f64>(x + o) / load<f64>(ri + o);
      store<f64>(x + o, v);
      rowAxpy(i, -v, ri, x);
    }
  } else if (!trans) {
    for (let i = n - 1; i >= 0; i--) {
      const ri = t + <usize>i * stride;
      const o = <usize>i << 3;
      const v = load<f64>(x + o) - rowDot(n - i - 1, ri + o + 8, x + o + 8);
      store<f64>(x + o, unit ? v : v / load<f64>(ri + o));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const ri = t + <usize>i * stride;
      const o = <usize>i << 3;
      const v = unit ? load<f64>(x + o) : load<f64>(x + o) / load<f64>(ri + o);
      store<f64>(x + o, v);
      rowAxpy(n - i - 1, -v, ri + o + 8, x + o + 8);
    }
  }
}

/**
 * Solves A x = b from the Cholesky factor: L y = b, then Lᵀ x = y, in place on x (b on entry).
 * Reads the lower triangle of l.
 */
export function cholesky_solve_f64(n: i32, l: usize, x: usize): void {
  trsv_f64(n, l, x, 1, 0, 0);
  trsv_f64(n, l, x, 1, 1, 0);
}
