import { describe, expect, it } from 'vitest';
import { kernelsWasmBase64 } from '../generated/kernels-wasm.js';
import { memoryImport, withPassiveData, withSharedMemory } from './wasm-bytes.js';

const built = Uint8Array.from(atob(kernelsWasmBase64), (c) => c.charCodeAt(0));

function memory(shared: boolean): WebAssembly.Memory {
  const { initial, maximum } = memoryImport(built);
  return new WebAssembly.Memory({ initial, maximum, shared });
}

describe('the memory import', () => {
  it('is env.memory with the asconfig limits: 16 pages initially, at most 65,536', () => {
    const { initial, maximum } = memoryImport(built);
    expect([initial, maximum]).toEqual([16, 65536]);
    expect(WebAssembly.Module.imports(new WebAssembly.Module(built))).toEqual([
      { module: 'env', name: 'memory', kind: 'memory' },
    ]);
  });

  it('as built takes an unshared memory only; patched shared (flag 0x03), a shared one only', () => {
    const plain = new WebAssembly.Module(withSharedMemory(built, false));
    const shared = new WebAssembly.Module(withSharedMemory(built, true));
    expect(() => new WebAssembly.Instance(plain, { env: { memory: memory(false) } })).not.toThrow();
    expect(() => new WebAssembly.Instance(plain, { env: { memory: memory(true) } })).toThrow(
      WebAssembly.LinkError,
    );
    expect(() => new WebAssembly.Instance(shared, { env: { memory: memory(true) } })).not.toThrow();
    expect(() => new WebAssembly.Instance(shared, { env: { memory: memory(false) } })).toThrow(
      WebAssembly.LinkError,
    );
  });
});

describe('passive data segments (what workers instantiate)', () => {
  /** Static data bytes (below heapBase) after instantiating `bytes` on a memory filled with 0xab. */
  function staticAfter(bytes: Uint8Array<ArrayBuffer>): { data: Uint8Array; heapBase: number } {
    const mem = memory(false);
    new Uint8Array(mem.buffer).fill(0xab);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: mem } });
    const heapBase = (inst.exports.heapBase as () => number)();
    return { data: new Uint8Array(mem.buffer, 0, heapBase), heapBase };
  }

  it('the built module writes its static data when instantiated; the passive copy writes nothing', () => {
    const active = staticAfter(built);
    expect(active.data.some((b) => b !== 0xab)).toBe(true);
    const passive = staticAfter(withPassiveData(built));
    expect(passive.heapBase).toBe(active.heapBase);
    expect(passive.data.every((b) => b === 0xab)).toBe(true);
  });

  it('the passive copy computes the same as the built module (its code is untouched)', () => {
    const mem = memory(false);
    const a = new WebAssembly.Instance(new WebAssembly.Module(built), { env: { memory: mem } });
    // instantiated after `a` initialised the static data it reads (as workers are)
    const b = new WebAssembly.Instance(new WebAssembly.Module(withPassiveData(built)), {
      env: { memory: mem },
    });
    const f32 = new Float32Array(mem.buffer, 1 << 16, 64);
    for (let i = 0; i < 64; i++) f32[i] = Math.sin(i);
    const dot = (x: WebAssembly.Instance) =>
      (x.exports.dot_f32 as (...a: number[]) => number)(64, 1 << 16, 1 << 16);
    expect(dot(b)).toBe(dot(a));
  });
});
