/**
 * The page side of browser-threads.ts, called by `page.evaluate` in headless Chromium on a
 * crossOriginIsolated page (COOP/COEP). Not run by Node. A setup function makes a product C = A B
 * the page's current one, checks it and warms it up; `timeCurrent()`, a call of its own so that
 * the driver can measure the browser's CPU time around the timing alone, times it.
 *
 * - `tfjsSetup(n, threads, logicalCores)`: loads TF.js-wasm (its UMD bundles; the threaded-simd
 *   build, since the page has SharedArrayBuffer), `setThreadsCount(threads)`: tf.matMul +
 *   dataSync. `logicalCores`, if given, is what navigator.hardwareConcurrency says before TF.js
 *   starts: TF.js's pool has at most half of it (backend.cc assumes two hyperthreads per core).
 *   Once per page (TF.js's backend and thread count are global).
 * - `oursSetup(n, simd, threads)`: @descent/kernels' gemm with setThreads(threads), on the plain or
 *   the relaxed-SIMD build (chosen at the page's first call; later calls reuse the page's
 *   kernels and inputs, so one page can time 1 thread, then 2).
 *
 * Inputs are the Node suite's (randomF32 seeded n and n + 1); each product is checked against a
 * naive f64 one on 64 entries. Warm-up: at least 3 calls and 0.5 s (fresh workers, ours and
 * TF.js's pthreads, start on V8's baseline wasm code and tier up only after enough calls). A time
 * is the median of at least 7 calls (n >= 1024, else 11) and 0.4 s of them (long enough for the
 * driver's CPU-time reading, in 10 ms ticks), in seconds.
 */
import { maxRelErr } from './gemm-check.js';
import { randomF32 } from './random.js';

interface TfLike {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  tensor2d(values: Float32Array, shape: [number, number]): unknown;
  matMul(a: unknown, b: unknown): { dataSync(): Float32Array; dispose(): void };
  wasm: {
    setWasmPaths(prefix: string): void;
    setThreadsCount(n: number): void;
    getThreadsCount(): number;
  };
}

/** The product that timeCurrent() times. */
let current: { n: number; mul: () => void } | undefined;

function warmUp(mul: () => void): void {
  const end = performance.now() + 500;
  for (let i = 0; i < 3 || performance.now() < end; i++) mul();
}

/** Median seconds per call of the current product. */
export function timeCurrent(): number {
  if (!current) throw new Error('timeCurrent: no product set up on this page');
  const samples = current.n >= 1024 ? 7 : 11;
  const t: number[] = [];
  const end = performance.now() + 400;
  while (t.length < samples || performance.now() < end) {
    const t0 = performance.now();
    current.mul();
    t.push(performance.now() - t0);
  }
  return t.sort((x, y) => x - y)[t.length >> 1] / 1000;
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(s);
  });
}

export async function tfjsSetup(
  n: number,
  threads: number,
  logicalCores?: number,
): Promise<{ maxRelErr: number; threads: number; isolated: boolean; hardwareConcurrency: number }> {
  if (logicalCores !== undefined)
    Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => logicalCores });
  await loadScript('/tfjs-core/tf-core.min.js');
  await loadScript('/tfjs-wasm/tf-backend-wasm.min.js');
  const tf = (globalThis as unknown as { tf: TfLike }).tf;
  tf.wasm.setWasmPaths('/tfjs-wasm/');
  tf.wasm.setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('TF.js-wasm did not start');
  await tf.ready();
  const a = randomF32(n * n, n);
  const b = randomF32(n * n, n + 1);
  const ta = tf.tensor2d(a, [n, n]);
  const tb = tf.tensor2d(b, [n, n]);
  const mul = () => {
    const c = tf.matMul(ta, tb);
    const v = c.dataSync();
    c.dispose();
    return v;
  };
  const err = maxRelErr(a, b, mul(), n);
  warmUp(mul);
  current = { n, mul };
  return {
    maxRelErr: err,
    threads: tf.wasm.getThreadsCount(),
    isolated: crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
}

/** The kernels and the inputs of this page, set up by the first oursSetup call. */
let ours:
  | {
      k: typeof import('@descent/kernels');
      n: number;
      a: Float32Array;
      b: Float32Array;
      mul: () => void;
      read: () => Float32Array;
    }
  | undefined;

export async function oursSetup(
  n: number,
  simd: 'plain' | 'relaxed',
  threads: number,
): Promise<{ maxRelErr: number; simd: string; threads: number; workersRunning: boolean }> {
  if (!ours) {
    const k = await import('@descent/kernels');
    if (simd === 'relaxed') await k.loadRelaxedSimd();
    k.setSimd(simd);
    const a = randomF32(n * n, n);
    const b = randomF32(n * n, n + 1);
    const A = { rows: n, cols: n, data: k.fromArray(a) };
    const B = { rows: n, cols: n, data: k.fromArray(b) };
    const C = k.matrix('f32', n, n);
    ours = { k, n, a, b, mul: () => k.gemm(A, B, C), read: () => C.data.toArray() as Float32Array };
  }
  if (ours.n !== n) throw new RangeError(`oursSetup: this page is set up for n = ${ours.n}, not ${n}`);
  const { k, a, b, mul, read } = ours;
  k.setThreads(threads);
  await k.threadsReady();
  mul();
  const err = maxRelErr(a, b, read(), n);
  warmUp(mul);
  current = { n, mul };
  const info = k.backendInfo();
  return {
    maxRelErr: err,
    simd: info.simd,
    threads: info.threads,
    workersRunning: info.workersRunning,
  };
}
