/**
 * Training on the kernels' worker pool, 2 threads against 1, in the same run:
 *   - @descent/mlp `fit()` on digits (1437 training rows, standardized), 64-128-128-10 ReLU, Adam
 *     lr 1e-3, one timed call = one epoch; at batch 256 (target: 2 threads >= 1.5x 1 thread; each
 *     batch runs data-parallel as 4 shards of 64 rows, the last as 4 of 40, 40, 40 and 37) and batch 32
 *     (informational: one shard, and its products are below gemm's crossover);
 *   - one @descent/autograd training step (forward, backward, Adam) of the same MLP written with
 *     tensors, at batch 256 and 32 (informational).
 * Threads are switched with `setThreads(n)` (the backend is global; fit() has no threads option).
 * Times: ../threads-rounds.ts (ROUNDS rounds taken in turn, wall clock). The load average is
 * printed: on 2 cores shared with other jobs, a second thread competes with them, and ratios fall
 * toward (or below) 1.
 *
 * Before timing, both are checked to be deterministic across thread counts: fit() for 3 epochs
 * from the same seed gives bit-identical weights on 1 and 2 threads, and 3 autograd steps the
 * same losses bit for bit; the suite throws otherwise.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Adam } from '@descent/core';
import { backendInfo, gemm, matrixFrom, setThreads } from '@descent/kernels';
import { type Dataset, digits, fit, mlp, standardize, trainTestSplit } from '@descent/mlp';
import { autogradSide, digitsBatch, initialWeights } from '../digits-mlp.js';
import { report } from '../harness.js';
import { randomF32 } from '../random.js';
import { printRounds, THREADS, timeOnThreads, useThreads } from '../threads-rounds.js';

const ROUNDS = 7;
const SIZES = [64, 128, 128, 10];

function trainingRows(): Dataset {
  const { train, test } = trainTestSplit(digits(), { testFraction: 0.2, seed: 0 });
  return standardize(train, test).train;
}

/** The bits of every weight after `epochs` epochs of fit() from seed 0 on `threads` threads. */
async function fitBits(tr: Dataset, batchSize: number, threads: number): Promise<Uint32Array[]> {
  await useThreads(threads);
  const model = mlp({ sizes: SIZES, activation: 'relu', seed: 0 });
  fit(model, tr, { optimizer: (ps) => new Adam(ps, { lr: 1e-3 }), epochs: 3, batchSize, seed: 0 });
  const bits = model.parameters().map((p) => new Uint32Array(Float32Array.from(p.value.toArray()).buffer));
  model.free();
  return bits;
}

const sameBits = (a: Uint32Array[], b: Uint32Array[]) =>
  a.length === b.length && a.every((x, i) => x.length === b[i].length && x.every((v, j) => v === b[i][j]));

async function fitCase(tr: Dataset, batchSize: number): Promise<void> {
  const identical = sameBits(await fitBits(tr, batchSize, 1), await fitBits(tr, batchSize, 2));
  console.log(
    `\n  batch ${batchSize}: weights after 3 epochs on 1 and 2 threads bit-identical: ${identical}`,
  );
  if (!identical) throw new Error(`threads-fit: fit() at batch ${batchSize} differs between 1 and 2 threads`);
  const model = mlp({ sizes: SIZES, activation: 'relu', seed: 0 });
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  let seed = 0;
  const timed = await timeOnThreads('descent fit epoch', () =>
    fit(model, tr, { optimizer, epochs: 1, batchSize, seed: seed++ }),
  );
  const [one, two] = timed.sides;
  model.free();
  report(
    `fit() epoch on digits, 64-128-128-10, batch ${batchSize}, Adam: 2 threads vs 1`,
    two,
    [one],
    batchSize === 256 ? [{ peer: one.name, atLeast: 1.5 }] : [],
  );
  for (const t of [one, two]) console.log(`  ${t.name.padEnd(34)} ${(1 / t.seconds).toFixed(1)} epochs/s`);
  printRounds(timed, ROUNDS);
}

async function autogradCase(rows: number): Promise<void> {
  const weights = initialWeights();
  const losses: number[][] = [];
  for (const n of THREADS) {
    await useThreads(n);
    const side = autogradSide(weights, digitsBatch(rows));
    losses.push([side.step(), side.step(), side.step()] as number[]);
    side.dispose();
  }
  const identical = losses[0].every((v, i) => Object.is(v, losses[1][i]));
  console.log(`\n  batch ${rows}: autograd losses of 3 steps on 1 and 2 threads bit-identical: ${identical}`);
  if (!identical)
    throw new Error(`threads-fit: autograd steps at batch ${rows} differ between 1 and 2 threads`);
  const side = autogradSide(weights, digitsBatch(rows));
  const timed = await timeOnThreads('descent autograd step', () => side.step());
  const [one, two] = timed.sides;
  side.dispose();
  report(`autograd MLP step (64-128-128-10, Adam), batch ${rows}: 2 threads vs 1`, two, [one]);
  printRounds(timed, ROUNDS);
}

/**
 * What the machine gives two threads this minute: sgemm 512 on 2 threads against 1 (1.95x on an
 * idle 2-core machine). On a shared host the second core can be slower or busy, and every ratio
 * below is bounded by this one: read them against it.
 */
async function machineScaling(): Promise<void> {
  const n = 512;
  const A = matrixFrom(n, n, randomF32(n * n, 5));
  const C = matrixFrom(n, n, new Float32Array(n * n));
  const timed = await timeOnThreads('sgemm 512', () => gemm(A, A, C), { rounds: 5 });
  console.log(
    `  the machine's scaling now: sgemm 512 on 2 threads vs 1 ${timed.ratio.toFixed(2)}x (median of the rounds' ratios; 1.95x when the cores are free)`,
  );
  A.data.free();
  C.data.free();
}

export async function run(): Promise<void> {
  const load0 = loadavg()[0];
  const before = backendInfo().threads; // restored at the end, for the suites after this one
  await useThreads(2);
  const info = backendInfo();
  console.log(
    `  backend: simd ${info.simd}, shared memory ${info.sharedMemory}; ${availableParallelism()} cores`,
  );
  console.log(
    `  times: wall seconds, each side's median of ${ROUNDS} rounds (median of 5 calls each), in turn`,
  );
  await machineScaling();
  const tr = trainingRows();
  for (const batchSize of [256, 32]) await fitCase(tr, batchSize);
  for (const rows of [256, 32]) await autogradCase(rows);
  console.log(
    `\n  load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`,
  );
  setThreads(before);
}
