/**
 * Splitting the NN primitives across the pool, so that results are bit-identical for any thread
 * count. Three shapes of split (each part one call of a kernel export on a range):
 *
 * - Elements (activations and their backward, dropout): contiguous chunks of 16-element
 *   multiples, every pointer offset, as the optimizer updates (parallel.ts); each element gets the
 *   single-threaded arithmetic, its vector or scalar path included.
 * - Rows / planes / channels (softmax, log-softmax and their backward, the cross-entropy's rows,
 *   biasAdd, batch norm's normalize, pooling's planes, im2col / col2im's channels of one image,
 *   indexSelect's rows): outputs of different rows never meet, so each part is the single-threaded
 *   kernel on its rows. The cross-entropy's mean is kept exact: parts write each row's term, and
 *   the terms are summed here in row order, as the single-threaded kernel sums them.
 * - Columns (columnSums, batch norm's statistics and backward): a reduction over rows keeps each
 *   column's summation order when a part owns whole columns, so these split over columns, at
 *   multiples of 16.
 *
 * Crossovers (below them the pool is not touched), measured on this 2-core machine with
 * `THREADS_NN_CROSSOVER=only pnpm bench threads-nn` (2 threads against 1, wall clock, back to back,
 * load average 1.2-1.6 from other jobs; two runs, "a / b" where they differ; f32; a third run
 * agreed within the same spread):
 *   relu 2^15: 1.25 / 1.29x, 2^16: 0.84 / 1.71x, 2^17: 1.73 / 1.43x, 2^18: 1.74 / 1.82x;
 *   gelu 2^12: 1.86 / 1.57x, 2^14: 1.81 / 1.63x, 2^17: 1.92 / 1.68x;
 *   bceWithLogits 2^12: 1.33 / 1.35x, 2^13: 1.36 / 1.51x, 2^14: 1.05 / 1.51x, 2^16: 1.70 / 1.52x;
 *   softmax (128 columns) 2^12: 1.67 / 1.40x, 2^14: 1.71 / 1.79x, 2^17: 1.97 / 1.79x;
 *   maxPool2d 2x2 on 28x28 planes, window work 2^12.6: 1.54 / 1.03x, 2^14.6: 1.68 / 1.22x,
 *   2^15.6: 1.31 / 2.75x; im2col / col2im at 28x28, 3x3, C = 2 (2^13.8 elements): 1.42 / 1.02x,
 *   1.36 / 0.97x; C = 8 (2^15.8): 1.74 / 1.40x, 1.74 / 1.38x; C = 32: 1.88 / 1.34x, 1.85 / 1.79x;
 *   indexSelect (64-element rows) 2^16: 0.78 / 1.28x, 2^17: 1.23 / 1.07x, 2^19: 1.19 / 0.91x (a
 *   copy, memory-bound: it barely pays);
 *   columnSums 256 columns 2^16 - 2^19: 0.86-1.10x; batch norm's statistics over columns: slower
 *   (forward 2^19: 0.55x): each thread reads a strip of every row, and the two strips' streams
 *   compete for the memory system (a strip of half the columns takes 60-70 % of the whole on one
 *   thread; two at once take as long as the whole). So column reductions do not pay here: their
 *   crossover is infinite (the split is kept, tested, for machines where it does), and batch
 *   norm threads only its row-wise passes (normalize, the backward's dx) from CHEAP_MIN.
 * A job whose worker has gone to sleep costs more (`THREADS_NN_CROSSOVER=cold`: each call after
 * 500 us of other work). At load 1.0: gelu 2^13 1.04x, bce 2^13 0.86x, 2^14 1.12x, softmax 2^14
 * 0.91x, relu 2^17 0.71x, 2^18 0.82x, maxPool2d 2^14.6 1.46x, im2col 2^15.8 0.84x, 2^16.8 1.17x
 * (Adam 2^17, parallel.ts's, 0.88-1.21x in the same minute). At load 1.7-1.9 waking took ~120 us
 * (relu 2^17 0.18x; Adam 2^17 0.43x). As parallel.ts does, each threshold is where a warm job
 * gains 1.5-1.9x and one woken in a quiet moment about breaks even: some 50 us of one-thread work.
 */
import { alloc, type WasmArray } from '../arena.js';
import { activePool, threadCount } from './config.js';
import type { Pool } from './pool.js';

/**
 * Cheap element-wise kernels (relu, leakyRelu, dropout, sigmoid/tanh backward, biasAdd, batch
 * norm's normalize and dx): elements (2^18: 1.3-1.8x warm, ~51 us on one thread). Memory-bound:
 * 2-3 streams of 4 bytes per element.
 */
export let CHEAP_MIN = 1 << 18;
/** Transcendental element-wise kernels (sigmoid, tanh, gelu and gelu's backward): elements (2^13: 1.6-1.8x, ~57 us). */
export let TRANSCENDENTAL_MIN = 1 << 13;
/** Row-wise kernels (softmax and log-softmax, their backward, softmax + cross-entropy): rows · cols (2^14: 1.7-1.8x, ~51 us). */
export let ROWS_MIN = 1 << 14;
/** Column reductions (columnSums, batch norm's statistics and backward sums): never, on this machine (see above). */
export let COLUMNS_MIN = Number.POSITIVE_INFINITY;
/** Pooling, forward and backward: outputs · window, N Hout Wout kH kW (2^14.6: 1.2-1.8x, ~60 us). */
export let POOL_MIN = 1 << 15;
/** im2col / col2im of one image: elements of its cols, C kH kW Hout Wout (2^15.8: 1.2-1.9x, 27-53 us). */
export let CONV_MIN = 1 << 16;
/** indexSelect and indexAdd: elements copied or added (2^18: 0.9-1.1x, ~40 us: a copy, memory-bound, barely pays). */
export let GATHER_MIN = 1 << 18;
/** bceWithLogits (terms and gradient in chunks, the sum on the calling thread): elements (2^14: 1.05-1.7x, ~95 us). */
export let BCE_MIN = 1 << 14;

export interface NnCrossovers {
  cheap: number;
  transcendental: number;
  rows: number;
  columns: number;
  pool: number;
  conv: number;
  gather: number;
  bce: number;
}

/**
 * Overrides the NN crossovers (the benchmark measures below them; 0 threads everything) and
 * returns the previous ones. Not part of the package's API.
 */
export function setNnCrossovers(next: Partial<NnCrossovers>): NnCrossovers {
  const before: NnCrossovers = {
    cheap: CHEAP_MIN,
    transcendental: TRANSCENDENTAL_MIN,
    rows: ROWS_MIN,
    columns: COLUMNS_MIN,
    pool: POOL_MIN,
    conv: CONV_MIN,
    gather: GATHER_MIN,
    bce: BCE_MIN,
  };
  CHEAP_MIN = next.cheap ?? CHEAP_MIN;
  TRANSCENDENTAL_MIN = next.transcendental ?? TRANSCENDENTAL_MIN;
  ROWS_MIN = next.rows ?? ROWS_MIN;
  COLUMNS_MIN = next.columns ?? COLUMNS_MIN;
  POOL_MIN = next.pool ?? POOL_MIN;
  CONV_MIN = next.conv ?? CONV_MIN;
  GATHER_MIN = next.gather ?? GATHER_MIN;
  BCE_MIN = next.bce ?? BCE_MIN;
  return before;
}

/** The pool and how many parts to cut `n` units into (`align` units at least per part), or undefined. */
function plan(
  n: number,
  align: number,
  work: number,
  min: number,
): { pool: Pool; parts: number } | undefined {
  const threads = threadCount();
  if (threads < 2 || work < min) return undefined;
  const want = Math.min(threads, Math.floor(n / align));
  if (want < 2) return undefined;
  const pool = activePool();
  if (!pool) return undefined;
  return { pool, parts: Math.min(want, pool.size) };
}

/** [start, end) for each of `parts` parts of n units, boundaries at multiples of `align`, the last ending at n. */
export function splitAligned(n: number, parts: number, align: number): Array<[number, number]> {
  const blocks = Math.ceil(n / align);
  const out: Array<[number, number]> = [];
  let b0 = 0;
  for (let i = 0; i < parts; i++) {
    const b1 = b0 + Math.floor(blocks / parts) + (i < blocks % parts ? 1 : 0);
    out.push([b0 * align, Math.min(b1 * align, n)]);
    b0 = b1;
  }
  return out;
}

/**
 * Kernel `name` once per part of the n units [0, n) on the pool, `args(start, end, part, parts)`
 * giving a part's arguments, if `work` >= `min` and threads are on: returns the parts' return
 * values, or undefined (nothing done; the caller runs the single-threaded kernel).
 */
export function rangeInParts(
  name: string,
  n: number,
  align: number,
  work: number,
  min: number,
  args: (start: number, end: number, part: number, parts: number) => number[],
): number[] | undefined {
  const p = plan(n, align, work, min);
  if (!p) return undefined;
  return p.pool.run(
    name,
    splitAligned(n, p.parts, align).map(([s, e], i) => args(s, e, i, p.parts)),
  );
}

const LINE = 64;

/**
 * A column reduction `name`(rows, cols, j0, j1, ...rest, scratch) over column ranges (multiples
 * of 16) on the pool, each part with its own block of scratch, `perColumn` (j1 - j0) elements of
 * `bytes` bytes starting on a 64-byte cache line, so that no two threads write one line while they
 * sum. Returns whether it ran (false: nothing done).
 */
export function columnsInParts(
  name: string,
  rows: number,
  cols: number,
  bytes: number,
  perColumn: number,
  min: number,
  rest: number[],
): boolean {
  let scratch: WasmArray | undefined;
  try {
    const done = rangeInParts(name, cols, 16, rows * cols, min, (j0, j1, part, parts) => {
      const widest = (Math.floor(Math.ceil(cols / 16) / parts) + 1) * 16;
      const stride = Math.ceil((perColumn * widest * bytes) / LINE) * LINE;
      scratch ??= alloc('f64', Math.ceil((parts * stride + LINE) / 8));
      const base = Math.ceil(scratch.ptr / LINE) * LINE;
      return [rows, cols, j0, j1, ...rest, base + part * stride];
    });
    return done !== undefined;
  } finally {
    scratch?.free();
  }
}

/**
 * An element-wise kernel `name`(n, p1..pK, scalars...) in chunks on the pool: args[0] is n,
 * args[1..nPtrs] byte pointers to elements of `bytes` bytes (0, an unused pointer, stays 0).
 * `min` is the family's crossover. Returns whether it ran (false: nothing done).
 */
export function elementsInParts(
  name: string,
  bytes: number,
  nPtrs: number,
  args: number[],
  min: number,
): boolean {
  const n = args[0];
  const done = rangeInParts(name, n, 16, n, min, (s, e) => {
    const a = args.slice();
    a[0] = e - s;
    for (let j = 1; j <= nPtrs; j++) if (a[j] !== 0) a[j] += s * bytes;
    return a;
  });
  return done !== undefined;
}
