/**
 * Out-of-place transpose over kernel memory: B = Aᵀ, i.e. B[j, i] = A[i, j] (cache-tiled kernel).
 */
import { checkNoOverlap } from './checks.js';
import { typedKernel } from './exports.js';
import { checkMatrix, matrix, type WasmMatrix } from './matrix.js';

const kTranspose = typedKernel('transpose');

/**
 * B ← Aᵀ. With no B, a new cols x rows matrix is allocated and returned; a given B must be
 * cols x rows, of A's dtype, and must not overlap A.
 */
export function transpose(A: WasmMatrix, B?: WasmMatrix): WasmMatrix {
  checkMatrix('A', A);
  const dt = A.data.dtype;
  const out = B ?? matrix(dt, A.cols, A.rows);
  if (B) {
    checkMatrix('B', B, dt);
    if (B.rows !== A.cols || B.cols !== A.rows) {
      throw new RangeError(
        `Shape mismatch: A is ${A.rows}x${A.cols}, so B must be ${A.cols}x${A.rows}, not ${B.rows}x${B.cols}`,
      );
    }
    checkNoOverlap('B', B.data, 'A', A.data);
  }
  kTranspose(dt)(A.rows, A.cols, A.data.ptr, out.data.ptr);
  return out;
}
