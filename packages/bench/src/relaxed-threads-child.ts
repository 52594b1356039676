/**
 * The "together" side of suites/threads.ts's sgemm lines: the kernels' relaxed-SIMD build (FMA) on
 * 2 threads, in a child process the suite starts as `node --experimental-wasm-relaxed-simd
 * dist/relaxed-threads-child.js <n>` with DESCENT_SIMD=relaxed (the public API loads one build per
 * process). It times C = A B for n x n f32 matrices (the suite's inputs: randomF32 seeded n, n + 1)
 * by wall clock with the suite's `time()` settings, and prints one JSON line:
 * { simd, threads, seconds }.
 */
import {
  backendInfo,
  fromArray,
  gemm,
  matrix,
  setThreads,
  threadsReady,
  type WasmMatrix,
} from '@descent/kernels';
import { time } from './harness.js';
import { randomF32 } from './random.js';

const n = Number(process.argv[2]);
setThreads(2);
await threadsReady();
const A: WasmMatrix = { rows: n, cols: n, data: fromArray(randomF32(n * n, n)) };
const B: WasmMatrix = { rows: n, cols: n, data: fromArray(randomF32(n * n, n + 1)) };
const C = matrix('f32', n, n);
const opts = n >= 1024 ? { samples: 5, warmup: 1, minBatch: 0 } : { samples: 7, warmup: 2 };
const t = await time('gemm', () => gemm(A, B, C), opts);
const info = backendInfo();
console.log(JSON.stringify({ simd: info.simd, threads: info.threads, seconds: t.seconds }));
