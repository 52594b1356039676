/**
 * NumPy's broadcasting rules: shapes are aligned at their last dimension; two sizes agree when they
 * are equal or one of them is 1; the result takes the larger. A tensor is read at the output
 * index through strides that are 0 on the dimensions it broadcasts along.
 */
import type { Shape } from './tensor.js';

const text = (s: Shape) => `[${s.join(', ')}]`;

/** The broadcast shape of a and b, or a RangeError naming the op and both shapes. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1)
      throw new RangeError(
        `${op}: shapes ${text(a)} and ${text(b)} cannot be broadcast (dimension ${i}: ${da} vs ${db})`,
      );
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Row-major strides of a contiguous tensor of `shape`, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Strides that read a contiguous tensor of shape `from` at every index of the broadcast shape `to`. */
export function broadcastStrides(from: Shape, to: Shape): number[] {
  const own = contiguousStrides(from);
  const out = new Array<number>(to.length).fill(0);
  const offset = to.length - from.length;
  for (let i = 0; i < from.length; i++) out[offset + i] = from[i] === 1 ? 0 : own[i];
  return out;
}

/** The axes of `to` along which a tensor of shape `from` was broadcast (to sum a gradient back). */
export function broadcastAxes(from: Shape, to: Shape): number[] {
  const axes: number[] = [];
  const offset = to.length - from.length;
  for (let i = 0; i < to.length; i++) if (i < offset || (from[i - offset] === 1 && to[i] !== 1)) axes.push(i);
  return axes;
}

/** Normalises possibly negative axes for a tensor of `rank`; RangeError naming the op otherwise. */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const seen = new Set<number>();
  for (const a of list) {
    if (!Number.isInteger(a) || a < -rank || a >= Math.max(rank, 1) || (rank === 0 && a !== 0 && a !== -1))
      throw new RangeError(`${op}: axis ${a} is out of range for a tensor of rank ${rank}`);
    const n = a < 0 ? a + rank : a;
    if (seen.has(n)) throw new RangeError(`${op}: axis ${a} appears twice`);
    seen.add(n);
  }
  return [...seen].filter((a) => a < rank).sort((x, y) => x - y);
}

/** Normalises one axis (negative counts from the end). */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank)
    throw new RangeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}
