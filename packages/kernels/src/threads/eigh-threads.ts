/**
 * eigh on the worker pool: the matrix products inside it split over row ranges, the result
 * bit-identical to the one-thread `eigh_f64` for any thread count.
 *
 * At n = 1024 about 70% of eigh's time is gemm, in three places: the blocked reduction's trailing
 * updates (one RB x r x 64 gemm per 64 rows, per panel of 32 reflectors), the divide-and-conquer
 * merges' Q[:, kept] U, and the back-transformation's three products per block of 64 reflectors.
 * `eigh_f64` runs all of it inside one wasm call. Here the same stages run one at a time
 * (assembly/eigh.ts's `eigh_step_*` exports, in `eigh_f64`'s order), and between them each large
 * product is a pool job whose parts are row ranges of its C (`eigh_tri_rows_f64`,
 * `eigh_dc_rows_f64`, `eigh_q_rows_f64`, each with its own scratch). A row of a product is
 * computed by the same instructions in the same order whoever computes it (gemm_rows, and the
 * trailing update's blocks are independent), so no element depends on the split.
 *
 * Why phases driven from JS, and not a wasm import that the AssemblyScript gemm call sites would
 * call for a big product (the caller re-entering wasm for its part): the workers instantiate the
 * same module with `{ env: { memory } }` only (threads/worker-main.ts), so every import would need
 * a worker-side stub and a matching change in every place a module is instantiated; a phase
 * export is an ordinary kernel to the pool. The cost is a few exports and ~100 small wasm calls
 * per eigh at n = 1024 (each a few microseconds), against ~280 ms of work.
 *
 * The divide-and-conquer recursion is mirrored here only where a merge's products are worth a
 * job (blocks of at least DC_JOB_MIN rows); smaller blocks are solved in one `eigh_step_dc_f64`.
 */
import { alloc } from '../arena.js';
import { namedKernel, type RawKernel } from '../exports.js';
import { wasmInfo } from '../wasm.js';
import { activePool, threadCount } from './config.js';
import { GEMM_MIN_WORK, splitRows } from './parallel.js';
import type { Pool } from './pool.js';
import { MAX_PARTS } from './worker-main.js';

/**
 * Orders below this run `eigh_f64` on one thread. Measured on this 2-core machine (wall clock, 2
 * threads against 1, in the quieter moments of a shared machine: load 1.1-1.8, sgemm gaining
 * 1.8-1.9x in the same window): n = 160-192 0.94-1.0x, 256 1.0-1.05x, 384 1.1-1.25x, 512
 * 1.2-1.5x, 1024 1.4-1.5x. Below 256 the serial parts (the reflectors' symv passes, the secular
 * equations) dominate and each job wakes a sleeping worker.
 */
export let EIGH_MIN_N = 256;
/** D&C blocks of at least this many rows are merged step by step, their products on the pool. */
const DC_JOB_MIN = 192;
/** Rows per block of the reduction's trailing update (eigh-tridiag.ts RB). */
const RB = 64;

/** Overrides EIGH_MIN_N (tests split small matrices) and returns the previous value. Not API. */
export function setEighMinN(n: number): number {
  const before = EIGH_MIN_N;
  EIGH_MIN_N = n;
  return before;
}

const kernels = new Map<string, () => RawKernel>();
const k = (name: string): RawKernel => {
  let f = kernels.get(name);
  if (!f) kernels.set(name, (f = namedKernel(name)));
  return f();
};

/** One eigh's pool, its parts' scratch and the step descriptor (16 f64 the steps write). */
interface Run {
  pool: Pool;
  parts: number;
  /** byte address of part i's scratch (i < 2 parts): scratch + i * per */
  scratch: number;
  per: number;
  desc: number;
  n: number;
}

const descOf = (r: Run): Float64Array => new Float64Array(wasmInfo().memory.buffer, r.desc, 16);

/**
 * eigh_f64(n, a, w, work, vectors) with its products on the pool: returns its info, or undefined
 * (nothing done) when threads are off, the pool is not ready, or n < EIGH_MIN_N.
 */
export function eighOnThreads(
  n: number,
  a: number,
  w: number,
  work: number,
  vectors: boolean,
): number | undefined {
  const threads = threadCount();
  if (threads < 2 || n < EIGH_MIN_N) return undefined;
  const pool = activePool();
  if (!pool) return undefined;
  // a merge's job has 2 parts per thread: at most MAX_PARTS in all
  const parts = Math.min(threads, pool.size, MAX_PARTS >> 1);
  const per = k('eigh_step_scratch_f64')(n);
  // 2 parts' scratch per thread: a merge's job splits its top and its bottom product.
  const buf = alloc('f64', 16 + 2 * parts * per);
  try {
    const run: Run = { pool, parts, scratch: buf.ptr + 128, per: per * 8, desc: buf.ptr, n };
    return steps(run, a, w, work, vectors);
  } finally {
    buf.free();
  }
}

function steps(r: Run, a: number, w: number, work: number, vectors: boolean): number {
  const n = r.n;
  if (k('eigh_step_begin_f64')(n, a, w, work, vectors ? 1 : 0, r.desc) !== 0) return 0;
  const tri = descOf(r)[0];
  for (let mp = k('eigh_step_panel_f64')(); mp > 0; mp = k('eigh_step_panel_f64')()) {
    triUpdate(r, a, tri, mp);
  }
  if (!vectors) return k('eigh_step_values_f64')();
  const n1 = k('eigh_step_solve_f64')();
  if (n1 < 0) return 1;
  if (n1 > 0) {
    const beta = k('eigh_step_split_f64')(0, n1);
    if (solve(r, 0, n1) !== 0 || solve(r, n1, n - n1) !== 0) return 1;
    k('eigh_step_z1_f64')(n1);
    backTransform(r, 0, n1);
    k('eigh_step_z1_end_f64')(n1);
    merge(r, 0, n, n1, beta);
  }
  backTransform(r, 1, n1);
  k('eigh_step_finish_f64')();
  return 0;
}

/** eigh-dc.ts's dcSolve, the large merges' products on the pool. */
function solve(r: Run, s: number, m: number): number {
  if (m < DC_JOB_MIN) return k('eigh_step_dc_f64')(s, m);
  const n1 = m >> 1;
  const beta = k('eigh_step_split_f64')(s, n1);
  if (solve(r, s, n1) !== 0 || solve(r, s + n1, m - n1) !== 0) return 1;
  merge(r, s, m, n1, beta);
  return 0;
}

/** dcMerge: its start, then W = Q[:, kept] U's top and bottom rows in one job, then its end. */
function merge(r: Run, s: number, m: number, n1: number, beta: number): void {
  if (k('eigh_step_merge_f64')(s, m, n1, beta, r.desc) > 0) {
    const d = descOf(r);
    const top = Array.from(d.subarray(0, 6));
    const bottom = Array.from(d.subarray(6, 12));
    const work = (top[0] + bottom[0]) * top[1] * Math.max(top[2], bottom[2]);
    const jobs: number[][] = [];
    for (const args of [top, bottom]) {
      for (const [r0, r1] of rowSplit(args[0], work >= GEMM_MIN_WORK ? r.parts : 1))
        jobs.push([...args, 0, r0, r1]);
    }
    runParts(r, 'eigh_dc_rows_f64', jobs, 6);
  }
  k('eigh_step_merge_end_f64')(s, m);
}

/**
 * The back-transformation on Z1 (which 0, before the last merge) or on Z (1): per block of
 * reflectors, Y and T on this thread, then P = Yᵀ z, P2 = T P, z -= Y P2, each a job over its rows.
 */
function backTransform(r: Run, which: number, n1: number): void {
  k('eigh_step_q_f64')(which, n1, r.desc);
  const [lo, hi, nb, z, cols] = descOf(r);
  for (let i0 = lo; i0 < hi; i0 += nb) {
    const kb = k('eigh_step_q_block_f64')(which, n1, i0, hi, cols, r.desc);
    const [ybuf, p, p2, t] = descOf(r);
    const rr = i0 + kb - 1;
    for (const [stage, rows, work] of [
      [0, kb, kb * cols * rr],
      [1, kb, kb * cols * kb],
      [2, rr, rr * cols * kb],
    ]) {
      const split = rowSplit(rows, work >= GEMM_MIN_WORK ? r.parts : 1);
      runParts(
        r,
        'eigh_q_rows_f64',
        split.map(([r0, r1]) => [stage, kb, rr, cols, ybuf, z, p, p2, t, 0, r0, r1]),
        9,
      );
    }
  }
}

/**
 * A panel's trailing update, rows 0 .. mp in blocks of RB: block b costs about its last row
 * (the gemm's width), so the parts take contiguous blocks of about equal total width.
 */
function triUpdate(r: Run, a: number, tri: number, mp: number): void {
  const blocks = Math.ceil(mp / RB);
  const work = (mp * mp * RB) / 2; // Σ_b RB x (b + 1) RB x 2NB ≈ 2NB mp² / 2 multiply-adds (2NB = RB)
  const parts = work >= GEMM_MIN_WORK ? Math.min(r.parts, blocks) : 1;
  const width = (b: number) => Math.min((b + 1) * RB, mp);
  let total = 0;
  for (let b = 0; b < blocks; b++) total += width(b);
  const jobs: number[][] = [];
  let b0 = 0;
  let acc = 0;
  for (let i = 0; i < parts; i++) {
    let b1 = b0;
    const target = (total * (i + 1)) / parts;
    while (b1 < blocks && (i === parts - 1 || acc + width(b1) / 2 <= target)) acc += width(b1++);
    if (b1 > b0) jobs.push([r.n, a, tri, mp, 0, b0 * RB, Math.min(b1 * RB, mp)]);
    b0 = b1;
  }
  runParts(r, 'eigh_tri_rows_f64', jobs, 4);
}

/** [r0, r1) row ranges for `parts` parts (whole 4-row tiles; at least 16 rows each). */
function rowSplit(rows: number, parts: number): Array<[number, number]> {
  const p = Math.max(1, Math.min(parts, Math.floor(rows / 16)));
  return p === 1 ? [[0, rows]] : splitRows(rows, p);
}

/**
 * Runs `name` once per job, job i with part i's scratch at argument `at`: on the pool when there
 * are two or more, else on this thread.
 */
function runParts(r: Run, name: string, jobs: number[][], at: number): void {
  for (const [i, job] of jobs.entries()) job[at] = r.scratch + i * r.per;
  if (jobs.length === 1) k(name)(...jobs[0]);
  else if (jobs.length > 1) r.pool.run(name, jobs);
}
