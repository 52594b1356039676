/**
 * Both builds of the kernels side by side in one process, for the tests that compare them
 * (relaxed-simd.test.ts): each instantiated from its embedded bytes on a memory of its own,
 * independently of which build `wasm()` chose, with a bump allocator above its static data.
 */
import { kernelsWasmBase64 } from '../generated/kernels-wasm.js';
import { kernelsWasmRelaxedBase64 } from '../generated/kernels-wasm-relaxed.js';

export type Build = 'plain' | 'relaxed';
type Fn = (...args: number[]) => number;

export interface Instance {
  build: Build;
  call(name: string, ...args: number[]): number;
  /** Copies `values` into a fresh aligned block and returns its byte address. */
  put(values: Float32Array | Float64Array): number;
  /** A fresh zeroed block of `bytes` bytes. */
  alloc(bytes: number): number;
  f32(ptr: number, n: number): Float32Array;
  f64(ptr: number, n: number): Float64Array;
}

function decode(b64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
}

/** True when this engine validates the relaxed build (Node 20 needs --experimental-wasm-relaxed-simd). */
export function relaxedAvailable(): boolean {
  const bytes = decode(kernelsWasmRelaxedBase64);
  return WebAssembly.validate(bytes);
}

export function instantiate(build: Build): Instance {
  const module = new WebAssembly.Module(
    decode(build === 'relaxed' ? kernelsWasmRelaxedBase64 : kernelsWasmBase64),
  );
  const importsMemory = WebAssembly.Module.imports(module).some((i) => i.kind === 'memory');
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536 });
  const exports = new WebAssembly.Instance(module, importsMemory ? { env: { memory } } : {}).exports;
  const mem = importsMemory ? memory : (exports.memory as WebAssembly.Memory);
  const fn = (name: string): Fn => {
    const f = exports[name];
    if (typeof f !== 'function') throw new Error(`the ${build} build exports no ${name}`);
    return f as Fn;
  };
  let top = fn('heapBase')();
  const alloc = (bytes: number): number => {
    const at = top;
    top = (top + bytes + 15) & ~15;
    const need = top - mem.buffer.byteLength;
    if (need > 0) mem.grow(Math.ceil(need / 65536));
    new Uint8Array(mem.buffer, at, bytes).fill(0);
    return at;
  };
  return {
    build,
    call: (name, ...args) => fn(name)(...args),
    put(values) {
      const at = alloc(values.byteLength);
      new Uint8Array(mem.buffer, at, values.byteLength).set(
        new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
      );
      return at;
    },
    alloc,
    f32: (ptr, n) => new Float32Array(mem.buffer, ptr, n).slice(),
    f64: (ptr, n) => new Float64Array(mem.buffer, ptr, n).slice(),
  };
}
