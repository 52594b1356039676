/**
 * Batched matrix products over kernel memory, for tensors that hold many matrices back to back
 * (autograd's batched matmul, convolution over a batch of images):
 *
 *   C_b ← α op(A_b) op(B_b) + β C_b,   b = 0 … batch-1,
 *   A_b starts at element aOffset + b·aStride of A (likewise B, C); a stride of 0 reuses one
 *   matrix for every b (broadcasting).
 *
 * op(A) is m x k, op(B) k x n, C m x n, all row-major and contiguous. Each product runs the same
 * cache-blocked kernel as `gemm` (one call per matrix: no per-element work in JS). With threads
 * (threads/parallel.ts) large batches are split over the batch or over rows of C: bit-identical
 * for any thread count, and a C stride of 0 still sums the products in order of b.
 */
import type { WasmArray } from './arena.js';
import { checkArray, checkDim, checkNoOverlap, checkScalar } from './checks.js';
import { type GemmOptions, kGemm, kScratch, scratchFor } from './gemm.js';
import { GEMM_MIN_WORK, gemmBatchInParts } from './threads/parallel.js';

export interface BatchedOperand {
  /** the array holding the matrices */
  data: WasmArray;
  /** element offset of the first matrix (default 0) */
  offset?: number;
  /** elements from one matrix to the next (0: the same matrix for every b) */
  stride: number;
}

function checkOperand(name: string, op: BatchedOperand, batch: number, size: number, dtype?: 'f32' | 'f64') {
  checkArray(`${name}.data`, op.data, dtype);
  const offset = op.offset ?? 0;
  checkDim(`${name}.offset`, offset);
  checkDim(`${name}.stride`, op.stride);
  const last = batch === 0 || size === 0 ? 0 : offset + (batch - 1) * op.stride + size;
  if (last > op.data.length) {
    throw new RangeError(
      `${name}: ${batch} matrices of ${size} elements at offset ${offset}, stride ${op.stride} need ${last} elements, the array has ${op.data.length}`,
    );
  }
}

/** C_b ← α op(A_b) op(B_b) + β C_b for b < batch; throws (naming the operand) before any write. */
export function gemmBatched(
  batch: number,
  m: number,
  n: number,
  k: number,
  A: BatchedOperand,
  B: BatchedOperand,
  C: BatchedOperand,
  options: GemmOptions = {},
): void {
  const { transA = false, transB = false, alpha = 1, beta = 0 } = options;
  checkDim('batch', batch);
  checkDim('m', m);
  checkDim('n', n);
  checkDim('k', k);
  checkScalar('alpha', alpha);
  checkScalar('beta', beta);
  checkArray('A.data', A.data);
  const dt = A.data.dtype;
  checkOperand('A', A, batch, m * k, dt);
  checkOperand('B', B, batch, k * n, dt);
  checkOperand('C', C, batch, m * n, dt);
  checkNoOverlap('C', C.data, 'A', A.data);
  checkNoOverlap('C', C.data, 'B', B.data);
  if (C.stride === 0 && batch > 1 && beta === 0)
    throw new RangeError(
      'C.stride 0 sums the products into one C: it needs beta ≠ 0 (use beta = 1 after a first call)',
    );
  if (batch === 0 || m === 0 || n === 0) return;
  const bytes = dt === 'f32' ? 4 : 8;
  const need = kScratch(dt)(m, n, k);
  const s = scratchFor(dt, need);
  const ta = transA ? 1 : 0;
  const tb = transB ? 1 : 0;
  const aBase = A.data.ptr + (A.offset ?? 0) * bytes;
  const bBase = B.data.ptr + (B.offset ?? 0) * bytes;
  const cBase = C.data.ptr + (C.offset ?? 0) * bytes;
  if (batch * m * n * k >= GEMM_MIN_WORK) {
    const args = [ta, tb, m, n, k, alpha, aBase, A.stride, bBase, B.stride, beta, cBase, C.stride, s.ptr];
    if (gemmBatchInParts(dt, batch, m, n, k, C.stride, args, need)) return;
  }
  const kernel = kGemm(dt);
  for (let b = 0; b < batch; b++) {
    kernel(
      ta,
      tb,
      m,
      n,
      k,
      alpha,
      aBase + b * A.stride * bytes,
      bBase + b * B.stride * bytes,
      beta,
      cBase + b * C.stride * bytes,
      s.ptr,
    );
  }
}
