/**
 * Timing one call on 1 thread and on 2, in rounds taken in turn (the threads suites share it).
 * Times are WALL seconds (two threads cannot be compared in CPU time). A round: `setThreads(n)`,
 * `await threadsReady()`, a warm-up call, the median of `samples` calls; each side's median over
 * the rounds, and the median of the rounds' own ratios (1-thread time / 2-thread time): a round's
 * two sides see about the same load, so its ratio is steadier than a ratio of medians. Also each
 * side's CPU seconds (all of this process's threads) per wall second: about 1 on one thread; with
 * 2 threads it rises toward 1 + the split share of the work when the second core is free, and stays
 * near 1 when other jobs hold it (the caller then runs the parts itself).
 */
import { setThreads, threadsReady } from '@descent/kernels';
import { type Timing, time } from './harness.js';

export const THREADS = [1, 2] as const;

export async function useThreads(n: number): Promise<void> {
  setThreads(n);
  await threadsReady();
}

export const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

export interface OnThreads {
  /** 1 thread, then 2: each side's median time */
  sides: Timing[];
  /** the median of the rounds' own ratios */
  ratio: number;
  /** each side's fastest round against the other's (the rounds no neighbour took a core from) */
  best: number;
  /** each side's median CPU seconds per wall second */
  busy: number[];
}

export interface RoundOptions {
  rounds?: number;
  /** calls per round (its median is the round's time), after `warmup` calls */
  samples?: number;
  warmup?: number;
  /** seconds a timed batch of calls lasts at least (harness.ts) */
  minBatch?: number;
}

export async function timeOnThreads(
  label: string,
  fn: () => unknown,
  { rounds = 7, samples = 5, warmup = 1, minBatch = 0 }: RoundOptions = {},
): Promise<OnThreads> {
  const times: number[][] = THREADS.map(() => []);
  const busy: number[][] = THREADS.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, n] of THREADS.entries()) {
      await useThreads(n);
      const wall = performance.now();
      const cpu = process.cpuUsage();
      times[i].push((await time(label, fn, { samples, warmup, minBatch })).seconds);
      const used = process.cpuUsage(cpu);
      busy[i].push((used.user + used.system) / 1e3 / (performance.now() - wall));
    }
  }
  const sides = THREADS.map((n, i) => ({
    name: `${label}, ${n} thread${n > 1 ? 's' : ''}`,
    seconds: median(times[i]),
  }));
  return {
    sides,
    ratio: median(times[0].map((t1, r) => t1 / times[1][r])),
    best: Math.min(...times[0]) / Math.min(...times[1]),
    busy: busy.map(median),
  };
}

/** The lines printed under each case: the rounds' ratio and the CPU per wall second. */
export function printRounds({ ratio, busy }: OnThreads, rounds: number): void {
  console.log(`  median of the ${rounds} rounds' own ratios: ${ratio.toFixed(2)}x`);
  const perWall = busy.map((b, i) => `${THREADS[i]} thread${THREADS[i] > 1 ? 's' : ''} ${b.toFixed(2)}`);
  console.log(`  CPU seconds per wall second: ${perWall.join(', ')}`);
}
