/**
 * TF.js-wasm with its own threads under Node: its threaded-simd build (Emscripten pthreads +
 * XNNPACK's pthreadpool), which TF.js 4.22 never starts under Node. Two things stop it, and one
 * more would keep it to one thread on this machine:
 *
 * 1. The flag WASM_HAS_MULTITHREAD_SUPPORT is hard-wired to false when IS_NODE
 *    (flags_wasm.js, "Enable node support once this is resolved: tensorflow/tfjs#3830"), so
 *    `setThreadsCount(2)` loads the single-threaded SIMD build and `getThreadsCount()` says 1.
 * 2. Forcing the flag (`tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true)`) fails in
 *    `setBackend('wasm')`: Emscripten starts its pthread pool with
 *    `new Worker(locateFile('tfjs-backend-wasm-threaded-simd.worker.js'))`, and TF.js's
 *    locateFile answers with a `blob:nodedata:…` URL of the worker's source (it has no file to
 *    point at: the source is a string in wasm-out/tfjs-backend-wasm-threaded-simd.worker.js).
 *    Node's worker_threads refuses it: "TypeError [ERR_WORKER_PATH]: The worker script or module
 *    filename must be an absolute path or a relative path starting with './' or '../'. Received
 *    "blob:nodedata:…"". `setWasmPaths` cannot help: it only places the .wasm files. (Each
 *    worker would then also fail to `importScripts` the main script, which TF.js passes as a
 *    Blob, `mainScriptUrlOrBlob`.)
 * 3. Once it runs, its pool has min(setThreadsCount(n), logical cores / 2) threads: backend.cc
 *    halves `emscripten_num_logical_cores()` (`os.cpus().length` in Node,
 *    `navigator.hardwareConcurrency` in a browser) on the assumption of two hyperthreads per
 *    core. This machine has 2 cores and 1 thread per core, so TF.js would use 1 thread.
 *
 * `loadTfjsWasmThreaded(n)` gets past all three without touching TF.js's code: it writes the
 * worker's source and the main script (`var WasmBackendModuleThreadedSimd = <factory>`, exactly
 * what TF.js puts in its Blob) to files in a temporary directory, swaps `worker_threads.Worker`
 * for a subclass that opens those files instead of the blob: URLs, forces the flag, and, when
 * `logicalCores` is given, has `os.cpus()` report that many while the module starts (the files
 * are removed when the process exits). Both
 * swaps are undone once the backend is up (the pool's 8 workers are started by then). The wasm
 * binary, XNNPACK and its thread pool are TF.js's own, unchanged.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

type Tf = typeof import('@tensorflow/tfjs-core');
type TfWasm = typeof import('@tensorflow/tfjs-backend-wasm');

export interface TfjsThreaded {
  tf: Tf;
  /** `getThreadsCount()`: the threads XNNPACK's pool really has. */
  threads: number;
}

/** The wasm backend's flag for threads as TF.js computes it in this process (false under Node). */
export async function tfjsReportsThreads(): Promise<boolean> {
  const tf = require('@tensorflow/tfjs-core') as Tf;
  require('@tensorflow/tfjs-backend-wasm');
  return (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
}

/**
 * Starts TF.js-wasm's threaded-simd build with `threads` threads (once per process: the backend is
 * global) and makes it the current backend. `logicalCores`: what `os.cpus().length` reports while
 * the module starts (TF.js caps its threads at half of it); default, the truth.
 */
export async function loadTfjsWasmThreaded(threads: number, logicalCores?: number): Promise<TfjsThreaded> {
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`Invalid threads: ${String(threads)} (expected a positive integer)`);
  if (logicalCores !== undefined && (!Number.isInteger(logicalCores) || logicalCores < 1))
    throw new RangeError(`Invalid logicalCores: ${String(logicalCores)} (expected a positive integer)`);
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-wasm-threads-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const workerFile = join(dir, 'tfjs-backend-wasm-threaded-simd.worker.cjs');
  const mainFile = join(dir, 'tfjs-backend-wasm-threaded-simd.cjs');
  const { wasmWorkerContents } =
    require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
      wasmWorkerContents: string;
    };
  // As TF.js does before making its Blob: the string holds "\n" escapes that must stay escapes.
  writeFileSync(workerFile, wasmWorkerContents.replace(/\n/g, '\\n'));
  const factory = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js') as
    | { default?: () => unknown }
    | (() => unknown);
  const source = (typeof factory === 'function' ? factory : factory.default)?.toString();
  if (!source) throw new Error('TF.js-wasm: the threaded-simd factory was not found in wasm-out/');
  writeFileSync(mainFile, `var WasmBackendModuleThreadedSimd = ${source}`);

  const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');
  const os = require('node:os') as typeof import('node:os');
  const NodeWorker = workerThreads.Worker;
  const cpus = os.cpus;
  class FileWorker extends NodeWorker {
    constructor(path: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      super(String(path).startsWith('blob:') ? workerFile : path, options);
    }
    override postMessage(
      message: unknown,
      transfer?: readonly import('node:worker_threads').TransferListItem[],
    ): void {
      const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
      const fixed =
        m?.cmd === 'load' && typeof m.urlOrBlob !== 'string' ? { ...m, urlOrBlob: mainFile } : message;
      super.postMessage(fixed, transfer);
    }
  }
  (workerThreads as { Worker: unknown }).Worker = FileWorker;
  if (logicalCores !== undefined) {
    const one = cpus()[0];
    os.cpus = () => Array.from({ length: logicalCores }, () => one);
  }
  try {
    const tf = require('@tensorflow/tfjs-core') as Tf;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as TfWasm;
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('TF.js-wasm: the threaded-simd build did not start');
    await tf.ready();
    return { tf, threads: wasm.getThreadsCount() };
  } finally {
    (workerThreads as { Worker: unknown }).Worker = NodeWorker;
    os.cpus = cpus;
  }
}
