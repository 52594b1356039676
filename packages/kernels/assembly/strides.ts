/**
 * The shape and strides of a strided kernel call (elementwise.ts, strided.ts) arrive through one
 * static scratch area instead of per-call allocations: the TypeScript wrapper (src/strides.ts)
 * writes them through an Int32Array view at `stridesScratch()`, then calls the kernel.
 *
 * Layout (i32): dims are stored INNERMOST FIRST, after the wrapper dropped size-1 dims and merged
 * contiguous ones, so dim 0 is the inner run.
 *   [0, 8)           size of dim d
 *   [8 + 8k, 16 + 8k) stride (in elements) of operand k along dim d, k = 0..2
 *   [32, 40)         the odometer's counters (the kernels' own scratch)
 */

const SCRATCH = memory.data(160, 16);
const COUNTERS: usize = SCRATCH + 32 * 4;

/** Where the wrapper writes sizes and strides. */
export function stridesScratch(): usize {
  return SCRATCH;
}

/** The size of (merged) dim d, innermost first. */
// @ts-ignore: decorator
@inline export function dimSize(d: i32): i32 {
  return load<i32>(SCRATCH + (<usize>d << 2));
}

/** The stride in elements of operand k along dim d. */
// @ts-ignore: decorator
@inline export function strideOf(k: i32, d: i32): i32 {
  return load<i32>(SCRATCH + (<usize>(8 + 8 * k + d) << 2));
}

/** The number of inner runs: the product of the sizes of dims 1..rank-1. */
export function runCount(rank: i32): i32 {
  let runs = 1;
  for (let d = 1; d < rank; d++) runs *= dimSize(d);
  return runs;
}

// The element offsets of up to three operands at the start of the current inner run.
export let offset0: i32 = 0;
export let offset1: i32 = 0;
export let offset2: i32 = 0;

/** Sets every counter and offset to 0 (the first inner run). */
export function startRuns(rank: i32): void {
  for (let d = 1; d < rank; d++) store<i32>(COUNTERS + (<usize>d << 2), 0);
  offset0 = 0;
  offset1 = 0;
  offset2 = 0;
}

/**
 * Advances the odometer over dims 1..rank-1 by one inner run, moving the first `operands`
 * offsets by their strides (a dim that wraps around steps back by size * stride and carries).
 */
export function nextRun(rank: i32, operands: i32): void {
  for (let d = 1; d < rank; d++) {
    const p = COUNTERS + (<usize>d << 2);
    const c = load<i32>(p) + 1;
    const n = dimSize(d);
    const back = c == n ? n : 0;
    store<i32>(p, c == n ? 0 : c);
    offset0 += strideOf(0, d) * (1 - back);
    if (operands > 1) offset1 += strideOf(1, d) * (1 - back);
    if (operands > 2) offset2 += strideOf(2, d) * (1 - back);
    if (c != n) return;
  }
}
