/**
 * Reductions over axes (NumPy/torch semantics; `keepDims` keeps reduced axes as size 1; no axes
 * means all of them) and the broadcast pair that their gradients need:
 *
 *   sum        x̄ = broadcast(ḡ)
 *   mean       x̄ = broadcast(ḡ) / N                 (N = elements reduced over)
 *   max, min   x̄ = broadcast(ḡ) [x = y] / count     (ties share evenly: torch.amax's rule)
 *   logSumExp  y = m + log Σ e^{x − m},  m = max x (held constant; 0 where infinite), so
 *              x̄ = broadcast(ḡ) softmax(x) by differentiating the formula itself
 *   broadcastTo / reduceTo: each the other's gradient.
 */
import { reduce as kReduce, type ReduceOp, stridedCopy } from '@descent/kernels';
import {
  broadcastAxes,
  broadcastShapes,
  broadcastStrides,
  contiguousStrides,
  normalizeAxes,
} from '../broadcast.js';
import { record } from '../graph.js';
import { noGrad } from '../scope.js';
import { empty, type Shape, sameShape, scalar, type Tensor } from '../tensor.js';
import { add, binaryRaw, div, exp, log, mul, sub, unaryRaw, where } from './elementwise.js';
import { reshape } from './shape.js';

/** op over `axes` (sorted, unique) of x, keeping them as size-1 dims; no graph. */
function reduceRaw(op: ReduceOp, x: Tensor, axes: readonly number[]): Tensor {
  let cur = x;
  let shape = [...x.shape];
  // reduce maximal runs of consecutive axes, last run first, so earlier indices stay valid
  let i = axes.length - 1;
  while (i >= 0) {
    let j = i;
    while (j > 0 && axes[j - 1] === axes[j] - 1) j--;
    const a0 = axes[j];
    const a1 = axes[i];
    const outer = shape.slice(0, a0).reduce((p, d) => p * d, 1);
    const n = shape.slice(a0, a1 + 1).reduce((p, d) => p * d, 1);
    const inner = shape.slice(a1 + 1).reduce((p, d) => p * d, 1);
    const next = shape.map((d, k) => (k >= a0 && k <= a1 ? 1 : d));
    const out = empty(next, x.dtype);
    kReduce(op, cur.buffer, outer, n, inner, out.buffer);
    if (cur !== x) cur.free();
    cur = out;
    shape = next;
    i = j - 1;
  }
  return cur === x ? copyOf(x) : cur;
}

function copyOf(x: Tensor): Tensor {
  const out = empty(x.shape, x.dtype);
  out.buffer.data.set(x.data);
  return out;
}

const dropAxes = (shape: Shape, axes: readonly number[]) => shape.filter((_, k) => !axes.includes(k));

function finish(kept: Tensor, x: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
  return keepDims ? kept : reshape(kept, dropAxes(x.shape, axes));
}

/** Σ over axes. */
export function sum(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const ax = normalizeAxes('sum', axes, x.rank);
  const out = reduceRaw('sum', x, ax);
  const kept = record(out, 'sum', [x], (g) => [broadcastTo(g, x.shape)]);
  return finish(kept, x, ax, keepDims);
}

/** The mean over axes. */
export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const ax = normalizeAxes('mean', axes, x.rank);
  const count = ax.reduce((p, a) => p * x.shape[a], 1);
  return div(sum(x, ax, keepDims), scalar(count, x.dtype));
}

function extreme(
  op: 'max' | 'min',
  x: Tensor,
  axes: number | readonly number[] | undefined,
  keepDims: boolean,
) {
  const ax = normalizeAxes(op, axes, x.rank);
  if (ax.some((a) => x.shape[a] === 0))
    throw new RangeError(`${op}: cannot reduce over an empty axis of shape [${x.shape.join(', ')}]`);
  const out = reduceRaw(op, x, ax);
  const kept = record(
    out,
    op,
    [x],
    (g) => {
      const mask = binaryRaw('eq', op, x, out);
      const count = noGrad(() => sum(mask, ax, true));
      return [mul(mask, div(g, count))];
    },
    [out],
  );
  return finish(kept, x, ax, keepDims);
}

/** The largest value over axes (gradient shared evenly among ties). */
export function max(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return extreme('max', x, axes, keepDims);
}

/** The smallest value over axes (gradient shared evenly among ties). */
export function min(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return extreme('min', x, axes, keepDims);
}

/** log Σ exp(x) over axes, computed without overflow. */
export function logSumExp(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const ax = normalizeAxes('logSumExp', axes, x.rank);
  const m = noGrad(() => {
    const raw = reduceRaw('max', x, ax);
    const finite = binaryRaw('lt', 'logSumExp', unaryRaw('abs', raw), scalar(Infinity, x.dtype));
    return where(finite, raw, scalar(0, x.dtype));
  });
  const kept = add(log(sum(exp(sub(x, m)), ax, true)), m);
  return finish(kept, x, ax, keepDims);
}

/** x repeated along its size-1 (or missing leading) axes to `shape` (NumPy broadcast_to). */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const target = broadcastShapes('broadcastTo', x.shape, shape);
  if (!sameShape(target, shape))
    throw new RangeError(`broadcastTo: [${x.shape.join(', ')}] cannot be broadcast to [${shape.join(', ')}]`);
  const out = empty(shape, x.dtype);
  stridedCopy(shape, x.buffer, 0, broadcastStrides(x.shape, shape), out.buffer, 0, contiguousStrides(shape));
  return record(out, 'broadcastTo', [x], (g) => [reduceTo(g, x.shape)]);
}

/** The gradient of a broadcast: g summed over the axes along which `shape` was broadcast. */
export function reduceTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const axes = broadcastAxes(shape, g.shape);
  const s = sum(g, axes, true);
  return sameShape(s.shape, shape) ? s : reshape(s, shape);
}
