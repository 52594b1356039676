/**
 * Level-2 BLAS over kernel memory: the matrix-vector product
 *
 *   y ← α op(A) x + β y,   op(A) = A, or Aᵀ with `trans: true`,
 *
 * A a row-major m x n WasmMatrix. β = 0 overwrites y without reading it (BLAS semantics: a NaN
 * in y does not survive).
 */

import type { WasmArray } from './arena.js';
import { checkArray, checkNoOverlap, checkScalar } from './checks.js';
import { typedKernel } from './exports.js';
import { checkMatrix, type WasmMatrix } from './matrix.js';

export interface GemvOptions {
  /** use Aᵀ instead of A (default false) */
  trans?: boolean;
  /** α (default 1) */
  alpha?: number;
  /** β (default 0: y is overwritten) */
  beta?: number;
}

const kGemv = typedKernel('gemv');

/** y ← α op(A) x + β y. Lengths: x has op(A)'s column count, y its row count. */
export function gemv(A: WasmMatrix, x: WasmArray, y: WasmArray, options: GemvOptions = {}): void {
  const { trans = false, alpha = 1, beta = 0 } = options;
  checkMatrix('A', A);
  const dt = A.data.dtype;
  checkArray('x', x, dt);
  checkArray('y', y, dt);
  checkScalar('alpha', alpha);
  checkScalar('beta', beta);
  const rows = trans ? A.cols : A.rows;
  const cols = trans ? A.rows : A.cols;
  const op = trans ? 'Aᵀ' : 'A';
  if (x.length !== cols) {
    throw new RangeError(
      `Length mismatch: ${op} is ${rows}x${cols}, x has ${x.length} elements (expected ${cols})`,
    );
  }
  if (y.length !== rows) {
    throw new RangeError(
      `Length mismatch: ${op} is ${rows}x${cols}, y has ${y.length} elements (expected ${rows})`,
    );
  }
  checkNoOverlap('y', y, 'A', A.data);
  checkNoOverlap('y', y, 'x', x);
  kGemv(dt)(trans ? 1 : 0, A.rows, A.cols, alpha, A.data.ptr, x.ptr, beta, y.ptr);
}
