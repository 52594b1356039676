/**
 * Neural-network primitives over kernel memory (f32 or f64, by the arrays' dtype): bias add,
 * column sums, activations forward and backward, dropout with a given mask.
 *
 * Forward: `act(x, out)` writes out = f(x); `out` may be `x` itself (in place).
 * Backward: `actBackward(saved, dy, dx)` writes dx = dy ⊙ f'(·); `dx` may be `dy`. What is saved:
 *   - relu, leakyRelu, gelu: the INPUT x;
 *   - sigmoid, tanh: the OUTPUT y (f' is a function of y: σ' = y(1 - y), tanh' = 1 - y²).
 * Outputs may be the input array itself but must not partly overlap it.
 */
import type { DType, WasmArray } from './arena.js';
import { checkArray, checkNoOverlap, checkPair, checkScalar } from './checks.js';
import { type RawKernel, typedKernel } from './exports.js';
import { checkMatrix, type WasmMatrix } from './matrix.js';
import {
  CHEAP_MIN,
  COLUMNS_MIN,
  columnsInParts,
  elementsInParts,
  rangeInParts,
  TRANSCENDENTAL_MIN,
} from './threads/nn-parts.js';

/**
 * Element-wise kernel `name`(n, p1..pK, scalars...) of dtype `dt`: in chunks on the worker pool
 * when n >= `min` (the family's crossover, threads/nn-parts.ts) and threads are on, else here.
 * Same bits either way.
 */
function elementwise(
  k: (dt: DType) => RawKernel,
  name: string,
  dt: DType,
  nPtrs: number,
  min: number,
  args: number[],
): void {
  if (args[0] >= min && elementsInParts(`${name}_${dt}`, dt === 'f32' ? 4 : 8, nPtrs, args, min)) return;
  k(dt)(...args);
}

/** Throws unless `out` is `input` itself or lies apart from it in memory. */
function checkSameOrApart(outName: string, out: WasmArray, inName: string, input: WasmArray): void {
  if (out.ptr !== input.ptr) checkNoOverlap(outName, out, inName, input);
}

/** Checks a unary element-wise call f(x) -> out; returns the dtype. */
function checkUnary(xName: string, x: WasmArray, outName: string, out: WasmArray): 'f32' | 'f64' {
  const dt = checkPair(xName, x, outName, out);
  checkSameOrApart(outName, out, xName, x);
  return dt;
}

/** Checks a backward call (saved, dy) -> dx; returns the dtype. */
function checkBackward(savedName: string, saved: WasmArray, dy: WasmArray, dx: WasmArray): 'f32' | 'f64' {
  const dt = checkPair(savedName, saved, 'dy', dy);
  checkPair('dy', dy, 'dx', dx);
  checkSameOrApart('dx', dx, 'dy', dy);
  checkSameOrApart('dx', dx, savedName, saved);
  return dt;
}

const kBiasAdd = typedKernel('biasAdd');
const kColumnSums = typedKernel('columnSums');

/** Y[i, :] += b for every row i (b has Y.cols elements). Updates Y in place. */
export function biasAdd(Y: WasmMatrix, b: WasmArray): void {
  checkMatrix('Y', Y);
  checkArray('b', b, Y.data.dtype);
  if (b.length !== Y.cols) {
    throw new RangeError(`Length mismatch: Y has ${Y.cols} columns, b has ${b.length} elements`);
  }
  checkNoOverlap('b', b, 'Y', Y.data);
  const dt = b.dtype;
  const rowBytes = Y.cols * (dt === 'f32' ? 4 : 8);
  // threads: rows apart (each part the kernel on its rows)
  const parts =
    Y.rows * Y.cols >= CHEAP_MIN &&
    rangeInParts(`biasAdd_${dt}`, Y.rows, 1, Y.rows * Y.cols, CHEAP_MIN, (r0, r1) => [
      r1 - r0,
      Y.cols,
      Y.data.ptr + r0 * rowBytes,
      b.ptr,
    ]);
  if (!parts) kBiasAdd(dt)(Y.rows, Y.cols, Y.data.ptr, b.ptr);
}

export interface ColumnSumsOptions {
  /** add the sums to `out` instead of overwriting it (default false) */
  accumulate?: boolean;
}

/** out[j] = Σ_i dY[i, j] (the bias gradient db), or out[j] += Σ_i dY[i, j] with `accumulate`. */
export function columnSums(dY: WasmMatrix, out: WasmArray, options: ColumnSumsOptions = {}): void {
  const { accumulate = false } = options;
  checkMatrix('dY', dY);
  checkArray('out', out, dY.data.dtype);
  if (out.length !== dY.cols) {
    throw new RangeError(`Length mismatch: dY has ${dY.cols} columns, out has ${out.length} elements`);
  }
  checkNoOverlap('out', out, 'dY', dY.data);
  const dt = out.dtype;
  const acc = accumulate ? 1 : 0;
  // threads: columns apart, each summed over the rows in the same order
  const sz = dt === 'f32' ? 4 : 8;
  const parts =
    dY.rows * dY.cols >= COLUMNS_MIN &&
    columnsInParts(`columnSums_cols_${dt}`, dY.rows, dY.cols, sz, 1, COLUMNS_MIN, [
      dY.data.ptr,
      out.ptr,
      acc,
    ]);
  if (!parts) kColumnSums(dt)(dY.rows, dY.cols, dY.data.ptr, out.ptr, acc);
}

const kRelu = typedKernel('relu');
const kReluBackward = typedKernel('reluBackward');

/** ReLU: out = max(x, 0). */
export function relu(x: WasmArray, out: WasmArray): void {
  elementwise(kRelu, 'relu', checkUnary('x', x, 'out', out), 2, CHEAP_MIN, [x.length, x.ptr, out.ptr]);
}

/** dx = x > 0 ? dy : 0, from the saved input x (gradient 0 at x = 0, as torch). */
export function reluBackward(x: WasmArray, dy: WasmArray, dx: WasmArray): void {
  const dt = checkBackward('x', x, dy, dx);
  elementwise(kReluBackward, 'reluBackward', dt, 3, CHEAP_MIN, [x.length, x.ptr, dy.ptr, dx.ptr]);
}

export interface LeakyReluOptions {
  /** the slope for x <= 0 (torch's negative_slope, default 0.01) */
  negativeSlope?: number;
}

const kLeakyRelu = typedKernel('leakyRelu');
const kLeakyReluBackward = typedKernel('leakyReluBackward');

function slopeOf(options: LeakyReluOptions): number {
  const { negativeSlope = 0.01 } = options;
  checkScalar('negativeSlope', negativeSlope);
  return negativeSlope;
}

/** LeakyReLU: out = x > 0 ? x : negativeSlope x. */
export function leakyRelu(x: WasmArray, out: WasmArray, options: LeakyReluOptions = {}): void {
  const s = slopeOf(options);
  elementwise(kLeakyRelu, 'leakyRelu', checkUnary('x', x, 'out', out), 2, CHEAP_MIN, [
    x.length,
    x.ptr,
    out.ptr,
    s,
  ]);
}

/** dx = x > 0 ? dy : negativeSlope dy, from the saved input x. */
export function leakyReluBackward(
  x: WasmArray,
  dy: WasmArray,
  dx: WasmArray,
  options: LeakyReluOptions = {},
): void {
  const s = slopeOf(options);
  const dt = checkBackward('x', x, dy, dx);
  elementwise(kLeakyReluBackward, 'leakyReluBackward', dt, 3, CHEAP_MIN, [
    x.length,
    x.ptr,
    dy.ptr,
    dx.ptr,
    s,
  ]);
}

const kSigmoid = typedKernel('sigmoid');
const kSigmoidBackward = typedKernel('sigmoidBackward');

/** out = σ(x) = 1 / (1 + e^{-x}), evaluated so that it never overflows (e^{-|x|} only). */
export function sigmoid(x: WasmArray, out: WasmArray): void {
  elementwise(kSigmoid, 'sigmoid', checkUnary('x', x, 'out', out), 2, TRANSCENDENTAL_MIN, [
    x.length,
    x.ptr,
    out.ptr,
  ]);
}

/** dx = dy y (1 - y), from the saved OUTPUT y = σ(x). */
export function sigmoidBackward(y: WasmArray, dy: WasmArray, dx: WasmArray): void {
  const dt = checkBackward('y', y, dy, dx);
  elementwise(kSigmoidBackward, 'sigmoidBackward', dt, 3, CHEAP_MIN, [y.length, y.ptr, dy.ptr, dx.ptr]);
}

const kTanh = typedKernel('tanh');
const kTanhBackward = typedKernel('tanhBackward');

/** out = tanh(x). */
export function tanh(x: WasmArray, out: WasmArray): void {
  elementwise(kTanh, 'tanh', checkUnary('x', x, 'out', out), 2, TRANSCENDENTAL_MIN, [
    x.length,
    x.ptr,
    out.ptr,
  ]);
}

/** dx = dy (1 - y²), from the saved OUTPUT y = tanh(x). */
export function tanhBackward(y: WasmArray, dy: WasmArray, dx: WasmArray): void {
  const dt = checkBackward('y', y, dy, dx);
  elementwise(kTanhBackward, 'tanhBackward', dt, 3, CHEAP_MIN, [y.length, y.ptr, dy.ptr, dx.ptr]);
}

export interface GeluOptions {
  /**
   * 'none' (default): the exact x Φ(x) = x (1 + erf(x/√2))/2;
   * 'tanh': x (1 + tanh(√(2/π)(x + 0.044715 x³)))/2. The names are torch's.
   */
  approximate?: 'none' | 'tanh';
}

const kGelu = typedKernel('gelu');
const kGeluBackward = typedKernel('geluBackward');

function tanhFormOf(options: GeluOptions): number {
  const { approximate = 'none' } = options;
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new RangeError(`Invalid approximate: ${String(approximate)} (expected 'none' or 'tanh')`);
  }
  return approximate === 'tanh' ? 1 : 0;
}

/** GELU: out = x Φ(x) (or its tanh approximation, see GeluOptions). */
export function gelu(x: WasmArray, out: WasmArray, options: GeluOptions = {}): void {
  const t = tanhFormOf(options);
  elementwise(kGelu, 'gelu', checkUnary('x', x, 'out', out), 2, TRANSCENDENTAL_MIN, [
    x.length,
    x.ptr,
    out.ptr,
    t,
  ]);
}

/**
 * dx = dy · d/dx GELU(x), from the saved input x:
 * exact: Φ(x) + x φ(x);  tanh form: (1 + tanh u)/2 + x (1 - tanh² u) u'/2.
 */
export function geluBackward(x: WasmArray, dy: WasmArray, dx: WasmArray, options: GeluOptions = {}): void {
  const t = tanhFormOf(options);
  const dt = checkBackward('x', x, dy, dx);
  elementwise(kGeluBackward, 'geluBackward', dt, 3, TRANSCENDENTAL_MIN, [x.length, x.ptr, dy.ptr, dx.ptr, t]);
}

const kDropout = typedKernel('dropout');

function checkDropoutP(p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`Invalid dropout probability: ${p}`);
}

/**
 * Inverted dropout with a given mask: out = x ⊙ mask / (1 - p); mask holds 0 (dropped) or 1
 * (kept), e.g. from `fillDropoutMask`. p = 1 drops everything (out = 0, as torch). The backward
 * is the same call on dy: dx = dy ⊙ mask / (1 - p). `out` may be `x`.
 */
export function dropout(x: WasmArray, mask: WasmArray, p: number, out: WasmArray): void {
  checkDropoutP(p);
  const dt = checkUnary('x', x, 'out', out);
  checkPair('x', x, 'mask', mask);
  checkSameOrApart('out', out, 'mask', mask);
  elementwise(kDropout, 'dropout', dt, 3, CHEAP_MIN, [
    x.length,
    x.ptr,
    mask.ptr,
    out.ptr,
    p === 1 ? 0 : 1 / (1 - p),
  ]);
}

/**
 * Fills `mask` with independent Bernoulli(1 - p) draws (1 = kept) from `random`, a seeded
 * uniform generator on [0, 1): the randomness stays with the caller's seed.
 */
export function fillDropoutMask(mask: WasmArray, p: number, random: () => number): void {
  checkDropoutP(p);
  checkArray('mask', mask);
  const m = mask.data;
  for (let i = 0; i < m.length; i++) m[i] = random() < p ? 0 : 1;
}
