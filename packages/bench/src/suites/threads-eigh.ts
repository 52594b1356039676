/**
 * eigh (values and vectors, f64) on the kernels' worker pool, 2 threads against 1, in the same
 * run, at n = 256, 512, 1024. On threads the products inside eigh are split by rows (the
 * reduction's trailing updates, the large divide-and-conquer merges, the back-transformation:
 * kernels/src/threads/eigh-threads.ts); the rest (the reflectors' symv passes, the secular
 * equations, the deflation) stays on the calling thread, so the expected gain is bounded by
 * gemm's share of the time (about 70% at n = 1024: at most ~1.5x on 2 threads).
 *
 * Times are WALL seconds: each side's median over ROUNDS rounds taken in turn (a round:
 * `setThreads`, `await threadsReady()`, a warm-up call, the median of 3 calls), and the median of
 * the rounds' own ratios; with each side's CPU seconds per wall second and the load average (on 2
 * cores shared with other jobs the second thread competes with them, and ratios fall toward 1).
 * Before timing, the results on 1 and 2 threads are checked to be bit-identical (values and
 * vectors); the suite throws otherwise.
 */
import { availableParallelism, loadavg } from 'node:os';
import { backendInfo, eigh, setThreads } from '@descent/kernels';
import { report } from '../harness.js';
import { randomSymmetric } from '../random.js';
import { printRounds, THREADS, timeOnThreads, useThreads } from '../threads-rounds.js';

const ROUNDS = 5;
const SIZES = [256, 512, 1024];

/** Whether eigh gives the same bits on 1 and 2 threads. */
async function identical(n: number, a: Float64Array): Promise<boolean> {
  const out: Float64Array[] = [];
  for (const t of THREADS) {
    await useThreads(t);
    const r = eigh({ rows: n, cols: n, data: a });
    const both = new Float64Array(n + n * n);
    both.set(r.values);
    both.set(r.vectors, n);
    out.push(both);
  }
  return out[0].every((v, i) => Object.is(v, out[1][i]));
}

async function eighCase(n: number): Promise<void> {
  const a = randomSymmetric(n, 1 + n);
  const A = { rows: n, cols: n, data: a };
  const same = await identical(n, a);
  console.log(`\n  n = ${n}: values and vectors on 1 and 2 threads bit-identical: ${same}`);
  if (!same) throw new Error(`threads-eigh: eigh at n = ${n} differs between 1 and 2 threads`);
  const load0 = loadavg()[0];
  const timed = await timeOnThreads('descent eigh', () => eigh(A), { rounds: ROUNDS, samples: 3 });
  const [one, two] = timed.sides;
  report(`eigh n = ${n} (values and vectors, f64): 2 threads vs 1`, two, [one]);
  printRounds(timed, ROUNDS);
  console.log(`  load average ${load0.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`);
}

export async function run(): Promise<void> {
  const before = backendInfo().threads; // restored at the end, for the suites after this one
  await useThreads(2);
  const info = backendInfo();
  console.log(
    `  backend: simd ${info.simd}, shared memory ${info.sharedMemory}; ${availableParallelism()} cores; load average ${loadavg()[0].toFixed(2)}`,
  );
  console.log(
    `  times: wall seconds, each side's median of ${ROUNDS} rounds (median of 3 calls each), in turn`,
  );
  for (const n of SIZES) await eighCase(n);
  setThreads(before);
}
