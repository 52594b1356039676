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
 * Crossovers (below them the pool is not touched): see each constant.
 */
import { alloc, type WasmArray } from '../arena.js';
import { activePool, threadCount } from './config.js';
import type { Pool } from './pool.js';

/**
 * Cheap element-wise kernels (relu, leakyRelu, dropout, sigmoid/tanh backward): elements at which
 * 2 threads start to pay. Memory-bound (2-3 streams of 4 bytes per element, ~0.1 ns each).
 */
export let CHEAP_MIN = 1 << 17;
/** Transcendental element-wise kernels (sigmoid, tanh, gelu and gelu's backward): elements. */
export let TRANSCENDENTAL_MIN = 1 << 14;
/** Row-wise kernels (softmax and log-softmax, their backward, softmax + cross-entropy): rows · cols. */
export let ROWS_MIN = 1 << 15;
/** Column reductions and batch norm (columnSums, statistics, normalize, backward): rows · cols. */
export let COLUMNS_MIN = 1 << 17;
/** Pooling, forward and backward: outputs · window (N Hout Wout kH kW). */
export let POOL_MIN = 1 << 16;
/** im2col / col2im of one image: elements of its cols (C kH kW Hout Wout). */
export let CONV_MIN = 1 << 17;
/** indexSelect: elements copied (outer m inner). */
export let GATHER_MIN = 1 << 18;
/** bceWithLogits (terms and gradient in chunks, the sum on the calling thread): elements. */
export let BCE_MIN = 1 << 15;

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
