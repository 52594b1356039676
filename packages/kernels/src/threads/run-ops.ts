/**
 * The interpreter of a kernel program (program.ts): the same function runs a program on the
 * caller's thread and, by its source, on every worker (pool.ts passes it to worker-main.ts).
 *
 * A program in memory: ops one after another, each [export index, n, n arguments] as Float64;
 * op i's return value goes to Float64 slot i of the results.
 */

/**
 * Runs `count` ops from byte address `ops` (each op: [export index, n, n arguments] as Float64),
 * writing op i's return value to Float64 slot i at byte address `results`. Self-contained (the
 * workers get its source: worker-main.ts), so it refers to nothing but its arguments.
 */
export function runOps(
  kernels: Array<(...args: number[]) => number | undefined>,
  memory: WebAssembly.Memory,
  ops: number,
  count: number,
  results: number,
): void {
  // a view of the memory as it is now: the program may lie above a worker's first view
  const f64 = new Float64Array(memory.buffer);
  let at = ops / 8;
  const out = results / 8;
  for (let i = 0; i < count; i++) {
    const fn = f64[at];
    const n = f64[at + 1];
    const a: number[] = new Array(n);
    for (let j = 0; j < n; j++) a[j] = f64[at + 2 + j];
    f64[out + i] = kernels[fn](...a) ?? 0;
    at += 2 + n;
  }
}
