/**
 * Loading the kernels: one SIMD .wasm, embedded as base64 and instantiated synchronously on first
 * use. No loader library is involved: every kernel takes and returns plain numbers (byte pointers,
 * lengths, scalars), so there is nothing to marshal, and the arena (`arena.ts`) owns the memory.
 */

import type { KernelExports } from './exports.js';
import { kernelsWasmBase64 } from './generated/kernels-wasm.js';

let instance: KernelExports | undefined;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** True when this engine can run the kernels (WebAssembly with fixed-width SIMD). */
export function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(decodeBase64(kernelsWasmBase64));
}

/** The instantiated kernel module (created on first call). */
export function wasm(): KernelExports {
  if (instance) return instance;
  const bytes = decodeBase64(kernelsWasmBase64);
  if (!WebAssembly.validate(bytes)) {
    throw new Error('@descent/kernels needs WebAssembly with fixed-width SIMD (Node 20+, current browsers)');
  }
  const module = new WebAssembly.Module(bytes);
  instance = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  return instance;
}
