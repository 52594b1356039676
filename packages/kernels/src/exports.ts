/**
 * The raw exports of kernels.wasm, as TypeScript sees them. Pointers are byte addresses; `n`,
 * `rows`, `cols` are element counts. Each family's typed wrapper (blas1.ts, ...) validates its
 * arguments before it calls these.
 */
import { wasm } from './wasm.js';

/** A raw kernel: numbers in, a number (or nothing) out. */
export type RawKernel = (...args: number[]) => number;

export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  [kernel: string]: RawKernel | WebAssembly.Memory;
}

/** The raw kernel exported as `name` (throws if the .wasm has no such export). */
export function rawKernel(name: string): RawKernel {
  const k = wasm()[name];
  if (typeof k !== 'function') throw new Error(`kernels.wasm has no export '${name}'`);
  return k as RawKernel;
}
