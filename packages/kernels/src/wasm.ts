/**
 * Loading the kernels: a SIMD .wasm, embedded as base64 and instantiated synchronously on first
 * use. No loader library is involved: every kernel takes and returns plain numbers (byte pointers,
 * lengths, scalars), so there is nothing to marshal, and the arena (`arena.ts`) owns the memory.
 *
 * Which bytes: the relaxed-SIMD build (FMA) when it is embedded and `WebAssembly.validate` accepts
 * it, else the plain SIMD build; `setSimd('plain' | 'relaxed')` before the first kernel call, or
 * the environment variable `DESCENT_SIMD=plain|relaxed` in Node, forces one.
 *
 * Memory: the module imports one `WebAssembly.Memory` (maximum 65,536 pages = 4 GiB). It is
 * shared when the engine allows it (Node always; browsers when `crossOriginIsolated`), so worker
 * threads (threads/pool.ts) can run parts of a kernel over the same memory; unshared otherwise,
 * and then everything runs on the calling thread. The same bytes serve both: the import's limits
 * flag is patched at load (threads/wasm-bytes.ts says why).
 */

import type { KernelExports } from './exports.js';
import { kernelsWasmBase64 } from './generated/kernels-wasm.js';
import { relaxedBase64 } from './relaxed-bytes.js';
import { memoryImport, withPassiveData, withSharedMemory } from './threads/wasm-bytes.js';

export type SimdBuild = 'plain' | 'relaxed';

interface Loaded {
  exports: KernelExports;
  /** compiled with passive data segments, for workers (see threads/wasm-bytes.ts) */
  workerModule: WebAssembly.Module | undefined;
  memory: WebAssembly.Memory;
  simd: SimdBuild;
  simdReason: string;
  shared: boolean;
  sharedReason: string;
}

let loaded: Loaded | undefined;
let simdChoice: SimdBuild | undefined;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function validates(b64: string | undefined): boolean {
  if (b64 === undefined || typeof WebAssembly !== 'object') return false;
  try {
    return WebAssembly.validate(withSharedMemory(decodeBase64(b64), false));
  } catch {
    return false;
  }
}

/** True when this engine can run the kernels (WebAssembly with fixed-width SIMD). */
export function simdSupported(): boolean {
  return validates(kernelsWasmBase64);
}

/** Whether the relaxed-SIMD build is embedded and this engine accepts it. */
export function relaxedSimdSupported(): boolean {
  return validates(relaxedBase64());
}

function nodeEnv(name: string): string | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const v = p?.env?.[name];
  return v === undefined || v === '' ? undefined : v;
}

/**
 * Chooses the SIMD build before the kernels are first used: 'relaxed' (FMA; throws a RangeError
 * if the engine or the package lacks it), 'plain', or 'auto' (relaxed when available). After the
 * kernels are loaded only the build already in use is accepted (a RangeError otherwise).
 */
export function setSimd(mode: 'auto' | SimdBuild): void {
  if (mode !== 'auto' && mode !== 'plain' && mode !== 'relaxed')
    throw new RangeError(`Invalid simd: ${String(mode)} (expected 'auto', 'plain' or 'relaxed')`);
  if (mode === 'relaxed' && !relaxedSimdSupported())
    throw new RangeError(
      relaxedBase64() === undefined
        ? "simd 'relaxed' is unavailable: the relaxed-SIMD kernels are not loaded (in browsers, await loadRelaxedSimd() first)"
        : "simd 'relaxed' is unavailable: this engine does not support relaxed SIMD (Node 20: --experimental-wasm-relaxed-simd; Node >= 22 and Chrome >= 114 have it)",
    );
  if (loaded) {
    const wanted = mode === 'auto' ? (relaxedSimdSupported() ? 'relaxed' : 'plain') : mode;
    if (wanted !== loaded.simd)
      throw new RangeError(
        `simd '${mode}' comes too late: the kernels are already loaded with the ${loaded.simd} build (call setSimd before the first kernel call)`,
      );
    return;
  }
  simdChoice = mode === 'auto' ? undefined : mode;
}

function chooseSimd(): { simd: SimdBuild; reason: string } {
  if (simdChoice) return { simd: simdChoice, reason: `setSimd('${simdChoice}')` };
  const env = nodeEnv('DESCENT_SIMD');
  if (env !== undefined) {
    if (env !== 'plain' && env !== 'relaxed' && env !== 'auto')
      throw new RangeError(`Invalid DESCENT_SIMD: ${env} (expected plain, relaxed or auto)`);
    if (env !== 'auto') {
      if (env === 'relaxed' && !relaxedSimdSupported())
        throw new RangeError('DESCENT_SIMD=relaxed, but relaxed SIMD is unavailable in this engine or build');
      return { simd: env, reason: `DESCENT_SIMD=${env}` };
    }
  }
  if (relaxedSimdSupported()) return { simd: 'relaxed', reason: 'the engine validates relaxed SIMD' };
  return {
    simd: 'plain',
    reason:
      relaxedBase64() === undefined
        ? 'the relaxed build is not loaded (browsers: await loadRelaxedSimd() first)'
        : 'the engine does not validate relaxed SIMD',
  };
}

/** Whether memory can be shared with workers here, and why (or why not). */
function sharedMemoryAllowed(): { shared: boolean; reason: string } {
  const g = globalThis as { crossOriginIsolated?: boolean; process?: { versions?: { node?: string } } };
  if (!g.process?.versions?.node && g.crossOriginIsolated === false)
    return {
      shared: false,
      reason: 'the page is not crossOriginIsolated (serve it with COOP: same-origin and COEP: require-corp)',
    };
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object')
    return { shared: false, reason: 'SharedArrayBuffer is unavailable' };
  return { shared: true, reason: g.process?.versions?.node ? 'Node' : 'crossOriginIsolated' };
}

function load(): Loaded {
  const { simd, reason: simdReason } = chooseSimd();
  const built = decodeBase64(simd === 'relaxed' ? relaxedBase64()! : kernelsWasmBase64);
  if (!WebAssembly.validate(withSharedMemory(built, false))) {
    throw new Error('@descent/kernels needs WebAssembly with fixed-width SIMD (Node 20+, current browsers)');
  }
  const { initial, maximum } = memoryImport(built);
  let { shared, reason: sharedReason } = sharedMemoryAllowed();
  let memory: WebAssembly.Memory | undefined;
  if (shared) {
    try {
      memory = new WebAssembly.Memory({ initial, maximum, shared: true });
    } catch (e) {
      shared = false;
      sharedReason = `the engine refused a shared memory (${(e as Error).message})`;
    }
  }
  memory ??= new WebAssembly.Memory({ initial, maximum });
  const bytes = withSharedMemory(built, shared);
  const module = new WebAssembly.Module(bytes);
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  const workerModule = shared ? new WebAssembly.Module(withPassiveData(bytes)) : undefined;
  return { exports, workerModule, memory, simd, simdReason, shared, sharedReason };
}

function theModule(): Loaded {
  loaded ??= load();
  return loaded;
}

/** The instantiated kernel module (created on first call). */
export function wasm(): KernelExports {
  return theModule().exports;
}

/** What was loaded: the memory, the module workers instantiate, the SIMD build, and why. */
export function wasmInfo(): Readonly<Loaded> {
  return theModule();
}
