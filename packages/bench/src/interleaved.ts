/**
 * Timing several sides of one case fairly on a shared, busy machine. Time here is the CPU time of
 * this process (user + system, `process.cpuUsage`), not wall time: every side runs on this one
 * thread (TF.js-wasm with one thread, jax-js without workers under Node), and on two cores shared
 * by several jobs, wall time measures the scheduler as much as the code (it swung ratios by 2x
 * from run to run; CPU time keeps them within about 10%). V8's own helper threads (concurrent GC,
 * compilation) are counted, as they work for the side that runs.
 *
 * Each side first gets a batch size (calls per sample) so that one sample takes >= `minBatch`
 * seconds, as the harness's `time` does; then `samples` rounds each time one batch of every side,
 * in turn, and each side's time is the median of its per-call times.
 */
import type { Timing } from './harness.js';

/** What the printed times are, for the suites' output. */
export const CPU_TIME_NOTE =
  'times: CPU seconds of this process per call, median of 15 samples taken in turn with the other sides';

export interface Contender {
  name: string;
  fn: () => unknown | Promise<unknown>;
}

/** CPU seconds this process spends on `reps` calls. */
async function batchSeconds(fn: Contender['fn'], reps: number): Promise<number> {
  const t0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) await fn();
  const { user, system } = process.cpuUsage(t0);
  return (user + system) / 1e6;
}

/** Calls per sample so that a sample takes >= minBatch seconds. */
async function repsFor(fn: Contender['fn'], minBatch: number): Promise<number> {
  let reps = 1;
  for (;;) {
    const dt = await batchSeconds(fn, reps);
    if (dt >= minBatch || reps >= 1 << 20) return reps;
    reps *= dt > 0 ? Math.min(10, Math.max(2, Math.ceil(minBatch / dt))) : 10;
  }
}

export async function timeInterleaved(
  contenders: readonly Contender[],
  { samples = 15, minBatch = 0.03, warmup = 3 } = {},
): Promise<Timing[]> {
  const reps: number[] = [];
  for (const c of contenders) {
    for (let i = 0; i < warmup; i++) await c.fn();
    reps.push(await repsFor(c.fn, minBatch));
  }
  const per: number[][] = contenders.map(() => []);
  for (let s = 0; s < samples; s++)
    for (const [i, c] of contenders.entries()) per[i].push((await batchSeconds(c.fn, reps[i])) / reps[i]);
  return contenders.map((c, i) => {
    const sorted = [...per[i]].sort((a, b) => a - b);
    return { name: c.name, seconds: sorted[sorted.length >> 1] };
  });
}
