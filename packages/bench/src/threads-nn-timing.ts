/**
 * The timing of the threads-nn suite (suites/threads-nn.ts, threads-nn-crossover.ts): 1 thread
 * against 2 in rounds taken in turn (oneVsTwo), the same-bits check run before a case is timed,
 * the printing of a case, and seeded f32 inputs.
 */
import { fromArray, type WasmArray, type WasmMatrix } from '@descent/kernels';
import { report, type Timing } from './harness.js';
import { randomF32 } from './random.js';
import { type RoundOptions, timeOnThreads, useThreads } from './threads-rounds.js';

export { useThreads };

const ROUNDS = 5;

/** 1 thread against 2 in ROUNDS rounds in turn (threads-rounds.ts), as the suite prints them. */
export async function oneVsTwo(
  label: string,
  fn: () => unknown,
  opts: RoundOptions = { samples: 5, warmup: 1, minBatch: 0.02 },
): Promise<{ one: Timing; two: Timing; ratio: number; best: number }> {
  const t = await timeOnThreads(label, fn, { ...opts, rounds: ROUNDS });
  return { one: t.sides[0], two: t.sides[1], ratio: t.ratio, best: t.best };
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
