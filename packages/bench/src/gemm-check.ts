/**
 * A sampled check of a square product C = A B (n x n, row-major) against a naive f64 one, shared by
 * the threaded-gemm benches (tfjs-threads-child.ts in Node, browser-threads-page.ts in the page, so
 * it imports nothing). Entries (i, j) = ((97 s) mod n, (193 s + 7) mod n) for s = 0..63.
 */

/** Largest |C[i][j] - sum_k A[i][k] B[k][j]| / sum_k |A[i][k] B[k][j]| over 64 entries. */
export function maxRelErr(a: Float32Array, b: Float32Array, c: ArrayLike<number>, n: number): number {
  let worst = 0;
  for (let s = 0; s < 64; s++) {
    const i = (s * 97) % n;
    const j = (s * 193 + 7) % n;
    let ref = 0;
    let scale = 0;
    for (let k = 0; k < n; k++) {
      ref += a[i * n + k] * b[k * n + j];
      scale += Math.abs(a[i * n + k] * b[k * n + j]);
    }
    worst = Math.max(worst, Math.abs(c[i * n + j] - ref) / scale);
  }
  return worst;
}
