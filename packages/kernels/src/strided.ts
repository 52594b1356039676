/**
 * General strided copy over kernel memory (f32 or f64): for every index i of `shape` (rank 0..8)
 *
 *   dst[dstOffset + Σ i_d dstStrides_d] = src[srcOffset + Σ i_d srcStrides_d]   (+= with accumulate)
 *
 * One kernel for permute/transpose (permuted src strides), slice (src offset and strides) and its
 * backward (accumulate into a zeroed dst), concat/stack (dst offset), broadcast-expand (src
 * stride 0), flip (a negative stride). Inner runs with both strides 1 are a memory.copy (or a
 * SIMD add); dims are merged where both sides are contiguous (see strides.ts).
 */
import type { WasmArray } from './arena.js';
import { checkArray, checkDim } from './checks.js';
import { typedKernel } from './exports.js';
import { addressed, checkShape, checkStrides, packDims } from './strides.js';

const kStridedCopy = typedKernel('stridedCopy');

/**
 * dst[dstOffset + Σ i_d dstStrides_d] (+)= src[srcOffset + Σ i_d srcStrides_d] for every index i
 * in `shape`. Offsets and strides in elements; every addressed element must lie inside src/dst,
 * and the elements addressed in src and dst must not overlap in memory (checked, RangeError).
 */
export function stridedCopy(
  shape: readonly number[],
  src: WasmArray,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: WasmArray,
  dstOffset: number,
  dstStrides: readonly number[],
  accumulate = false,
): void {
  checkArray('src', src);
  checkArray('dst', dst, src.dtype);
  checkDim('srcOffset', srcOffset);
  checkDim('dstOffset', dstOffset);
  const size = checkShape('shape', shape);
  checkStrides('srcStrides', srcStrides, shape, 'src', src, srcOffset, size);
  const bytes = src.dtype === 'f32' ? 4 : 8;
  const srcLo = src.ptr + addressed.lo * bytes;
  const srcHi = src.ptr + addressed.hi * bytes;
  checkStrides('dstStrides', dstStrides, shape, 'dst', dst, dstOffset, size);
  if (size === 0) return;
  const dstLo = dst.ptr + addressed.lo * bytes;
  const dstHi = dst.ptr + addressed.hi * bytes;
  if (srcLo <= dstHi && dstLo <= srcHi) {
    throw new RangeError(
      'The elements of dst written overlap the elements of src read; copy through a separate array',
    );
  }
  const rank = packDims(shape, srcStrides, dstStrides);
  kStridedCopy(src.dtype)(rank, src.ptr + srcOffset * bytes, dst.ptr + dstOffset * bytes, accumulate ? 1 : 0);
}
