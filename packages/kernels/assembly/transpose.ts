/**
 * Out-of-place transpose, generic over f32/f64:  B[j, i] = A[i, j],  A rows x cols, B cols x rows,
 * both row-major. A and B must not overlap.
 *
 * The matrix is walked in TILE x TILE tiles so that both the rows read from A and the rows
 * written to B stay in L1 cache while a tile is copied; a plain double loop would touch a new
 * cache line of B for every element once the matrix is larger than the cache.
 */

const TILE = 32;

function transpose<T>(rows: i32, cols: i32, a: usize, b: usize): void {
  const sz = sizeof<T>();
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = min(i0 + TILE, rows);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = min(j0 + TILE, cols);
      for (let i = i0; i < i1; i++) {
        const src = a + (<usize>i * cols) * sz;
        let dst = b + (<usize>j0 * rows + i) * sz;
        const rowStride = <usize>rows * sz;
        for (let j = j0; j < j1; j++) {
          store<T>(dst, load<T>(src + <usize>j * sz));
          dst += rowStride;
        }
      }
    }
  }
}

/** B = A^T: A is rows x cols, B is cols x rows. Reads A, writes B (no overlap). */
export function transpose_f32(rows: i32, cols: i32, a: usize, b: usize): void { transpose<f32>(rows, cols, a, b); }
export function transpose_f64(rows: i32, cols: i32, a: usize, b: usize): void { transpose<f64>(rows, cols, a, b); }
