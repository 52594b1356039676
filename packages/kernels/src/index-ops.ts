/**
 * Gather and scatter-add along one axis (f32 or f64). x is viewed as [outer, V, inner] (V rows
 * along the axis); `indices` is a WasmArray of x's dtype holding m integers in [0, V):
 *
 *   indexSelect:  out[o, j, i] = x[o, indices[j], i]        (torch.index_select, embeddings)
 *   indexAdd:     dst[o, indices[j], i] += src[o, j, i]     (its backward; repeats add up)
 *
 * Every index is checked inside wasm before anything is written; a bad one throws a RangeError
 * naming its position and value.
 */
import type { WasmArray } from './arena.js';
import { checkArray, checkDim, checkLength, checkNoOverlap } from './checks.js';
import { typedKernel } from './exports.js';
import { threadCount } from './threads/config.js';
import { GATHER_MIN, rangeInParts } from './threads/nn-parts.js';

const kIndexCheck = typedKernel('indexCheck');
const kIndexSelect = typedKernel('indexSelect');
const kIndexSelectChecked = typedKernel('indexSelectChecked');
const kIndexAdd = typedKernel('indexAdd');

/** Throws unless every element of `indices` is an integer in [0, V). */
function checkIndices(indices: WasmArray, V: number): void {
  const bad = kIndexCheck(indices.dtype)(indices.length, indices.ptr, V);
  if (bad >= 0) throwBadIndex(indices, bad, V);
}

function throwBadIndex(indices: WasmArray, j: number, V: number): never {
  throw new RangeError(`indices[${j}] is ${indices.data[j]}, not an integer in [0, ${V})`);
}

function checkDims(outer: number, V: number, m: number, inner: number): void {
  checkDim('outer', outer);
  checkDim('V', V);
  checkDim('m', m);
  checkDim('inner', inner);
}

/** x viewed as [outer, V, inner]: out[o, j, i] = x[o, indices[j], i], j < m = indices.length. */
export function indexSelect(
  x: WasmArray,
  outer: number,
  V: number,
  inner: number,
  indices: WasmArray,
  out: WasmArray,
): void {
  checkArray('x', x);
  checkArray('indices', indices, x.dtype);
  checkArray('out', out, x.dtype);
  const m = indices.length;
  checkDims(outer, V, m, inner);
  checkLength('x', x, outer * V * inner);
  checkLength('out', out, outer * m * inner);
  checkNoOverlap('out', out, 'x', x);
  checkNoOverlap('out', out, 'indices', indices);
  if (out.length === 0) {
    checkIndices(indices, V);
    return;
  }
  const dt = x.dtype;
  if (out.length < GATHER_MIN || threadCount() < 2) {
    // one export call that checks, then copies: what a kernel program records (the op's result is
    // then 0, or j + 1 for a bad indices[j] found when the program runs, nothing written then)
    const bad = kIndexSelectChecked(dt)(x.ptr, outer, V, inner, indices.ptr, m, out.ptr);
    if (bad > 0) throwBadIndex(indices, bad - 1, V);
    return;
  }
  checkIndices(indices, V);
  const row = inner * (dt === 'f32' ? 4 : 8);
  // threads: slabs [o0, o1) of the outer axis apart, or, with one
  // slab, the picked rows [j0, j1) apart; every output element is one copy either way
  const parts =
    outer >= 2
      ? rangeInParts(`indexSelect_${dt}`, outer, 1, out.length, GATHER_MIN, (o0, o1) => [
          x.ptr + o0 * V * row,
          o1 - o0,
          V,
          inner,
          indices.ptr,
          m,
          out.ptr + o0 * m * row,
        ])
      : rangeInParts(`indexSelect_${dt}`, m, 1, out.length, GATHER_MIN, (j0, j1) => [
          x.ptr,
          1,
          V,
          inner,
          indices.ptr + j0 * (dt === 'f32' ? 4 : 8),
          j1 - j0,
          out.ptr + j0 * row,
        ]);
  if (!parts) kIndexSelect(dt)(x.ptr, outer, V, inner, indices.ptr, m, out.ptr);
}

/**
 * The backward of indexSelect: dst[o, indices[j], i] += src[o, j, i] (src is [outer, m, inner],
 * dst is [outer, V, inner]; repeated indices add up).
 */
export function indexAdd(
  src: WasmArray,
  outer: number,
  m: number,
  inner: number,
  indices: WasmArray,
  dst: WasmArray,
  V: number,
): void {
  checkArray('src', src);
  checkArray('indices', indices, src.dtype);
  checkArray('dst', dst, src.dtype);
  checkDims(outer, V, m, inner);
  checkLength('indices', indices, m);
  checkLength('src', src, outer * m * inner);
  checkLength('dst', dst, outer * V * inner);
  checkNoOverlap('dst', dst, 'src', src);
  checkNoOverlap('dst', dst, 'indices', indices);
  checkIndices(indices, V);
  if (src.length === 0) return;
  const dt = src.dtype;
  const row = inner * (dt === 'f32' ? 4 : 8);
  // threads: only slabs of the outer axis apart (within a slab repeated indices add into one
  // row in j order, which a split over j would race on)
  const parts =
    src.length >= GATHER_MIN &&
    outer >= 2 &&
    rangeInParts(`indexAdd_${dt}`, outer, 1, src.length, GATHER_MIN, (o0, o1) => [
      src.ptr + o0 * m * row,
      o1 - o0,
      m,
      inner,
      indices.ptr,
      dst.ptr + o0 * V * row,
      V,
    ]);
  if (!parts) kIndexAdd(dt)(src.ptr, outer, m, inner, indices.ptr, dst.ptr, V);
}
