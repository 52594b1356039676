/** Argument checks shared by the typed kernel wrappers: each error names the argument at fault. */
import type { DType, WasmArray } from './arena.js';

/** Throws unless `a` is a live WasmArray (of `dtype`, when given). */
export function checkArray(name: string, a: WasmArray, dtype?: DType): void {
  if (!a || typeof a !== 'object' || typeof a.dtype !== 'string') {
    throw new TypeError(`${name} must be a WasmArray (from alloc() or fromArray())`);
  }
  if (a.freed) throw new Error(`${name} was freed`);
  if (dtype !== undefined && a.dtype !== dtype) {
    throw new TypeError(`${name} has dtype ${a.dtype}, expected ${dtype}`);
  }
}

/** Throws unless `a` holds at least (or, with `exact`, exactly) `n` elements. */
export function checkLength(name: string, a: WasmArray, n: number, exact = true): void {
  if (exact ? a.length !== n : a.length < n) {
    throw new RangeError(`${name} has length ${a.length}, expected ${exact ? '' : 'at least '}${n}`);
  }
}

/** Throws unless x and y have the same dtype and length; returns the dtype. */
export function checkPair(xName: string, x: WasmArray, yName: string, y: WasmArray): DType {
  checkArray(xName, x);
  checkArray(yName, y, x.dtype);
  if (x.length !== y.length) {
    throw new RangeError(`Length mismatch: ${xName} has ${x.length} elements, ${yName} has ${y.length}`);
  }
  return x.dtype;
}

/** Throws unless `v` is a finite number. */
export function checkScalar(name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`Invalid ${name}: ${v}`);
}

/** Throws unless `v` is a non-negative integer. */
export function checkDim(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0)
    throw new RangeError(`Invalid ${name}: ${v} (expected a non-negative integer)`);
}

/** Throws unless the memory of `x` and `y` is disjoint (for outputs that must not alias inputs). */
export function checkNoOverlap(xName: string, x: WasmArray, yName: string, y: WasmArray): void {
  const xEnd = x.ptr + x.length * (x.dtype === 'f32' ? 4 : 8);
  const yEnd = y.ptr + y.length * (y.dtype === 'f32' ? 4 : 8);
  if (x.length > 0 && y.length > 0 && x.ptr < yEnd && y.ptr < xEnd) {
    throw new RangeError(`${xName} overlaps ${yName} in memory; the output must be a separate array`);
  }
}
