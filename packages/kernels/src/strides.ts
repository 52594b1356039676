/**
 * Shapes and strides for the strided kernels (binary and select in elementwise.ts, stridedCopy in
 * strided.ts): checked, simplified and written to the module's static scratch area
 * (assembly/strides.ts) through an Int32Array view, so a call allocates nothing.
 *
 * Simplified: size-1 dims are dropped and a dim is merged into its inner neighbour when every
 * operand is contiguous across the two (stride_d = stride_{d+1} · size_{d+1}); the merged dims are
 * written innermost first. A row-major [2, 3, 4] + [2, 3, 4] is then one run of 24 elements, and
 * [3, 1] + [1, 4] is 3 runs of 4 with one side splatted.
 */
import type { WasmArray } from './arena.js';
import { wasm } from './wasm.js';

/** The largest rank the strided kernels take. */
export const MAX_RANK = 8;

let view: Int32Array | undefined;
let viewBuffer: ArrayBuffer | undefined;
let scratchPtr = -1;

/** The scratch area as i32s, re-derived after memory growth (see arena.ts). */
function scratch(): Int32Array {
  const exports = wasm();
  const buffer = exports.memory.buffer as ArrayBuffer;
  if (buffer !== viewBuffer || view === undefined) {
    if (scratchPtr < 0) scratchPtr = (exports.stridesScratch as () => number)();
    view = new Int32Array(buffer, scratchPtr, 32);
    viewBuffer = buffer;
  }
  return view;
}

/** Throws unless `shape` is an array of at most 8 non-negative integers; returns its element count. */
export function checkShape(name: string, shape: readonly number[]): number {
  if (!Array.isArray(shape)) throw new TypeError(`${name} must be an array of dim sizes`);
  if (shape.length > MAX_RANK) {
    throw new RangeError(`${name} has rank ${shape.length}; at most ${MAX_RANK} dims are supported`);
  }
  let size = 1;
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d];
    if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
      throw new RangeError(`Invalid ${name}[${d}]: ${n} (expected a non-negative integer)`);
    }
    size *= n;
  }
  return size;
}

/** The first and last element addressed by the latest checkStrides call (reused, not allocated). */
export const addressed = { lo: 0, hi: 0 };

/**
 * Throws unless `strides` has one integer per dim of `shape` and, for a non-empty shape, every
 * element `offset + Σ i_d strides_d` lies inside `array` (negative strides allowed). Leaves the
 * range of elements addressed in `addressed`.
 */
export function checkStrides(
  name: string,
  strides: readonly number[],
  shape: readonly number[],
  arrayName: string,
  array: WasmArray,
  offset: number,
  size: number,
): void {
  if (!Array.isArray(strides) || strides.length !== shape.length) {
    const got = Array.isArray(strides) ? `${strides.length} strides` : String(strides);
    throw new RangeError(`${name} must have one stride per dim (${shape.length}), got ${got}`);
  }
  let lo = offset;
  let hi = offset;
  for (let d = 0; d < strides.length; d++) {
    const s = strides[d];
    if (!Number.isInteger(s) || Math.abs(s) > 0x7fffffff) throw new RangeError(`Invalid ${name}[${d}]: ${s}`);
    const span = s * (shape[d] - 1);
    if (span < 0) lo += span;
    else hi += span;
  }
  if (size > 0 && (lo < 0 || hi >= array.length)) {
    throw new RangeError(
      `${name} address elements ${lo}..${hi} of ${arrayName}, which has ${array.length} elements`,
    );
  }
  addressed.lo = lo;
  addressed.hi = hi;
}

/** True when `strides` are the row-major strides of `shape` (size-1 dims ignored). */
export function isRowMajor(strides: readonly number[], shape: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/**
 * Writes `shape` with the strides of two or three operands to the scratch area, simplified as
 * above, innermost first; returns the merged rank (at least 1). The shape must not be empty.
 */
export function packDims(
  shape: readonly number[],
  s0: readonly number[],
  s1: readonly number[],
  s2?: readonly number[],
): number {
  const v = scratch();
  let r = 0;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d];
    if (n === 1) continue;
    if (r > 0) {
      const inner = v[r - 1];
      if (
        s0[d] === v[8 + r - 1] * inner &&
        s1[d] === v[16 + r - 1] * inner &&
        (s2 === undefined || s2[d] === v[24 + r - 1] * inner)
      ) {
        v[r - 1] = inner * n;
        continue;
      }
    }
    v[r] = n;
    v[8 + r] = s0[d];
    v[16 + r] = s1[d];
    if (s2 !== undefined) v[24 + r] = s2[d];
    r++;
  }
  if (r === 0) {
    v[0] = 1; // a single element
    v[8] = 0;
    v[16] = 0;
    v[24] = 0;
    r = 1;
  }
  return r;
}
