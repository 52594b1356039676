/**
 * Element-wise tensor ops over kernel memory (f32 or f64, by the arrays' dtype): unary ops,
 * affine, scalar powers, broadcast binary ops and select. Outputs are contiguous row-major.
 *
 * Broadcasting is by strides: for an output `shape`, each input gives one element stride per
 * output dim (0 on a broadcast dim), so out[i_0..i_k] = op(a[Σ i_d aStrides_d], b[Σ i_d bStrides_d]).
 * E.g. a [3, 1] times b [1, 4] into out [3, 4]: aStrides [1, 0], bStrides [0, 1].
 *
 * Aliasing: unary/affine/powScalar may write into x itself; binary and select may write into an
 * input that is not broadcast (the same array, row-major strides). Any other overlap throws.
 */
import type { DType, WasmArray } from './arena.js';
import { checkArray, checkLength, checkNoOverlap, checkPair } from './checks.js';
import { typedKernel } from './exports.js';
import { checkShape, checkStrides, isRowMajor, packDims } from './strides.js';

export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'square'
  | 'sqrt'
  | 'reciprocal'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'expm1'
  | 'sin'
  | 'cos'
  | 'softplus'
  | 'relu'
  | 'step'
  | 'sigmoid'
  | 'tanh';

export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge';

// The op codes of assembly/elementwise.ts, in order.
const UNARY_OPS: readonly UnaryOp[] = [
  'neg',
  'abs',
  'sign',
  'square',
  'sqrt',
  'reciprocal',
  'exp',
  'log',
  'log1p',
  'expm1',
  'sin',
  'cos',
  'softplus',
  'relu',
  'step',
  'sigmoid',
  'tanh',
];
const BINARY_OPS: readonly BinaryOp[] = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
];
const unaryCodes = new Map<string, number>(UNARY_OPS.map((op, i) => [op, i]));
const binaryCodes = new Map<string, number>(BINARY_OPS.map((op, i) => [op, i]));

function codeOf(codes: Map<string, number>, names: readonly string[], op: string): number {
  const code = codes.get(op);
  if (code === undefined)
    throw new RangeError(`Invalid op: ${String(op)} (expected one of ${names.join(', ')})`);
  return code;
}

/** Checks x -> out of one dtype and length, out being x itself or apart from it; returns the dtype. */
function checkUnary(x: WasmArray, out: WasmArray): DType {
  const dt = checkPair('x', x, 'out', out);
  if (out.ptr !== x.ptr) checkNoOverlap('out', out, 'x', x);
  return dt;
}

function checkNumber(name: string, v: number): void {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
}

const kUnary = typedKernel('unary');
const kAffine = typedKernel('affine');
const kPowScalar = typedKernel('powScalar');
const kElu = typedKernel('elu');
const kEluBackward = typedKernel('eluBackward');
const kBinary = typedKernel('binary');
const kSelect = typedKernel('select');

/**
 * out = op(x) element-wise; out may be x itself. 'step' is (x > 0 ? 1 : 0) (relu's derivative),
 * 'sign' is torch.sign (0 at ±0, NaN stays NaN), softplus = log(1 + e^x) computed stably
 * (max(x, 0) + log1p(e^{-|x|})). exp, softplus, sigmoid, tanh run in SIMD (transcendental.ts);
 * log, log1p, expm1, sin, cos call the scalar NativeMath functions inside wasm (f64, then rounded
 * once for f32).
 */
export function unary(op: UnaryOp, x: WasmArray, out: WasmArray): void {
  const code = codeOf(unaryCodes, UNARY_OPS, op);
  kUnary(checkUnary(x, out))(code, x.length, x.ptr, out.ptr);
}

/** out = alpha * x + beta (scalars; rounded to f32 for f32 arrays); out may be x. */
export function affine(x: WasmArray, alpha: number, beta: number, out: WasmArray): void {
  checkNumber('alpha', alpha);
  checkNumber('beta', beta);
  kAffine(checkUnary(x, out))(x.length, x.ptr, alpha, beta, out.ptr);
}

/** out = x^p for a scalar p (p = 2 -> x*x exactly, p = 0.5 -> sqrt, p = -1 -> 1/x; else pow). out may be x. */
export function powScalar(x: WasmArray, p: number, out: WasmArray): void {
  checkNumber('p', p);
  kPowScalar(checkUnary(x, out))(x.length, x.ptr, p, out.ptr);
}

/** ELU: out = x > 0 ? x : alpha (e^x - 1) (SIMD expm1, accurate near 0); out may be x. */
export function elu(x: WasmArray, alpha: number, out: WasmArray): void {
  checkNumber('alpha', alpha);
  kElu(checkUnary(x, out))(x.length, x.ptr, alpha, out.ptr);
}

/** ELU's backward from the saved INPUT x: dx = dy (x > 0 ? 1 : alpha e^x); dx may be dy. */
export function eluBackward(x: WasmArray, alpha: number, dy: WasmArray, dx: WasmArray): void {
  checkNumber('alpha', alpha);
  const dt = checkPair('x', x, 'dy', dy);
  checkPair('dy', dy, 'dx', dx);
  if (dx.ptr !== dy.ptr) checkNoOverlap('dx', dx, 'dy', dy);
  if (dx.ptr !== x.ptr) checkNoOverlap('dx', dx, 'x', x);
  kEluBackward(dt)(x.length, x.ptr, alpha, dy.ptr, dx.ptr);
}

/**
 * Throws unless `out` lies apart from `input`, or is `input` itself read with row-major strides
 * (then element i is read before it is written, at the same place).
 */
function checkAlias(
  inName: string,
  input: WasmArray,
  strides: readonly number[],
  out: WasmArray,
  shape: readonly number[],
): void {
  if (out.ptr === input.ptr && isRowMajor(strides, shape)) return;
  if (out.ptr === input.ptr) {
    throw new RangeError(`out is ${inName} but ${inName} is broadcast or strided; use a separate out`);
  }
  checkNoOverlap('out', out, inName, input);
}

/**
 * Broadcast binary op. `shape` is the OUTPUT shape (rank 0..8, out contiguous row-major,
 * out.length = prod(shape)); aStrides/bStrides are element strides per output dim (0 on a
 * broadcast dim): out[i_0..i_k] = op(a[Σ i_d aStrides_d], b[Σ i_d bStrides_d]).
 * Comparisons write 1 or 0; maximum/minimum propagate NaN (as torch); pow is NativeMath.pow per
 * element. out may be a or b when that input is not broadcast.
 */
export function binary(
  op: BinaryOp,
  a: WasmArray,
  aStrides: readonly number[],
  b: WasmArray,
  bStrides: readonly number[],
  out: WasmArray,
  shape: readonly number[],
): void {
  const code = codeOf(binaryCodes, BINARY_OPS, op);
  checkArray('a', a);
  checkArray('b', b, a.dtype);
  checkArray('out', out, a.dtype);
  const size = checkShape('shape', shape);
  checkLength('out', out, size);
  checkStrides('aStrides', aStrides, shape, 'a', a, 0, size);
  checkStrides('bStrides', bStrides, shape, 'b', b, 0, size);
  if (size === 0) return;
  checkAlias('a', a, aStrides, out, shape);
  checkAlias('b', b, bStrides, out, shape);
  const rank = packDims(shape, aStrides, bStrides);
  kBinary(a.dtype)(code, rank, a.ptr, b.ptr, out.ptr);
}

/** out = cond != 0 ? a : b (NaN counts as true), all three broadcast by strides as in `binary`. */
export function select(
  cond: WasmArray,
  condStrides: readonly number[],
  a: WasmArray,
  aStrides: readonly number[],
  b: WasmArray,
  bStrides: readonly number[],
  out: WasmArray,
  shape: readonly number[],
): void {
  checkArray('cond', cond);
  checkArray('a', a, cond.dtype);
  checkArray('b', b, cond.dtype);
  checkArray('out', out, cond.dtype);
  const size = checkShape('shape', shape);
  checkLength('out', out, size);
  checkStrides('condStrides', condStrides, shape, 'cond', cond, 0, size);
  checkStrides('aStrides', aStrides, shape, 'a', a, 0, size);
  checkStrides('bStrides', bStrides, shape, 'b', b, 0, size);
  if (size === 0) return;
  checkAlias('cond', cond, condStrides, out, shape);
  checkAlias('a', a, aStrides, out, shape);
  checkAlias('b', b, bStrides, out, shape);
  const rank = packDims(shape, condStrides, aStrides, bStrides);
  kSelect(cond.dtype)(rank, cond.ptr, a.ptr, b.ptr, out.ptr);
}
