/**
 * The timing of the threads-nn suite (suites/threads-nn.ts, threads-nn-crossover.ts): 1 thread
 * against 2 in rounds taken in turn (oneVsTwo), the same-bits check run before a case is timed,
 * the printing of a case, and seeded f32 inputs.
 */
import { fromArray, setThreads, threadsReady, type WasmArray, type WasmMatrix } from '@descent/kernels';
import { report, type Timing, time } from './harness.js';
import { randomF32 } from './random.js';

const ROUNDS = 5;
const THREADS = [1, 2] as const;

export async function useThreads(n: number): Promise<void> {
  setThreads(n);
  await threadsReady();
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

/**
 * Each side's median over ROUNDS rounds in turn, the median of the rounds' own ratios, and the
 * ratio of each side's fastest round (`best`: on a machine shared with other jobs, the rounds a
 * neighbour did not take a core from).
 */
export async function oneVsTwo(
  label: string,
  fn: () => unknown,
  opts = { samples: 5, warmup: 1, minBatch: 0.02 },
): Promise<{ one: Timing; two: Timing; ratio: number; best: number }> {
  const rounds: number[][] = THREADS.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, n] of THREADS.entries()) {
      await useThreads(n);
      rounds[i].push((await time(label, fn, opts)).seconds);
    }
  }
  const [one, two] = THREADS.map((n, i) => ({
    name: `${label}, ${n} thread${n > 1 ? 's' : ''}`,
    seconds: median(rounds[i]),
  }));
  return {
    one,
    two,
    ratio: median(rounds[0].map((t1, r) => t1 / rounds[1][r])),
    best: Math.min(...rounds[0]) / Math.min(...rounds[1]),
  };
}

/** Throws unless `f` (returning every output it wrote) gives the same bits on 1 and 2 threads. */
export async function checkSameBits(label: string, f: () => Float32Array[]): Promise<void> {
  await useThreads(1);
  const a = f();
  await useThreads(2);
  const b = f();
  const same = a.every((x, j) => x.length === b[j].length && x.every((v, i) => Object.is(v, b[j][i])));
  console.log(`  ${label}: 1 and 2 threads bit-identical: ${same}`);
  if (!same) throw new Error(`threads-nn: ${label} differs between 1 and 2 threads`);
}

export function printCase(title: string, t: { one: Timing; two: Timing; ratio: number; best: number }): void {
  report(title, t.two, [t.one]);
  console.log(
    `  median of the ${ROUNDS} rounds' own ratios: ${t.ratio.toFixed(2)}x; fastest round against fastest round: ${t.best.toFixed(2)}x`,
  );
}

export const f32 = (n: number, seed: number): WasmArray => fromArray(randomF32(n, seed));
export const mat = (rows: number, cols: number, seed: number): WasmMatrix => ({
  rows,
  cols,
  data: f32(rows * cols, seed),
});
