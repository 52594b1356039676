/**
 * Level-1 BLAS over kernel memory (f32 or f64, chosen by the arrays' dtype). Each function checks
 * its arguments (same dtype, same length, finite scalars) and names the one at fault.
 */
import type { WasmArray } from './arena.js';
import { checkArray, checkPair, checkScalar } from './checks.js';
import { typedKernel } from './exports.js';

const kDot = typedKernel('dot');
const kAxpy = typedKernel('axpy');
const kScal = typedKernel('scal');
const kCopy = typedKernel('copy');
const kSum = typedKernel('sum');
const kSumSquares = typedKernel('sumSquares');
const kMaxAbs = typedKernel('maxAbs');
const kNrm2 = typedKernel('nrm2');
const kAllFinite = typedKernel('allFinite');

/** dot(x, y) = Σ_i x_i y_i. */
export function dot(x: WasmArray, y: WasmArray): number {
  const dt = checkPair('x', x, 'y', y);
  return kDot(dt)(x.length, x.ptr, y.ptr);
}

/** y ← a x + y (in place on y). */
export function axpy(a: number, x: WasmArray, y: WasmArray): void {
  checkScalar('a', a);
  const dt = checkPair('x', x, 'y', y);
  kAxpy(dt)(x.length, a, x.ptr, y.ptr);
}

/** x ← a x (in place). */
export function scal(a: number, x: WasmArray): void {
  checkScalar('a', a);
  checkArray('x', x);
  kScal(x.dtype)(x.length, a, x.ptr);
}

/** y ← x. */
export function copy(x: WasmArray, y: WasmArray): void {
  const dt = checkPair('x', x, 'y', y);
  kCopy(dt)(x.length, x.ptr, y.ptr);
}

/** Σ_i x_i. */
export function sum(x: WasmArray): number {
  checkArray('x', x);
  return kSum(x.dtype)(x.length, x.ptr);
}

/** Σ_i x_i², unscaled: it overflows to Inf where `nrm2` would not. */
export function sumSquares(x: WasmArray): number {
  checkArray('x', x);
  return kSumSquares(x.dtype)(x.length, x.ptr);
}

/** max_i |x_i| (0 for an empty array, NaN if x holds a NaN). */
export function maxAbs(x: WasmArray): number {
  checkArray('x', x);
  return kMaxAbs(x.dtype)(x.length, x.ptr);
}

/**
 * ||x||₂ = √(Σ_i x_i²), safe from overflow and underflow: when the plain sum of squares is not a
 * normal finite number it is recomputed as t √(Σ (x_i / t)²) with t = max_i |x_i| (as LAPACK's
 * dnrm2 scales), so 1e200 in f64 or 1e30 in f32 give the right norm.
 */
export function nrm2(x: WasmArray): number {
  checkArray('x', x);
  return kNrm2(x.dtype)(x.length, x.ptr);
}

/** True iff no element of x is NaN or ±Inf (one cheap pass; stops early at the first bad block). */
export function allFinite(x: WasmArray): boolean {
  checkArray('x', x);
  return kAllFinite(x.dtype)(x.length, x.ptr) !== 0;
}
