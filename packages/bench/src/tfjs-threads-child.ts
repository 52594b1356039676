/**
 * The "TF.js-wasm, 2 threads" side of suites/threads.ts's sgemm lines, in a child process (TF.js's
 * backend and thread count are global, and the suite's own TF.js-wasm is on one thread):
 * `node dist/tfjs-threads-child.js <n> <threads> [logicalCores]` starts TF.js-wasm's threaded-simd
 * build through tfjs-node-threads.ts, checks C = A B against a naive f64 product on 64 entries,
 * times tf.matMul + dataSync on the suite's inputs (randomF32 seeded n, n + 1) by wall clock with
 * the suite's `time()` settings, and prints one JSON line: { threads, seconds, cores, maxRelErr },
 * `threads` being TF.js's own getThreadsCount() and `cores` the CPU time of the process over the
 * wall time while timing. `<n> stock` instead prints what TF.js does as shipped:
 * { reportsThreads } (its WASM_HAS_MULTITHREAD_SUPPORT flag under Node).
 */
import { maxRelErr as sampledMaxRelErr } from './gemm-check.js';
import { time } from './harness.js';
import { randomF32 } from './random.js';
import { loadTfjsWasmThreaded, tfjsReportsThreads } from './tfjs-node-threads.js';

const n = Number(process.argv[2]);
if (process.argv[3] === 'stock') {
  console.log(JSON.stringify({ reportsThreads: await tfjsReportsThreads() }));
  process.exit(0);
}
const threads = Number(process.argv[3]);
const cores = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const { tf, threads: got } = await loadTfjsWasmThreaded(threads, cores);
const a = randomF32(n * n, n);
const b = randomF32(n * n, n + 1);
const ta = tf.tensor2d(a, [n, n]);
const tb = tf.tensor2d(b, [n, n]);

// C[i][j] against sum_k A[i][k] B[k][j] in f64, on 64 entries spread over C.
const c = tf.matMul(ta, tb);
const cv = c.dataSync();
c.dispose();
const maxRelErr = sampledMaxRelErr(a, b, cv, n);

const opts = n >= 1024 ? { samples: 5, warmup: 1, minBatch: 0 } : { samples: 7, warmup: 2 };
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const t = await time(
  'tfjs-wasm matMul',
  () => {
    const out = tf.matMul(ta, tb);
    out.dataSync();
    out.dispose();
  },
  opts,
);
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - t0;
console.log(
  JSON.stringify({
    threads: got,
    seconds: t.seconds,
    cores: (cpu.user + cpu.system) / 1000 / wall,
    maxRelErr,
  }),
);
// The pthread pool's workers would keep the process alive.
process.exit(0);
