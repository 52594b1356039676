/**
 * Shape ops. reshape shares memory (no copy); the others copy through the strided-copy kernel.
 * Each gradient is the adjoint data movement:
 *
 *   reshape            x̄ = reshape(ḡ, x.shape)
 *   permute(p)         x̄ = permute(ḡ, p⁻¹)          transpose(a, b) is the permutation swapping a, b
 *   slice(begin, size) x̄ = ḡ placed at begin inside zeros (padInto), whose gradient is slice again
 *   concat(axis)       x̄ᵢ = the i-th slice of ḡ      stack = concat of unsqueezed inputs
 *   indexSelect(axis)  x̄ = indexAdd of ḡ (repeated indices add up), whose gradient is indexSelect
 */
import {
  indexAdd as kIndexAdd,
  indexSelect as kIndexSelect,
  stridedCopy,
  type WasmArray,
} from '@descent/kernels';
import { contiguousStrides, normalizeAxis } from '../broadcast.js';
import { record } from '../graph.js';
import { empty, type Shape, shapeSize, type Tensor, wrap } from '../tensor.js';

const text = (s: Shape) => `[${s.join(', ')}]`;

/** The same values in a new shape (one dimension may be −1: inferred). Shares memory. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = [...shape];
  const unknown = target.indexOf(-1);
  if (unknown >= 0) {
    const rest = target.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    if (rest === 0 || x.size % rest !== 0)
      throw new RangeError(
        `reshape: cannot reshape ${text(x.shape)} (${x.size} elements) into ${text(shape)}`,
      );
    target[unknown] = x.size / rest;
  }
  if (!target.every((d) => Number.isInteger(d) && d >= 0) || shapeSize(target) !== x.size)
    throw new RangeError(`reshape: cannot reshape ${text(x.shape)} (${x.size} elements) into ${text(shape)}`);
  const out = wrap(x.storage.retain(), target);
  return record(out, 'reshape', [x], (g) => [reshape(g, x.shape)]);
}

/** Removes size-1 axes (all of them, or the given one). */
export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const a = normalizeAxis('squeeze', axis, x.rank);
  if (x.shape[a] !== 1)
    throw new RangeError(`squeeze: axis ${axis} of ${text(x.shape)} has size ${x.shape[a]}, not 1`);
  return reshape(
    x,
    x.shape.filter((_, i) => i !== a),
  );
}

/** Inserts a size-1 axis at `axis` (−1: last). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis('unsqueeze', axis, x.rank + 1);
  const s = [...x.shape];
  s.splice(a, 0, 1);
  return reshape(x, s);
}

/** Flattens axes start..end (inclusive) into one. */
export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis('flatten', start, x.rank);
  const e = normalizeAxis('flatten', end, x.rank);
  if (e < s) throw new RangeError(`flatten: end axis ${end} comes before start axis ${start}`);
  const merged = x.shape.slice(s, e + 1).reduce((p, d) => p * d, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** Axes reordered: out.shape[i] = x.shape[perm[i]]. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  if (perm.length !== x.rank)
    throw new RangeError(`permute: ${text(perm)} is not a permutation of ${x.rank} axes`);
  const p = perm.map((a) => normalizeAxis('permute', a, x.rank));
  if (new Set(p).size !== p.length) throw new RangeError(`permute: ${text(perm)} repeats an axis`);
  if (p.every((a, i) => a === i)) return x;
  const shape = p.map((a) => x.shape[a]);
  const src = contiguousStrides(x.shape);
  const out = empty(shape, x.dtype);
  stridedCopy(
    shape,
    x.buffer,
    0,
    p.map((a) => src[a]),
    out.buffer,
    0,
    contiguousStrides(shape),
  );
  const inverse = new Array<number>(p.length);
  p.forEach((a, i) => {
    inverse[a] = i;
  });
  return record(out, 'permute', [x], (g) => [permute(g, inverse)]);
}

/** Swaps two axes (default: the last two — a matrix transpose). */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  if (x.rank < 2 && dim0 === -2 && dim1 === -1) return x;
  const a = normalizeAxis('transpose', dim0, x.rank);
  const b = normalizeAxis('transpose', dim1, x.rank);
  const perm = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, perm);
}

/**
 * The block of x starting at `begin` with `size` elements per axis (TF.js's slice; a size of −1
 * runs to the end; omitted trailing axes are taken whole).
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  const b = x.shape.map((_, i) => begin[i] ?? 0);
  const s = x.shape.map((d, i) => {
    const want = size?.[i] ?? -1;
    return want === -1 ? d - b[i] : want;
  });
  for (let i = 0; i < x.rank; i++)
    if (
      !Number.isInteger(b[i]) ||
      !Number.isInteger(s[i]) ||
      b[i] < 0 ||
      s[i] < 0 ||
      b[i] + s[i] > x.shape[i]
    )
      throw new RangeError(
        `slice: begin ${text(b)}, size ${text(s)} falls outside ${text(x.shape)} (axis ${i})`,
      );
  const strides = contiguousStrides(x.shape);
  const offset = b.reduce((p, v, i) => p + v * strides[i], 0);
  const out = empty(s, x.dtype);
  stridedCopy(s, x.buffer, offset, strides, out.buffer, 0, contiguousStrides(s));
  return record(out, 'slice', [x], (g) => [padInto(g, x.shape, b)]);
}

/** Zeros of `shape` with g written at `begin` (the adjoint of slice). */
export function padInto(g: Tensor, shape: Shape, begin: readonly number[]): Tensor {
  const out = empty(shape, g.dtype);
  out.data.fill(0);
  const strides = contiguousStrides(shape);
  const offset = begin.reduce((p, v, i) => p + v * strides[i], 0);
  stridedCopy(g.shape, g.buffer, 0, contiguousStrides(g.shape), out.buffer, offset, strides);
  return record(out, 'padInto', [g], (gg) => [slice(gg, begin, g.shape)]);
}

/** Joins tensors along an existing axis (all other axes equal). */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0)
    throw new RangeError('concat: expected a non-empty array of tensors');
  const first = xs[0];
  const a = normalizeAxis('concat', axis, first.rank);
  for (const [i, x] of xs.entries()) {
    if (x.dtype !== first.dtype)
      throw new TypeError(`concat: tensor ${i} is ${x.dtype}, tensor 0 is ${first.dtype}`);
    if (x.rank !== first.rank || x.shape.some((d: number, k: number) => k !== a && d !== first.shape[k]))
      throw new RangeError(
        `concat: tensor ${i} has shape ${text(x.shape)}, tensor 0 has ${text(first.shape)} (axis ${axis})`,
      );
  }
  const shape = [...first.shape];
  shape[a] = xs.reduce((p, x) => p + x.shape[a], 0);
  const out = empty(shape, first.dtype);
  const strides = contiguousStrides(shape);
  const begins: number[] = [];
  let at = 0;
  for (const x of xs) {
    begins.push(at);
    stridedCopy(x.shape, x.buffer, 0, contiguousStrides(x.shape), out.buffer, at * strides[a], strides);
    at += x.shape[a];
  }
  return record(out, 'concat', xs, (g) =>
    xs.map((x, i) => {
      if (!x.requiresGrad) return null;
      const b = shape.map((_, k) => (k === a ? begins[i] : 0));
      return slice(g, b, x.shape);
    }),
  );
}

/** Joins tensors of one shape along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0)
    throw new RangeError('stack: expected a non-empty array of tensors');
  const a = normalizeAxis('stack', axis, xs[0].rank + 1);
  for (const [i, x] of xs.entries())
    if (x.rank !== xs[0].rank || x.shape.some((d: number, k: number) => d !== xs[0].shape[k]))
      throw new RangeError(
        `stack: tensor ${i} has shape ${text(x.shape)}, tensor 0 has ${text(xs[0].shape)}`,
      );
  return concat(
    xs.map((x) => unsqueeze(x, a)),
    a,
  );
}

/** Integer indices as a kernel array of `like`'s dtype (checked by the kernel against the axis size). */
function indexArray(indices: Tensor | ArrayLike<number>, dtype: 'f32' | 'f64'): Tensor {
  if ((indices as Tensor).isTensor === true) {
    const t = indices as Tensor;
    if (t.dtype === dtype) return t;
    const out = empty(t.shape, dtype);
    out.data.set(t.data);
    return out;
  }
  const list = indices as ArrayLike<number>;
  const out = empty([list.length], dtype);
  out.data.set(Array.from(list));
  return out;
}

/**
 * Entries of x along `axis` at the given integer positions (torch.index_select; embedding lookup is
 * indexSelect(table, 0, ids)). The result has indices.length entries on that axis.
 */
export function indexSelect(x: Tensor, axis: number, indices: Tensor | ArrayLike<number>): Tensor {
  const a = normalizeAxis('indexSelect', axis, x.rank);
  const idx = indexArray(indices, x.dtype);
  if (idx.rank > 1)
    throw new RangeError(`indexSelect: indices must be one-dimensional, got ${text(idx.shape)}`);
  const outer = shapeSize(x.shape.slice(0, a));
  const inner = shapeSize(x.shape.slice(a + 1));
  const shape = [...x.shape];
  shape[a] = idx.size;
  const out = empty(shape, x.dtype);
  kIndexSelect(x.buffer, outer, x.shape[a], inner, idx.buffer, out.buffer);
  return record(out, 'indexSelect', [x], (g) => [indexAddInto(g, x.shape, a, idx)], [idx]);
}

/** Zeros of `shape` with g's entries added at `indices` along `axis` (the adjoint of indexSelect). */
export function indexAddInto(g: Tensor, shape: Shape, axis: number, idx: Tensor): Tensor {
  const outer = shapeSize(shape.slice(0, axis));
  const inner = shapeSize(shape.slice(axis + 1));
  const out = empty(shape, g.dtype);
  out.data.fill(0);
  kIndexAdd(g.buffer, outer, idx.size, inner, idx.buffer, out.buffer as WasmArray, shape[axis]);
  return record(out, 'indexAdd', [g], (gg) => [indexSelect(gg, axis, idx)], [idx]);
}

/** Rows of an embedding table: indexSelect(table, 0, ids). */
export function gather(table: Tensor, ids: Tensor | ArrayLike<number>): Tensor {
  return indexSelect(table, 0, ids);
}
