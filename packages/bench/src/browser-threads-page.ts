/**
 * The page side of browser-threads.ts: one exported function per page load, run by
 * `page.evaluate` in headless Chromium on a crossOriginIsolated page (COOP/COEP), each returning
 * what it measured. Not run by Node.
 *
 * - `tfjsCase(n, threads, logicalCores)`: loads TF.js-wasm (its UMD bundles; the threaded-simd
 *   build, since the page has SharedArrayBuffer), `setThreadsCount(threads)`, and times
 *   tf.matMul + dataSync. `logicalCores`, if given, is what navigator.hardwareConcurrency says
 *   before TF.js starts: TF.js's pool has at most half of it (backend.cc assumes two
 *   hyperthreads per core).
 * - `oursCase(n, simd, rounds)`: @descent/kernels' gemm on 1 and 2 threads (setThreads), in
 *   alternation, `rounds` times; or, with simd 'relaxed', the relaxed-SIMD build on 2 threads.
 *
 * Inputs are the Node suite's (randomF32 seeded n and n + 1); each side's product is checked
 * against a naive f64 one on 64 entries before timing. A time is the median of 7 calls (n >= 1024,
 * else 11) after 0.5 s of warm-up, in seconds.
 */
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

export interface Measured {
  seconds: number;
  maxRelErr: number;
}

const samples = (n: number) => (n >= 1024 ? 7 : 11);

/**
 * Median of `samples` calls after at least 3 calls and 0.5 s of warm-up: fresh workers (ours and
 * TF.js's pthreads) start on V8's baseline wasm code and tier up only after enough calls.
 */
function median(f: () => void, samples: number): number {
  const warm = performance.now() + 500;
  for (let i = 0; i < 3 || performance.now() < warm; i++) f();
  const t: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return t.sort((x, y) => x - y)[samples >> 1] / 1000;
}

/** Largest |C[i][j] - sum_k A[i][k] B[k][j]| / sum_k |A[i][k] B[k][j]| over 64 entries. */
function maxRelErr(a: Float32Array, b: Float32Array, c: Float32Array, n: number): number {
  let worst = 0;
  for (let s = 0; s < 64; s++) {
    const i = (s * 97) % n;
    const j = (s * 193 + 7) % n;
    let ref = 0;
    let scale = 0;
    for (let k = 0; k < n; k++) {
      ref += a[i * n + k] * b[k * n + j];
      scale += Math.abs(a[i * n + k] * b[k * n + j]);
    }
    worst = Math.max(worst, Math.abs(c[i * n + j] - ref) / scale);
  }
  return worst;
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

export async function tfjsCase(
  n: number,
  threads: number,
  logicalCores?: number,
): Promise<Measured & { threads: number; isolated: boolean; hardwareConcurrency: number }> {
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
  return {
    maxRelErr: maxRelErr(a, b, mul(), n),
    seconds: median(mul, samples(n)),
    threads: tf.wasm.getThreadsCount(),
    isolated: crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
}

export async function oursCase(
  n: number,
  simd: 'plain' | 'relaxed',
  rounds: number,
): Promise<{ one?: Measured; two: Measured; simd: string; threads: number; workersRunning: boolean }> {
  const k = await import('@descent/kernels');
  if (simd === 'relaxed') {
    await k.loadRelaxedSimd();
    k.setSimd('relaxed');
  } else k.setSimd('plain');
  const a = randomF32(n * n, n);
  const b = randomF32(n * n, n + 1);
  const A = { rows: n, cols: n, data: k.fromArray(a) };
  const B = { rows: n, cols: n, data: k.fromArray(b) };
  const C = k.matrix('f32', n, n);
  const mul = () => k.gemm(A, B, C);
  let one: Measured | undefined;
  let two: Measured | undefined;
  for (let r = 0; r < rounds; r++) {
    if (simd === 'plain') {
      k.setThreads(1);
      mul();
      const m = {
        maxRelErr: maxRelErr(a, b, C.data.toArray() as Float32Array, n),
        seconds: median(mul, samples(n)),
      };
      if (!one || m.seconds < one.seconds) one = m;
    }
    k.setThreads(2);
    await k.threadsReady();
    C.data.data.fill(0);
    mul();
    const m = {
      maxRelErr: maxRelErr(a, b, C.data.toArray() as Float32Array, n),
      seconds: median(mul, samples(n)),
    };
    if (!two || m.seconds < two.seconds) two = m;
  }
  const info = k.backendInfo();
  return { one, two: two!, simd: info.simd, threads: info.threads, workersRunning: info.workersRunning };
}
