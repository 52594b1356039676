/**
 * Element-wise arithmetic with NumPy broadcasting, each op differentiable (its backward is written
 * with these same ops, so it can be differentiated again):
 *
 *   add  a + b        ā = ḡ,            b̄ = ḡ
 *   sub  a − b        ā = ḡ,            b̄ = −ḡ
 *   mul  a b          ā = ḡ b,          b̄ = ḡ a
 *   div  a / b        ā = ḡ / b,        b̄ = −ḡ y / b            (y = a / b)
 *   pow  a^b          ā = ḡ b a^(b−1) (0 where b = 0),  b̄ = ḡ y log a (0 where a = 0, b ≥ 0), as torch
 *   maximum/minimum   ḡ to the larger/smaller input, split in halves on ties (as torch)
 *
 * and each input's gradient is summed over the axes it was broadcast along (`reduceTo`).
 * Unary: neg, abs (ḡ sign x), sign (0), square (2ḡx), sqrt (ḡ / 2y), reciprocal (−ḡ y²),
 * exp (ḡ y), log (ḡ / x), log1p (ḡ / (1 + x)), expm1 (ḡ (y + 1)), sin (ḡ cos x), cos (−ḡ sin x).
 * A JS number operand takes the tensor's dtype. Both tensor operands must share a dtype.
 */
import {
  type BinaryOp,
  affine as kAffine,
  binary as kBinary,
  powScalar as kPowScalar,
  select as kSelect,
  unary as kUnary,
  type UnaryOp,
} from '@descent/kernels';
import { broadcastShapes, broadcastStrides } from '../broadcast.js';
import { record } from '../graph.js';
import { empty, type Shape, sameShape, scalar, type Tensor, type TensorLike } from '../tensor.js';
import { reduceTo } from './reduce.js';

function checkTensor(op: string, name: string, t: Tensor): void {
  if (t?.isTensor !== true) throw new TypeError(`${op}: ${name} must be a Tensor or a number`);
  if (t.freed) throw new Error(`${op}: ${name} was freed (by tidy() or free())`);
}

/** Both operands as tensors of one dtype (a number takes the other operand's dtype). */
function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number')
    throw new TypeError(`${op}: at least one operand must be a Tensor`);
  const ta = typeof a === 'number' ? scalar(a, (b as Tensor).dtype) : a;
  const tb = typeof b === 'number' ? scalar(b, ta.dtype) : b;
  checkTensor(op, 'a', ta);
  checkTensor(op, 'b', tb);
  if (ta.dtype !== tb.dtype) throw new TypeError(`${op}: dtypes differ (${ta.dtype} and ${tb.dtype})`);
  return [ta, tb];
}

const ONE = [1];

/** The raw broadcast kernel call: out = op(a, b), no graph. */
export function binaryRaw(kop: BinaryOp, op: string, a: Tensor, b: Tensor): Tensor {
  const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(op, a.shape, b.shape);
  const out = empty(shape, a.dtype);
  kBinary(
    kop,
    a.buffer,
    broadcastStrides(a.shape, shape),
    b.buffer,
    broadcastStrides(b.shape, shape),
    out.buffer,
    shape,
  );
  return out;
}

/** The raw unary kernel call: out = op(x), no graph. */
export function unaryRaw(kop: UnaryOp, x: Tensor): Tensor {
  const out = empty(x.shape, x.dtype);
  kUnary(kop, x.buffer, out.buffer);
  return out;
}

/** α x + β, no graph. */
function affineRaw(x: Tensor, alpha: number, beta: number): Tensor {
  const out = empty(x.shape, x.dtype);
  kAffine(x.buffer, alpha, beta, out.buffer);
  return out;
}

/** α x + β for scalars α, β (differentiable in x: x̄ = α ḡ). */
export function affine(x: Tensor, alpha: number, beta: number): Tensor {
  checkTensor('affine', 'x', x);
  const out = affineRaw(x, alpha, beta);
  return record(out, 'affine', [x], (g) => [alpha === 1 ? g : affine(g, alpha, 0)]);
}

export function add(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && typeof a !== 'number') return affine(a, 1, b);
  if (typeof a === 'number' && typeof b !== 'number') return affine(b, 1, a);
  const [x, y] = operands('add', a, b);
  const out = binaryRaw('add', 'add', x, y);
  return record(out, 'add', [x, y], (g) => [reduceTo(g, x.shape), reduceTo(g, y.shape)]);
}

export function sub(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && typeof a !== 'number') return affine(a, 1, -b);
  if (typeof a === 'number' && typeof b !== 'number') return affine(b, -1, a);
  const [x, y] = operands('sub', a, b);
  const out = binaryRaw('sub', 'sub', x, y);
  return record(out, 'sub', [x, y], (g) => [
    reduceTo(g, x.shape),
    y.requiresGrad ? reduceTo(neg(g), y.shape) : null,
  ]);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && typeof a !== 'number') return affine(a, b, 0);
  if (typeof a === 'number' && typeof b !== 'number') return affine(b, a, 0);
  const [x, y] = operands('mul', a, b);
  const out = binaryRaw('mul', 'mul', x, y);
  return record(out, 'mul', [x, y], (g) => [
    x.requiresGrad ? reduceTo(mul(g, y), x.shape) : null,
    y.requiresGrad ? reduceTo(mul(g, x), y.shape) : null,
  ]);
}

export function div(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('div', a, b);
  const out = binaryRaw('div', 'div', x, y);
  return record(
    out,
    'div',
    [x, y],
    (g) => [
      x.requiresGrad ? reduceTo(div(g, y), x.shape) : null,
      y.requiresGrad ? reduceTo(neg(div(mul(g, out), y)), y.shape) : null,
    ],
    [out],
  );
}

/** a^b; a scalar exponent uses the exact paths for 2, 0.5, −1 (see powScalar in the kernels). */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && typeof a !== 'number') return powScalar(a, b);
  const [x, y] = operands('pow', a, b);
  const out = binaryRaw('pow', 'pow', x, y);
  return record(
    out,
    'pow',
    [x, y],
    (g) => [
      x.requiresGrad ? reduceTo(mul(g, powBaseGrad(x, y)), x.shape) : null,
      y.requiresGrad ? reduceTo(mul(g, powExponentGrad(x, y, out)), y.shape) : null,
    ],
    [out],
  );
}

/** b a^(b−1), with 0 where b = 0 (torch's masked_fill: d/da a⁰ = 0 even at a = 0, not 0·∞). */
function powBaseGrad(a: Tensor, b: Tensor): Tensor {
  const zeroExponent = binaryRaw('eq', 'pow', b, scalar(0, b.dtype));
  return where(zeroExponent, scalar(0, a.dtype), mul(b, pow(a, sub(b, 1))));
}

/** y log a, with 0 where a = 0 and b ≥ 0 (torch's masked_fill). */
function powExponentGrad(a: Tensor, b: Tensor, y: Tensor): Tensor {
  const full = mul(y, log(a));
  const zeroBase = mul(
    binaryRaw('eq', 'pow', a, scalar(0, a.dtype)),
    binaryRaw('ge', 'pow', b, scalar(0, b.dtype)),
  );
  return where(zeroBase, scalar(0, a.dtype), full);
}

/** x^p for a number p: x̄ = ḡ p x^(p−1). */
export function powScalar(x: Tensor, p: number): Tensor {
  checkTensor('pow', 'x', x);
  if (typeof p !== 'number' || Number.isNaN(p)) throw new RangeError(`pow: invalid exponent ${p}`);
  const out = empty(x.shape, x.dtype);
  kPowScalar(x.buffer, p, out.buffer);
  return record(out, 'pow', [x], (g) => [
    p === 0
      ? null
      : p === 1
        ? g
        : p === 2
          ? mul(g, affine(x, 2, 0))
          : mul(g, affine(powScalar(x, p - 1), p, 0)),
  ]);
}

function tieSplit(op: 'maximum' | 'minimum', a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(op, a, b);
  const out = binaryRaw(op, op, x, y);
  return record(out, op, [x, y], (g) => {
    // share of x: 1 where x wins, ½ on ties, 0 where y wins (NaN compares false: all to neither)
    const wins = binaryRaw(op === 'maximum' ? 'gt' : 'lt', op, x, y);
    const ties = binaryRaw('eq', op, x, y);
    const shareX = add(wins, affine(ties, 0.5, 0));
    const shareY = affine(add(shareX, affine(binaryRaw('ne', op, x, x), 1, 0)), -1, 1);
    return [
      x.requiresGrad ? reduceTo(mul(g, shareX), x.shape) : null,
      y.requiresGrad ? reduceTo(mul(g, shareY), y.shape) : null,
    ];
  });
}

/** Element-wise maximum (NaN propagates). */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return tieSplit('maximum', a, b);
}

/** Element-wise minimum (NaN propagates). */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return tieSplit('minimum', a, b);
}

/** Comparisons: 1 where true, 0 where false; no gradient flows through them. */
export const eq = (a: TensorLike, b: TensorLike) => binaryRaw('eq', 'eq', ...operands('eq', a, b));
export const ne = (a: TensorLike, b: TensorLike) => binaryRaw('ne', 'ne', ...operands('ne', a, b));
export const lt = (a: TensorLike, b: TensorLike) => binaryRaw('lt', 'lt', ...operands('lt', a, b));
export const le = (a: TensorLike, b: TensorLike) => binaryRaw('le', 'le', ...operands('le', a, b));
export const gt = (a: TensorLike, b: TensorLike) => binaryRaw('gt', 'gt', ...operands('gt', a, b));
export const ge = (a: TensorLike, b: TensorLike) => binaryRaw('ge', 'ge', ...operands('ge', a, b));

/**
 * where(cond, a, b): a where cond ≠ 0, else b, all three broadcast together.
 * ā = where(cond, ḡ, 0), b̄ = where(cond, 0, ḡ); cond gets no gradient.
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', 'cond', cond);
  const [x, y] = operands('where', a, b);
  if (cond.dtype !== x.dtype) throw new TypeError(`where: cond is ${cond.dtype}, a and b are ${x.dtype}`);
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, x.shape), y.shape);
  const out = empty(shape, x.dtype);
  kSelect(
    cond.buffer,
    broadcastStrides(cond.shape, shape),
    x.buffer,
    broadcastStrides(x.shape, shape),
    y.buffer,
    broadcastStrides(y.shape, shape),
    out.buffer,
    shape,
  );
  return record(
    out,
    'where',
    [x, y],
    (g) => {
      const zero = scalar(0, g.dtype);
      return [
        x.requiresGrad ? reduceTo(where(cond, g, zero), x.shape) : null,
        y.requiresGrad ? reduceTo(where(cond, zero, g), y.shape) : null,
      ];
    },
    [cond],
  );
}

/**
 * clamp(x, min, max) = min(max(x, min), max) with either bound optional; x̄ = ḡ where
 * min ≤ x ≤ max (bounds inclusive, as torch), 0 elsewhere.
 */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  checkTensor('clamp', 'x', x);
  if (min === undefined && max === undefined) throw new RangeError('clamp: give min, max or both');
  if ((min !== undefined && Number.isNaN(min)) || (max !== undefined && Number.isNaN(max)))
    throw new RangeError(`clamp: invalid bounds (${min}, ${max})`);
  let out = x;
  let mask: Tensor | null = null;
  if (min !== undefined) {
    const lo = scalar(min, x.dtype);
    out = binaryRaw('maximum', 'clamp', out, lo);
    mask = binaryRaw('ge', 'clamp', x, lo);
  }
  if (max !== undefined) {
    const hi = scalar(max, x.dtype);
    out = binaryRaw('minimum', 'clamp', out, hi);
    const m = binaryRaw('le', 'clamp', x, hi);
    mask = mask ? binaryRaw('mul', 'clamp', mask, m) : m;
  }
  const keepMask = mask as Tensor;
  return record(out, 'clamp', [x], (g) => [mul(g, keepMask)], [keepMask]);
}

function unaryOp(kop: UnaryOp, x: Tensor, backward: ((g: Tensor, y: Tensor) => Tensor) | null): Tensor {
  checkTensor(kop, 'x', x);
  const out = unaryRaw(kop, x);
  if (!backward) return out;
  return record(out, kop, [x], (g) => [backward(g, out)], [out]);
}

export const neg = (x: Tensor): Tensor => affine(x, -1, 0);
export const abs = (x: Tensor): Tensor => unaryOp('abs', x, (g) => mul(g, unaryRaw('sign', x)));
/** sign(x): −1, 0 or 1 (NaN stays NaN); its gradient is 0. */
export const sign = (x: Tensor): Tensor => unaryOp('sign', x, null);
export const square = (x: Tensor): Tensor => unaryOp('square', x, (g) => mul(g, affine(x, 2, 0)));
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', x, (g, y) => div(affine(g, 0.5, 0), y));
export const reciprocal = (x: Tensor): Tensor => unaryOp('reciprocal', x, (g, y) => neg(mul(g, square(y))));
export const exp = (x: Tensor): Tensor => unaryOp('exp', x, (g, y) => mul(g, y));
export const log = (x: Tensor): Tensor => unaryOp('log', x, (g) => div(g, x));
export const log1p = (x: Tensor): Tensor => unaryOp('log1p', x, (g) => div(g, affine(x, 1, 1)));
export const expm1 = (x: Tensor): Tensor => unaryOp('expm1', x, (g, y) => mul(g, affine(y, 1, 1)));
export const sin = (x: Tensor): Tensor => unaryOp('sin', x, (g) => mul(g, cos(x)));
export const cos = (x: Tensor): Tensor => unaryOp('cos', x, (g) => neg(mul(g, sin(x))));

/** A tensor of ones shaped like t. */
export function onesLike(t: Tensor): Tensor {
  const out = empty(t.shape, t.dtype);
  out.data.fill(1);
  return out;
}

/** A tensor of zeros shaped like t. */
export function zerosLike(t: Tensor): Tensor {
  const out = empty(t.shape, t.dtype);
  out.data.fill(0);
  return out;
}

export type { Shape };
