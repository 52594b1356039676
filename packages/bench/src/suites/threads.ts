/**
 * Threads (issue 19): the kernels on 1 thread against 2 threads in the same run, wall clock.
 *   - sgemm n = 512 and 1024: 2 threads against 1 (target >= 1.8x) and against TF.js-wasm on its
 *     one thread (XNNPACK), with GFLOP/s; and the relaxed-SIMD build on 2 threads (a child process:
 *     one build per process) against the plain build's 1 thread (target >= 2.3x) and TF.js-wasm
 *     (target >= 3x);
 *   - Adam on 4e6 f32 parameters: 2 threads against 1 (target >= 1.5x), with the GB/s each moves
 *     (4 arrays read, 3 written per step) next to a STREAM-like copy (read one array, write
 *     another, 64 MiB each) measured on 1 and 2 threads in the same run: the memory bandwidth that
 *     bounds an elementwise update;
 *   - sgemm against TF.js-wasm on its own 2 threads (tfjsOnItsOwnThreads, which says why its
 *     threaded build does not run under Node as shipped and how the child runs it anyway);
 *   - the crossover: gemm (square n) and Adam sizes around the thresholds in threads/parallel.ts,
 *     with the 2-thread speed-up at each.
 * Times are wall-clock medians (threads spend more CPU time to take less wall time). 1 and 2
 * threads alternate, ROUNDS times each, keeping each side's fastest median: on a shared machine
 * the load changes from second to second. The load average is printed with the results.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  alloc,
  copy,
  fromArray,
  fusedAdamStep,
  gemm,
  matrix,
  setThreads,
  threadsReady,
  type WasmMatrix,
} from '@descent/kernels';
// The pool's split of an elementwise kernel, for the copy (not part of the package's API; the same
// module instance as the package's, as both resolve to the one file).
import { currentPool } from '../../../kernels/dist/threads/config.js';
import { elementwiseInParts, setCrossovers } from '../../../kernels/dist/threads/parallel.js';
import { medianAfterIdle } from '../cold-timing.js';
import { report, type Timing, time } from '../harness.js';
import { useTf } from '../peers.js';

import { randomF32 } from '../random.js';

const here = dirname(fileURLToPath(import.meta.url));

const ROUNDS = 3;

/**
 * `f` timed by `time()`, and the cores the process obtained meanwhile: its CPU time (all threads,
 * user + system) over the wall time. On a shared machine 2 threads can only be faster if the
 * process obtains more than one core.
 */
async function timeWithCores(name: string, f: () => void, opts: object): Promise<Timing & { cores: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const t = await time(name, f, opts);
  const cpu = process.cpuUsage(cpu0);
  return { ...t, cores: (cpu.user + cpu.system) / 1000 / (performance.now() - t0) };
}

/** Each side's fastest median over ROUNDS alternating rounds, `f` timed with 1 and with 2 threads. */
async function oneVsTwo(label: string, f: () => void, opts = {}): Promise<[Timing, Timing]> {
  let one: (Timing & { cores: number }) | undefined;
  let two: (Timing & { cores: number }) | undefined;
  for (let r = 0; r < ROUNDS; r++) {
    setThreads(1);
    const a = await timeWithCores(`${label}, 1 thread`, f, opts);
    setThreads(2);
    await threadsReady();
    const pool = currentPool();
    const [parts0, worker0] = [pool?.parts ?? 0, pool?.workerParts ?? 0];
    const b = await timeWithCores(`${label}, 2 threads`, f, opts);
    workerShare = `${(pool?.workerParts ?? 0) - worker0} of ${(pool?.parts ?? 0) - parts0}`;
    if (!one || a.seconds < one.seconds) one = a;
    if (!two || b.seconds < two.seconds) two = b;
  }
  return [one!, two!];
}

/** Parts the worker ran in the last 2-thread timing, "w of p". */
let workerShare = '';

/** The cores each side obtained (see timeWithCores), as a line under its case. */
function coresLine(one: Timing, two: Timing): void {
  const c = (t: Timing) => (t as Timing & { cores: number }).cores.toFixed(2);
  console.log(
    `  cores obtained (CPU time / wall time, fastest round): 1 thread ${c(one)}, 2 threads ${c(two)}; parts run by the worker (last round): ${workerShare}`,
  );
}

const gflops = (flops: number, t: Timing) => `${(flops / t.seconds / 1e9).toFixed(1)} GFLOP/s`;
const gbs = (bytes: number, t: Timing) => `${(bytes / t.seconds / 1e9).toFixed(1)} GB/s`;

async function sgemm(n: number): Promise<void> {
  const a = randomF32(n * n, n);
  const b = randomF32(n * n, n + 1);
  const A: WasmMatrix = { rows: n, cols: n, data: fromArray(a) };
  const B: WasmMatrix = { rows: n, cols: n, data: fromArray(b) };
  const C = matrix('f32', n, n);
  const opts = n >= 1024 ? { samples: 5, warmup: 1, minBatch: 0 } : { samples: 7, warmup: 2 };
  const [one, two] = await oneVsTwo('descent gemm f32', () => gemm(A, B, C), opts);
  const tf = await useTf('wasm');
  const ta = tf.tensor2d(a, [n, n]);
  const tb = tf.tensor2d(b, [n, n]);
  const tfWasm = await time(
    'tfjs-wasm matMul (1 thread)',
    () => {
      const c = tf.matMul(ta, tb);
      c.dataSync();
      c.dispose();
    },
    opts,
  );
  ta.dispose();
  tb.dispose();
  report(`sgemm n = ${n}: 2 threads`, two, [one, tfWasm], [{ peer: one.name, atLeast: 1.8 }]);
  const flops = 2 * n ** 3;
  console.log(
    `  GFLOP/s: 2 threads ${gflops(flops, two)}, 1 thread ${gflops(flops, one)}, tfjs-wasm ${gflops(flops, tfWasm)}`,
  );
  coresLine(one, two);
  for (const x of [A, B, C]) x.data.free();
  const both = relaxedOnTwo(n);
  if (typeof both === 'string') console.log(`  relaxed SIMD + 2 threads: not measured (${both})`);
  else {
    report(
      `sgemm n = ${n}: relaxed SIMD + 2 threads (a child process)`,
      both,
      [one, tfWasm],
      [
        { peer: one.name, atLeast: 2.3 },
        { peer: tfWasm.name, atLeast: 3 },
      ],
    );
    console.log(`  GFLOP/s: relaxed SIMD + 2 threads ${gflops(flops, both)}`);
  }
  await tfjsOnItsOwnThreads(n, { two, relaxedTwo: typeof both === 'string' ? undefined : both });
}

/** Whether TF.js-wasm, as shipped, turns its threads on under Node (asked once, in a child). */
let tfjsStockThreads: boolean | undefined;

/**
 * TF.js-wasm with its own threads (issue 19: "also report TF.js-wasm with its own threads if its
 * threaded build runs here"). As shipped it does not run under Node: its flag
 * WASM_HAS_MULTITHREAD_SUPPORT is false whenever IS_NODE (tfjs#3830), so setThreadsCount(2)
 * loads the one-thread SIMD build; forcing the flag fails in setBackend('wasm') with
 * "TypeError [ERR_WORKER_PATH]: The worker script or module filename must be an absolute path or a
 * relative path starting with './' or '../'. Received "blob:nodedata:…"": Emscripten's pthread
 * pool does `new Worker(locateFile('tfjs-backend-wasm-threaded-simd.worker.js'))` and TF.js's
 * locateFile answers with a blob: URL of the worker's source, which worker_threads refuses. And
 * it would keep to 1 thread here anyway: its pool has at most half the logical cores (it assumes
 * two hyperthreads per core; this machine has 2 cores, 1 thread each).
 * So the child (tfjs-threads-child.ts, through tfjs-node-threads.ts) writes the worker and main
 * scripts to files, opens workers on those, forces the flag and reports 4 logical cores while
 * the module starts: TF.js's own threaded-simd binary and XNNPACK pool, on 2 threads
 * (getThreadsCount() = 2, checked). Its 1 thread is timed the same way (the threaded build with
 * setThreadsCount(1), a child each), for its own speed-up. Fastest of ROUNDS children each, in
 * turn with a child that times our plain build on 2 threads (relaxed-threads-child.js with
 * DESCENT_SIMD=plain: the same conditions as TF.js's children), and against this process's 2
 * threads (plain, and relaxed SIMD when measured), wall clock.
 */
async function tfjsOnItsOwnThreads(n: number, ours: { two: Timing; relaxedTwo?: Timing }): Promise<void> {
  const child = join(here, '..', 'tfjs-threads-child.js');
  const run = (args: string[]) =>
    JSON.parse(
      execFileSync(process.execPath, [child, ...args], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .at(-1) ?? '',
    );
  tfjsStockThreads ??= (run([String(n), 'stock']) as { reportsThreads: boolean }).reportsThreads;
  type Child = { threads: number; seconds: number; cores: number; maxRelErr: number };
  const best: (Child | undefined)[] = [undefined, undefined];
  let oursChild: number | undefined;
  for (let r = 0; r < ROUNDS; r++) {
    // Our plain build on 2 threads in a child too, between TF.js's: the same conditions.
    const o = JSON.parse(
      execFileSync(process.execPath, [join(here, '..', 'relaxed-threads-child.js'), String(n)], {
        env: { ...process.env, DESCENT_SIMD: 'plain' },
        encoding: 'utf8',
      })
        .trim()
        .split('\n')
        .at(-1) ?? '',
    ) as { simd: string; threads: number; seconds: number };
    if (o.simd === 'plain' && o.threads === 2) oursChild = Math.min(oursChild ?? Infinity, o.seconds);
    for (const threads of [1, 2]) {
      const got = run([String(n), String(threads), '4']) as Child;
      if (got.threads !== threads) {
        console.log(`  TF.js-wasm, ${threads} threads: not measured (its pool has ${got.threads} threads)`);
        return;
      }
      if (got.maxRelErr > 1e-5)
        throw new Error(`TF.js-wasm on ${threads} threads: C = A B off by ${got.maxRelErr} (relative)`);
      const b = best[threads - 1];
      if (!b || got.seconds < b.seconds) best[threads - 1] = got;
    }
  }
  const [tfOne, tfTwo] = best.map((b, i) => ({
    name: `tfjs-wasm matMul (its ${i + 1} thread${i ? 's' : ''})`,
    seconds: b!.seconds,
    cores: b!.cores,
  }));
  report(`sgemm n = ${n}: 2 threads against TF.js-wasm on its own 2 threads (a child process)`, ours.two, [
    tfTwo,
  ]);
  if (ours.relaxedTwo)
    report(`sgemm n = ${n}: relaxed SIMD + 2 threads against TF.js-wasm, 2 threads`, ours.relaxedTwo, [
      tfTwo,
    ]);
  const flops = 2 * n ** 3;
  if (oursChild !== undefined)
    console.log(
      `  descent gemm f32, 2 threads, in a child between TF.js's: ${gflops(flops, { name: '', seconds: oursChild })}, ${(tfTwo.seconds / oursChild).toFixed(2)}x TF.js-wasm's 2 threads`,
    );
  console.log(
    `  GFLOP/s: TF.js-wasm threaded build, 2 threads ${gflops(flops, tfTwo)}, 1 thread ${gflops(flops, tfOne)} (its 2 vs 1: ${(tfOne.seconds / tfTwo.seconds).toFixed(2)}x; cores its children obtained: ${tfOne.cores.toFixed(2)} and ${tfTwo.cores.toFixed(2)}); as shipped under Node, TF.js turns threads ${tfjsStockThreads ? 'on' : 'off'}`,
  );
}

/**
 * sgemm n on the relaxed-SIMD build with 2 threads, timed in a child process (one build per
 * process; Node 20 needs the flag), fastest of ROUNDS children; or why it was not measured.
 */
function relaxedOnTwo(n: number): Timing | string {
  const flags = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
  let best: Timing | undefined;
  for (let r = 0; r < ROUNDS; r++) {
    const out = execFileSync(
      process.execPath,
      [...flags, join(here, '..', 'relaxed-threads-child.js'), String(n)],
      {
        env: { ...process.env, DESCENT_SIMD: 'relaxed' },
        encoding: 'utf8',
      },
    );
    const got = JSON.parse(out.trim().split('\n').at(-1) ?? '') as {
      simd: string;
      threads: number;
      seconds: number;
    };
    if (got.simd !== 'relaxed' || got.threads !== 2)
      return `the child ran ${got.simd} SIMD on ${got.threads} threads`;
    if (!best || got.seconds < best.seconds)
      best = { name: 'descent gemm f32, relaxed SIMD, 2 threads', seconds: got.seconds };
  }
  return best!;
}

const adamScalars = {
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  decay: 0.9999,
  maximize: false,
  stepSize: 1e-3,
  invBias2Sqrt: 1.2,
  amsgrad: false,
};

async function adam(n: number): Promise<void> {
  const arrays = [0, 1, 2, 3].map((i) => fromArray(randomF32(n, 10 + i).map(Math.abs)));
  const [p, g, m, v] = arrays;
  const opts = { samples: 7, warmup: 2 };
  const [one, two] = await oneVsTwo(
    'descent Adam step f32',
    () => fusedAdamStep(p, g, m, v, null, adamScalars),
    opts,
  );
  // STREAM-like copy: y = x over 16 Mi floats (64 MiB each), on 1 and 2 threads.
  const len = 1 << 24;
  const x = fromArray(randomF32(len, 3));
  const y = alloc('f32', len);
  setThreads(1);
  const copy1 = await time('copy 64 MiB, 1 thread', () => copy(x, y), opts);
  setThreads(2);
  const copy2 = await time('copy 64 MiB, 2 threads', () => copyOnTwo(len, x.ptr, y.ptr), opts);
  report(
    `Adam on ${n.toExponential(0)} f32 params: 2 threads`,
    two,
    [one],
    [{ peer: one.name, atLeast: 1.5 }],
  );
  const stepBytes = n * 4 * 7;
  const copyBytes = len * 4 * 2;
  console.log(
    `  GB/s: Adam 2 threads ${gbs(stepBytes, two)}, 1 thread ${gbs(stepBytes, one)}; copy 2 threads ${gbs(copyBytes, copy2)}, 1 thread ${gbs(copyBytes, copy1)}`,
  );
  coresLine(one, two);
  for (const a of [...arrays, x, y]) a.free();
}

/** y = x on 2 threads (the kernels' copy_f32 split into chunks on the pool, as Adam's step is). */
function copyOnTwo(len: number, x: number, y: number): void {
  if (!elementwiseInParts('copy_f32', 4, 2, [len, x, y])) throw new Error('copy did not run on the pool');
}

/** The 2-thread speed-up at sizes around the crossovers. */
async function crossover(): Promise<void> {
  const opts = { samples: 7, warmup: 3, minBatch: 0.02 };
  // Thread everything while measuring, so that both sides of each threshold are seen.
  const thresholds = setCrossovers({ gemm: 0, elementwise: 0 });
  console.log(
    `\ncrossover: speed-up of 2 threads over 1 (the kernels use threads from m n k >= ${thresholds.gemm} for gemm, n >= ${thresholds.elementwise} for Adam)`,
  );
  for (const n of [32, 48, 64, 80, 96, 128, 160, 192, 256]) {
    const A: WasmMatrix = { rows: n, cols: n, data: fromArray(randomF32(n * n, n)) };
    const C = matrix('f32', n, n);
    const [one, two] = await oneVsTwo('gemm', () => gemm(A, A, C), opts);
    console.log(
      `  gemm n = ${String(n).padStart(4)}: 1 thread ${(one.seconds * 1e6).toFixed(1)} us, 2 threads ${(two.seconds * 1e6).toFixed(1)} us, ${(one.seconds / two.seconds).toFixed(2)}x`,
    );
    A.data.free();
    C.data.free();
  }
  for (const n of [1 << 13, 1 << 14, 1 << 15, 1 << 16, 1 << 17, 1 << 18, 1 << 19, 1 << 20]) {
    const arrays = [0, 1, 2, 3].map((i) => fromArray(randomF32(n, 10 + i).map(Math.abs)));
    const [p, g, m, v] = arrays;
    const [one, two] = await oneVsTwo('adam', () => fusedAdamStep(p, g, m, v, null, adamScalars), opts);
    console.log(
      `  Adam n = ${String(n).padStart(8)}: 1 thread ${(one.seconds * 1e6).toFixed(1)} us, 2 threads ${(two.seconds * 1e6).toFixed(1)} us, ${(one.seconds / two.seconds).toFixed(2)}x`,
    );
    for (const a of arrays) a.free();
  }
  await coldCrossover();
  setCrossovers(thresholds);
}

/**
 * The same speed-up when each call follows 500 us of other work, so that the worker has gone to
 * sleep in Atomics.wait and the job must wake it: the cold end of what a training loop sees.
 * Median of 200 calls, each side twice, keeping the faster.
 */
async function coldCrossover(): Promise<void> {
  const side = (threads: number, f: () => void): number => {
    setThreads(threads);
    return medianAfterIdle(f);
  };
  const line = (label: string, f: () => void) => {
    const one = Math.min(side(1, f), side(1, f));
    const two = Math.min(side(2, f), side(2, f));
    console.log(
      `  ${label} after 500 us idle: 1 thread ${(one * 1e6).toFixed(1)} us, 2 threads ${(two * 1e6).toFixed(1)} us, ${(one / two).toFixed(2)}x`,
    );
  };
  for (const [m, n, k] of [
    [64, 128, 64],
    [128, 128, 128],
    [256, 256, 256],
  ]) {
    const A = matrix('f32', m, k);
    const B = matrix('f32', k, n);
    const C = matrix('f32', m, n);
    line(`gemm ${m}x${n}x${k}`, () => gemm(A, B, C));
    for (const x of [A, B, C]) x.data.free();
  }
  for (const n of [1 << 16, 1 << 17, 1 << 18]) {
    const arrays = [0, 1, 2, 3].map((i) => fromArray(randomF32(n, 10 + i).map(Math.abs)));
    const [p, g, m, v] = arrays;
    line(`Adam n = ${n}`, () => fusedAdamStep(p, g, m, v, null, adamScalars));
    for (const a of arrays) a.free();
  }
}

export async function run(): Promise<void> {
  const load0 = loadavg()[0];
  console.log(`  ${availableParallelism()} cores, load average ${load0.toFixed(1)} at the start`);
  // THREADS_CROSSOVER=0 skips the crossover scan, =only runs nothing else.
  const scan = process.env.THREADS_CROSSOVER;
  if (scan !== 'only') {
    await sgemm(512);
    await sgemm(1024);
    await adam(4e6);
  }
  if (scan !== '0') await crossover();
  console.log(`  load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`);
  setThreads(1);
}
