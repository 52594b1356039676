/**
 * The raw exports of kernels.wasm, as TypeScript sees them. Pointers are byte addresses; `n`,
 * `rows`, `cols` are element counts. Each family's typed wrapper (blas1.ts, ...) validates its
 * arguments before it calls these.
 */
import { activeRecording } from './threads/recording.js';
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
  if (activeRecording())
    throw new Error(`kernel '${name}' cannot be recorded into a program (only typed kernels can)`);
  const k = wasm()[name];
  if (typeof k !== 'function') throw new Error(`kernels.wasm has no export '${name}'`);
  return k as RawKernel;
}

/**
 * Kernel `name`, fetched from the module on first use. Like typedKernel's, the accessor is called
 * at every use, so a recording in progress (threads/program.ts) sees the call (and refuses it).
 */
export function namedKernel(name: string): () => RawKernel {
  let k: RawKernel | undefined;
  return () => {
    const rec = activeRecording();
    if (rec) return rec.kernel(name);
    return k ?? (k = rawKernel(name));
  };
}

/**
 * The f32 and f64 versions of kernel `name` (`name_f32`, `name_f64`), each fetched from the module
 * once, on first use: hot paths call `k(dtype)` without a string build or a lookup per call.
 */
export function typedKernel(name: string): (dtype: 'f32' | 'f64') => RawKernel {
  let f32: RawKernel | undefined;
  let f64: RawKernel | undefined;
  return (dtype) => {
    const rec = activeRecording();
    if (rec) return rec.kernel(`${name}_${dtype}`);
    if (dtype === 'f32') return f32 ?? (f32 = rawKernel(`${name}_f32`));
    return f64 ?? (f64 = rawKernel(`${name}_f64`));
  };
}

/**
 * The names of the module's function exports, in export order: a kernel's index in this list is how
 * the worker pool and recorded programs name it (every thread's instance has the same exports).
 */
export function functionExportNames(): string[] {
  const e = wasm();
  return Object.keys(e).filter((k) => typeof e[k] === 'function');
}

let inOrder: RawKernel[] | undefined;

/** This thread's kernels in the order of `functionExportNames()` (how programs and jobs name them). */
export function kernelsInExportOrder(): RawKernel[] {
  if (!inOrder) {
    const e = wasm();
    inOrder = functionExportNames().map((n) => e[n] as RawKernel);
  }
  return inOrder;
}
