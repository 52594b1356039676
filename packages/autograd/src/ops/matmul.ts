/**
 * Matrix products on the kernels' gemm, batched over leading axes with broadcasting (torch.matmul):
 *
 *   [..., m, k] @ [..., k, n] -> [..., m, n];  a 1-D left operand is a row [1, k], a 1-D right
 *   operand a column [k, 1], and the added axis is removed from the result.
 *
 * The primitive is C = op(A) op(B) with op = identity or transpose, each side either batched
 * (one matrix per batch entry) or one matrix shared by all. Its gradient is again such a product:
 *
 *   C = A B     Ā = Ḡ Bᵀ,   B̄ = Aᵀ Ḡ          C = A Bᵀ    Ā = Ḡ B,    B̄ = Ḡᵀ A
 *   C = Aᵀ B    Ā = B Ḡᵀ,   B̄ = A Ḡ           C = Aᵀ Bᵀ   Ā = Bᵀ Ḡᵀ,  B̄ = Ḡᵀ Aᵀ
 *
 * and the gradient of a shared matrix sums over the batch inside gemm (β = 1 accumulation), so a
 * weight matrix applied to a batch never materialises one gradient per entry.
 *
 * A matrix times a vector (either side) runs on gemv instead, without packing the matrix:
 *
 *   y = A x     Ā = ḡ xᵀ (an outer product),  x̄ = Aᵀ ḡ        y = Aᵀ x    Ā = x ḡᵀ,  x̄ = A ḡ
 */
import { gemmBatched, gemv } from '@descent/kernels';
import { broadcastShapes } from '../broadcast.js';
import { record } from '../graph.js';
import { empty, sameShape, shapeSize, type Tensor } from '../tensor.js';
import { mul } from './elementwise.js';
import { broadcastTo } from './reduce.js';
import { reshape } from './shape.js';

const text = (t: Tensor) => `[${t.shape.join(', ')}]`;

/** torch.matmul. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a?.isTensor !== true || !b || b.isTensor !== true) throw new TypeError('matmul: expected two Tensors');
  if (a.freed || b.freed) throw new Error('matmul: an operand was freed (by tidy() or free())');
  if (a.dtype !== b.dtype) throw new TypeError(`matmul: dtypes differ (${a.dtype} and ${b.dtype})`);
  if (a.rank === 0 || b.rank === 0)
    throw new RangeError(`matmul: operands must have rank ≥ 1, got ${text(a)} x ${text(b)}`);
  const k = a.shape[a.rank - 1];
  const kb = b.rank === 1 ? b.shape[0] : b.shape[b.rank - 2];
  if (k !== kb)
    throw new RangeError(`matmul: ${text(a)} x ${text(b)} (inner dimensions ${k} and ${kb} differ)`);
  if (a.rank === 2 && b.rank === 1) return mv(a, b, false);
  if (a.rank === 1 && b.rank === 2) return mv(b, a, true);
  const a2 = a.rank === 1 ? reshape(a, [1, k]) : a;
  const b2 = b.rank === 1 ? reshape(b, [k, 1]) : b;
  let out: Tensor;
  if (a2.rank === 2 && b2.rank === 2) out = mm(a2, b2, false, false, false);
  else {
    const batch = broadcastShapes('matmul', a2.shape.slice(0, -2), b2.shape.slice(0, -2));
    const fit = (t: Tensor) =>
      t.rank === 2 || sameShape(t.shape.slice(0, -2), batch)
        ? t
        : broadcastTo(t, [...batch, ...t.shape.slice(-2)]);
    out = mm(fit(a2), fit(b2), false, false, false);
  }
  if (a.rank === 1 && b.rank === 1) return reshape(out, []);
  if (a.rank === 1) return reshape(out, [...out.shape.slice(0, -2), out.shape[out.rank - 1]]);
  if (b.rank === 1) return reshape(out, out.shape.slice(0, -1));
  return out;
}

const batched = (t: Tensor) => t.rank > 2;

/**
 * op(A) op(B) for A, B each [r, c] or [...batch, r, c] (one batch shape); with `sumBatch` the
 * batch of products is summed into one [m, n] matrix.
 */
export function mm(a: Tensor, b: Tensor, ta: boolean, tb: boolean, sumBatch: boolean): Tensor {
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const n = tb ? br : bc;
  if ((tb ? bc : br) !== k) throw new RangeError(`matmul: ${text(a)} x ${text(b)} (inner dimensions differ)`);
  const batchShape = batched(a) ? a.shape.slice(0, -2) : batched(b) ? b.shape.slice(0, -2) : [];
  const count = shapeSize(batchShape);
  const outShape = sumBatch || batchShape.length === 0 ? [m, n] : [...batchShape, m, n];
  const out = empty(outShape, a.dtype);
  const A = { data: a.buffer, stride: batched(a) ? m * k : 0 };
  const B = { data: b.buffer, stride: batched(b) ? k * n : 0 };
  const opts = { transA: ta, transB: tb };
  if (!sumBatch || count <= 1) {
    gemmBatched(count, m, n, k, A, B, { data: out.buffer, stride: m * n }, opts);
  } else {
    gemmBatched(1, m, n, k, A, B, { data: out.buffer, stride: 0 }, opts);
    const rest = (o: { data: typeof A.data; stride: number }) => ({ ...o, offset: o.stride });
    gemmBatched(count - 1, m, n, k, rest(A), rest(B), { data: out.buffer, stride: 0 }, { ...opts, beta: 1 });
  }
  if (count === 0 && !sumBatch) return out;
  if (count === 0) out.data.fill(0);
  return record(out, 'matmul', [a, b], (g) => {
    // a product of two factors for the gradient of `target` (batched like it, or summed into it)
    const prod = (x: Tensor, y: Tensor, tx: boolean, ty: boolean, target: Tensor) => {
      const anyBatched = batched(x) || batched(y);
      const r = mm(x, y, tx, ty, anyBatched && !batched(target));
      return batched(target) && !batched(r) ? broadcastTo(r, target.shape) : r;
    };
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (a.requiresGrad) {
      if (!ta) ga = tb ? prod(g, b, false, false, a) : prod(g, b, false, true, a);
      else ga = tb ? prod(b, g, true, true, a) : prod(b, g, false, true, a);
    }
    if (b.requiresGrad) {
      if (!tb) gb = ta ? prod(a, g, false, false, b) : prod(a, g, true, false, b);
      else gb = ta ? prod(g, a, true, true, b) : prod(g, a, true, false, b);
    }
    return [ga, gb];
  });
}

/** y = op(A) x for a matrix A [m, n] and a vector x (gemv); differentiable in both. */
export function mv(A: Tensor, x: Tensor, trans: boolean): Tensor {
  const [m, n] = A.shape;
  const out = empty([trans ? n : m], A.dtype);
  gemv({ rows: m, cols: n, data: A.buffer }, x.buffer, out.buffer, { trans });
  return record(out, 'matmul', [A, x], (g) => {
    const outer = (u: Tensor, v: Tensor) => mul(reshape(u, [u.size, 1]), reshape(v, [1, v.size]));
    return [
      A.requiresGrad ? (trans ? outer(x, g) : outer(g, x)) : null,
      x.requiresGrad ? mv(A, g, !trans) : null,
    ];
  });
}
