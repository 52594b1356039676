/**
 * Reductions over one axis: x viewed as [outer, n, inner] (the axis has n elements, `outer` is the
 * product of the dims before it, `inner` of those after), out[o, i] = op_k x[o, k, i], out has
 * outer · inner elements. Any axis of a row-major tensor is reduced this way, and a reduction
 * over several adjacent axes is one call with their product as n.
 *
 * sum: f32 accumulates in f64 (a 1e6-element sum is accurate to ~1e-7 relative); max/min
 * propagate NaN (as torch); n = 0 gives 0 (sum), -Infinity (max), +Infinity (min).
 */
import type { WasmArray } from './arena.js';
import { checkArray, checkDim, checkLength, checkNoOverlap } from './checks.js';
import { typedKernel } from './exports.js';

export type ReduceOp = 'sum' | 'max' | 'min';

const REDUCE_OPS: readonly ReduceOp[] = ['sum', 'max', 'min']; // the op codes of assembly/reduce.ts

const kReduce = typedKernel('reduce');

/** x viewed as [outer, n, inner]: out[o, i] = op_k x[o, k, i] (out has outer · inner elements). */
export function reduce(
  op: ReduceOp,
  x: WasmArray,
  outer: number,
  n: number,
  inner: number,
  out: WasmArray,
): void {
  const code = REDUCE_OPS.indexOf(op);
  if (code < 0) throw new RangeError(`Invalid op: ${String(op)} (expected one of ${REDUCE_OPS.join(', ')})`);
  checkArray('x', x);
  checkArray('out', out, x.dtype);
  checkDim('outer', outer);
  checkDim('n', n);
  checkDim('inner', inner);
  checkLength('x', x, outer * n * inner);
  checkLength('out', out, outer * inner);
  checkNoOverlap('out', out, 'x', x);
  if (out.length === 0) return;
  kReduce(x.dtype)(code, x.ptr, outer, n, inner, out.ptr);
}
