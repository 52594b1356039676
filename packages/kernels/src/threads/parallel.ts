/**
 * Splitting kernels across the pool. Two shapes of split, both deterministic:
 *
 * - Row panels of C (gemm, gemmBatched): part i computes rows r0 <= row < r1 of every product,
 *   r0 a multiple of the micro-kernel's MR = 4 rows, with its own packing scratch. Each element of
 *   C is computed by exactly one thread with the instructions and k order of the single-threaded
 *   kernel (assembly/gemm.ts says why), so results are bit-identical for any thread count. A batch
 *   of many products is split over the batch instead when each part gets whole products.
 *
 * - Chunks of an elementwise update (the optimizer steps): kernel(n, p1, ..., pK, scalars...) is
 *   run on contiguous chunks of 16-element multiples (whole 64-byte lines for f32), each part
 *   offsetting every pointer; a null pointer (0, an unused buffer) stays 0. Elementwise means
 *   bit-identical whatever the split.
 *
 * Crossovers (below them the pool is not touched), measured on this 2-core machine in a quiet
 * moment (load average 3-5), 2 threads against 1, wall clock:
 *   back to back (`THREADS_CROSSOVER=only pnpm bench threads.js`: the worker still spinning from
 *   the last job): gemm n³ n = 48: 0.88x, 64: 1.54x, 96: 1.83x, 128: 1.89x, 256: 1.98x;
 *   Adam n = 2^13: 1.37x, 2^14: 1.62x, 2^15: 1.76x, 2^17: 1.90x, 2^20: 1.86x.
 *   after 500 us of other work (the worker asleep in Atomics.wait, woken by the job: ~20-30 us
 *   more; the suite's last lines): gemm 64x128x64 (2^19): 0.67x, 128³ (2^21): 1.25x, 256³: 1.85x;
 *   Adam 2^16: 0.89-1.07x, 2^17: 1.19-1.37x, 2^18: 1.68x.
 * Real loops (a training step) sit between the two, so the thresholds are where a cold job about
 * breaks even and a warm one gains 1.7-1.9x. Under load (other processes on both cores) every
 * figure drops to about 1 or below: the two threads then share one core.
 */
import { alloc, type DType, type WasmArray } from '../arena.js';
import type { RawKernel } from '../exports.js';
import { activePool, threadCount } from './config.js';

/**
 * gemm: m·n·k multiply-adds from which C is split (about 45 us on one thread). A job costs a few
 * us to hand out and join when the workers are awake, ~25 us more when they must be woken; each
 * part also packs its own copy of B.
 */
export let GEMM_MIN_WORK = 1 << 20;
/** Rows of C per part at least (a part below this is not worth a thread's wake-up). */
export const GEMM_MIN_ROWS = 16;
/** Elementwise updates: elements at which 2 threads start to pay. */
export let ELEMENTWISE_MIN = 1 << 17;
/**
 * Overrides the crossovers (the benchmark measures below them; 0 threads everything) and returns
 * the previous ones. Not part of the package's API.
 */
export function setCrossovers(next: { gemm?: number; elementwise?: number }): {
  gemm: number;
  elementwise: number;
} {
  const before = { gemm: GEMM_MIN_WORK, elementwise: ELEMENTWISE_MIN };
  GEMM_MIN_WORK = next.gemm ?? GEMM_MIN_WORK;
  ELEMENTWISE_MIN = next.elementwise ?? ELEMENTWISE_MIN;
  return before;
}

/** Elements per part at least, a multiple of 16. */
const CHUNK_ALIGN = 16;

const scratch: Record<DType, Array<WasmArray | undefined>> = { f32: [], f64: [] };

/** Part `part`'s gemm packing scratch (parts >= 1; part 0 uses gemm.ts's), grown to `n` elements. */
export function partScratch(dtype: DType, part: number, n: number): WasmArray {
  const s = scratch[dtype][part];
  if (s && s.length >= n) return s;
  s?.free();
  const grown = alloc(dtype, Math.max(n, s ? Math.ceil(s.length * 1.5) : 0));
  scratch[dtype][part] = grown;
  return grown;
}

/** Frees every part's scratch (releaseGemmScratch calls it). */
export function releasePartScratch(): void {
  for (const dt of ['f32', 'f64'] as const) {
    for (const s of scratch[dt]) s?.free();
    scratch[dt] = [];
  }
}

/** [r0, r1) for each of `parts` parts of m rows: whole 4-row tiles, the last part ends at m. */
export function splitRows(m: number, parts: number): Array<[number, number]> {
  const tiles = Math.ceil(m / 4);
  const out: Array<[number, number]> = [];
  let t0 = 0;
  for (let i = 0; i < parts; i++) {
    const t1 = t0 + Math.floor(tiles / parts) + (i < tiles % parts ? 1 : 0);
    out.push([t0 * 4, Math.min(t1 * 4, m)]);
    t0 = t1;
  }
  return out;
}

/** [start, end) for each of `parts` chunks of n elements, boundaries at multiples of 16. */
export function splitChunks(n: number, parts: number): Array<[number, number]> {
  const blocks = Math.ceil(n / CHUNK_ALIGN);
  const out: Array<[number, number]> = [];
  let b0 = 0;
  for (let i = 0; i < parts; i++) {
    const b1 = b0 + Math.floor(blocks / parts) + (i < blocks % parts ? 1 : 0);
    out.push([b0 * CHUNK_ALIGN, Math.min(b1 * CHUNK_ALIGN, n)]);
    b0 = b1;
  }
  return out;
}

/**
 * C rows of `gemm_rows_<dt>` across the pool, if the product is large enough and threads are on;
 * false (nothing done) otherwise. `args` are gemm's 11 (scratch last: part 0's).
 */
export function gemmInParts(
  dt: DType,
  m: number,
  n: number,
  k: number,
  args: number[],
  scratchElems: number,
): boolean {
  const threads = threadCount();
  if (threads < 2 || m * n * k < GEMM_MIN_WORK) return false;
  const want = Math.min(threads, Math.floor(m / GEMM_MIN_ROWS));
  if (want < 2) return false;
  const pool = activePool();
  if (!pool) return false;
  const parts = Math.min(want, pool.size);
  const rows = splitRows(m, parts);
  const jobs = rows.map(([r0, r1], i) => {
    const a = args.slice();
    if (i > 0) a[10] = partScratch(dt, i, scratchElems).ptr;
    a.push(r0, r1);
    return a;
  });
  pool.run(`gemm_rows_${dt}`, jobs);
  return true;
}

/**
 * gemmBatched across the pool: `args` are gemm_batch_rows' first 14 (scratch last: part 0's).
 * Splits over the batch when C's products are distinct and there are at least 2 per part, else
 * over rows; false (nothing done) below the crossover or without threads.
 */
export function gemmBatchInParts(
  dt: DType,
  batch: number,
  m: number,
  n: number,
  k: number,
  cStride: number,
  args: number[],
  scratchElems: number,
): boolean {
  const threads = threadCount();
  if (threads < 2 || batch * m * n * k < GEMM_MIN_WORK) return false;
  // Overlapping products of C (0 < stride < m n) would race between row panels: one thread.
  if (cStride !== 0 && cStride < m * n) return false;
  const overBatch = cStride >= m * n && batch >= 2 * threads;
  const want = overBatch ? threads : Math.min(threads, Math.floor(m / GEMM_MIN_ROWS));
  if (want < 2) return false;
  const pool = activePool();
  if (!pool) return false;
  const parts = Math.min(want, pool.size);
  const split = overBatch ? splitBatch(batch, parts) : splitRows(m, parts);
  const jobs = split.map(([s0, s1], i) => {
    const a = args.slice();
    if (i > 0) a[13] = partScratch(dt, i, scratchElems).ptr;
    if (overBatch) a.push(s0, s1, 0, m);
    else a.push(0, batch, s0, s1);
    return a;
  });
  pool.run(`gemm_batch_rows_${dt}`, jobs);
  return true;
}

function splitBatch(batch: number, parts: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let b0 = 0;
  for (let i = 0; i < parts; i++) {
    const b1 = b0 + Math.floor(batch / parts) + (i < batch % parts ? 1 : 0);
    out.push([b0, b1]);
    b0 = b1;
  }
  return out;
}

/**
 * An elementwise kernel `name`(n, p1..pK, scalars...) over chunks on the pool: `args[0]` is n,
 * args[1..nPtrs] byte pointers to `bytes`-byte elements. Returns the parts' return values, or
 * undefined (nothing done) below the crossover or without threads.
 */
export function elementwiseInParts(
  name: string,
  bytes: number,
  nPtrs: number,
  args: number[],
): number[] | undefined {
  const n = args[0];
  const threads = threadCount();
  if (threads < 2 || n < ELEMENTWISE_MIN) return undefined;
  const pool = activePool();
  if (!pool) return undefined;
  const parts = Math.min(threads, pool.size, Math.floor(n / CHUNK_ALIGN));
  if (parts < 2) return undefined;
  const jobs = splitChunks(n, parts).map(([s, e]) => {
    const a = args.slice();
    a[0] = e - s;
    for (let j = 1; j <= nPtrs; j++) if (a[j] !== 0) a[j] += s * bytes;
    return a;
  });
  return pool.run(name, jobs);
}

/**
 * Runs elementwise `kernel` (export `<base>_<dtype>`) on args = (n, p1..pK, scalars...), in chunks on the
 * pool when n is large enough, and returns the smallest part's return value: for a kernel that
 * returns an all-finite flag (1 or 0), the AND of the chunks' flags.
 */
export function runElementwise(
  kernel: RawKernel,
  base: string,
  dtype: DType,
  nPtrs: number,
  args: number[],
): number {
  if (args[0] >= ELEMENTWISE_MIN) {
    const parts = elementwiseInParts(`${base}_${dtype}`, dtype === 'f32' ? 4 : 8, nPtrs, args);
    if (parts) return Math.min(...parts);
  }
  return kernel(...args) ?? 0;
}
