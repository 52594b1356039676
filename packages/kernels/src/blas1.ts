/**
 * Level-1 BLAS over kernel memory (f32 or f64, chosen by the arrays' dtype).
 */
import type { WasmArray } from './arena.js';
import { checkPair } from './checks.js';
import { rawKernel } from './exports.js';

/** dot(x, y) = Σ_i x_i y_i. */
export function dot(x: WasmArray, y: WasmArray): number {
  const dt = checkPair('x', x, 'y', y);
  return rawKernel(`dot_${dt}`)(x.length, x.ptr, y.ptr);
}
