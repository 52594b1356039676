/**
 * Level-3 BLAS over kernel memory: the matrix product
 *
 *   C ← α op(A) op(B) + β C,   op(X) = X, or Xᵀ with `transA` / `transB`,
 *
 * op(A) m x k, op(B) k x n, C m x n, all row-major WasmMatrix of one dtype. β = 0 overwrites C
 * without reading it (BLAS semantics: a NaN in C does not survive); α = 0 or k = 0 gives β C.
 *
 * The kernel (assembly/gemm.ts) is cache-blocked with packed panels and a 4 x 8 (f32) / 4 x 4
 * (f64) SIMD micro-kernel. Its packing space is one scratch array per dtype, allocated from the
 * arena on first use and grown (never shrunk) when a larger product needs more: a call may
 * therefore allocate, so re-read any `.data` view after it.
 *
 * Threads (threads/parallel.ts): above GEMM_MIN_WORK multiply-adds, C is split into row panels,
 * one per thread, each with its own scratch; the result is bit-identical for any thread count.
 */
import { alloc, type DType, type WasmArray } from './arena.js';
import { checkNoOverlap, checkScalar } from './checks.js';
import { typedKernel } from './exports.js';
import { checkMatrix, type WasmMatrix } from './matrix.js';
import { GEMM_MIN_WORK, gemmInParts, releasePartScratch } from './threads/parallel.js';
import { activeRecording } from './threads/recording.js';

export interface GemmOptions {
  /** use Aᵀ instead of A (default false) */
  transA?: boolean;
  /** use Bᵀ instead of B (default false) */
  transB?: boolean;
  /** α (default 1) */
  alpha?: number;
  /** β (default 0: C is overwritten) */
  beta?: number;
}

export const kGemm = typedKernel('gemm');
export const kScratch = typedKernel('gemm_scratch');
const scratch: Record<DType, WasmArray | undefined> = { f32: undefined, f64: undefined };

/** The dtype's packing scratch, grown to at least `n` elements (shared with gemm-batched.ts). */
export function scratchFor(dtype: DType, n: number): WasmArray {
  const rec = activeRecording();
  if (rec) return rec.scratch(dtype, n);
  const s = scratch[dtype];
  if (s && s.length >= n) return s;
  s?.free();
  const grown = alloc(dtype, Math.max(n, s ? Math.ceil(s.length * 1.5) : 0));
  scratch[dtype] = grown;
  return grown;
}

/**
 * Returns gemm's packing scratch to the arena (for leak checks and memory-tight callers); the next
 * gemm call allocates it again.
 */
export function releaseGemmScratch(): void {
  for (const dt of ['f32', 'f64'] as const) {
    scratch[dt]?.free();
    scratch[dt] = undefined;
  }
  releasePartScratch();
}

/** C ← α op(A) op(B) + β C. Throws (naming the matrices) on a dtype or shape mismatch. */
export function gemm(A: WasmMatrix, B: WasmMatrix, C: WasmMatrix, options: GemmOptions = {}): void {
  const { transA = false, transB = false, alpha = 1, beta = 0 } = options;
  checkMatrix('A', A);
  const dt = A.data.dtype;
  checkMatrix('B', B, dt);
  checkMatrix('C', C, dt);
  checkScalar('alpha', alpha);
  checkScalar('beta', beta);
  const m = transA ? A.cols : A.rows;
  const k = transA ? A.rows : A.cols;
  const kB = transB ? B.cols : B.rows;
  const n = transB ? B.rows : B.cols;
  const opA = transA ? 'Aᵀ' : 'A';
  const opB = transB ? 'Bᵀ' : 'B';
  if (k !== kB) {
    throw new RangeError(
      `Shape mismatch: ${opA} is ${m}x${k}, ${opB} is ${kB}x${n} (inner dimensions ${k} and ${kB} differ)`,
    );
  }
  if (C.rows !== m || C.cols !== n) {
    throw new RangeError(`Shape mismatch: C is ${C.rows}x${C.cols}, ${opA} ${opB} is ${m}x${n}`);
  }
  checkNoOverlap('C', C.data, 'A', A.data);
  checkNoOverlap('C', C.data, 'B', B.data);
  const need = kScratch(dt)(m, n, k);
  const s = scratchFor(dt, need);
  const args = [
    transA ? 1 : 0,
    transB ? 1 : 0,
    m,
    n,
    k,
    alpha,
    A.data.ptr,
    B.data.ptr,
    beta,
    C.data.ptr,
    s.ptr,
  ];
  if (m * n * k < GEMM_MIN_WORK || !gemmInParts(dt, m, n, k, args, need)) kGemm(dt)(...args);
}
