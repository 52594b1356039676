/**
 * fit() on the kernels' worker pool: the same training on 1 and 2 threads gives the same weights
 * bit for bit. A batch above 64 rows is cut into shards by its size alone and their gradients are
 * summed in shard order (data-parallel.ts); within a shard, and in a batch of at most 64 rows, each
 * element of a gemm's C is computed by one thread in the single-threaded kernel's order, and an
 * elementwise optimizer update is split into chunks that do not interact. The 1-thread run is the
 * reference: the single-threaded path every release is tested on.
 */
import { Adam, AdamW, type Param } from '@descent/core';
import { backendInfo, setThreads } from '@descent/kernels';
import { afterAll, describe, expect, it } from 'vitest';
import { digits } from './datasets/digits.js';
import { trainTestSplit } from './datasets/split.js';
import { standardize } from './datasets/standardize.js';
import { type FitOptions, fit as fitModel } from './fit.js';
import { mlp } from './mlp.js';

const { train, test } = trainTestSplit(digits(), { testFraction: 0.2, seed: 0 });
const { train: tr } = standardize(train, test);

interface Run {
  /** every parameter's bits, by name */
  bits: Map<string, Uint32Array>;
  losses: number[];
  workersRunning: boolean;
}

/** Trains a fresh seeded model on `threads` threads and returns its weights' bits. */
function trainOn(threads: number, sizes: number[], options: Omit<FitOptions, 'epochs'>, epochs: number): Run {
  setThreads(threads);
  const model = mlp({ sizes, activation: 'relu', seed: 3 });
  const { history } = fitModel(model, tr, { ...options, epochs, seed: 7 });
  const bits = new Map<string, Uint32Array>();
  for (const p of model.parameters())
    bits.set(p.name, new Uint32Array(Float32Array.from(p.value.toArray()).buffer));
  model.free();
  return { bits, losses: history.map((h) => h.loss), workersRunning: backendInfo().workersRunning };
}

/** Parameters whose bits differ anywhere, with the count of differing elements. */
function differences(a: Run, b: Run): string[] {
  const out: string[] = [];
  expect([...b.bits.keys()]).toEqual([...a.bits.keys()]);
  for (const [name, x] of a.bits) {
    const y = b.bits.get(name) as Uint32Array;
    let d = 0;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) d++;
    if (d > 0) out.push(`${name}: ${d} of ${x.length}`);
  }
  return out;
}

afterAll(() => setThreads(1));

describe('fit() on 1 and 2 threads', () => {
  it('gives bit-identical weights for digits 64-128-128-10, batch 256, Adam, 3 epochs', () => {
    const options = { optimizer: (ps: Param[]) => new Adam(ps, { lr: 1e-3 }), batchSize: 256 };
    const one = trainOn(1, [64, 128, 128, 10], options, 3);
    const two = trainOn(2, [64, 128, 128, 10], options, 3);
    // the 2-thread run really ran on the pool (batch 256's products are above gemm's crossover)
    expect(two.workersRunning).toBe(true);
    expect(differences(one, two)).toEqual([]);
    expect(two.losses).toEqual(one.losses);
    // and it trained: the loss fell
    expect(one.losses[2]).toBeLessThan(0.85 * one.losses[0]);
  });

  it('gives bit-identical weights at batch 32, where the smaller products stay on one thread', () => {
    const options = { optimizer: (ps: Param[]) => new Adam(ps, { lr: 1e-3 }), batchSize: 32 };
    const one = trainOn(1, [64, 128, 128, 10], options, 1);
    const two = trainOn(2, [64, 128, 128, 10], options, 1);
    expect(differences(one, two)).toEqual([]);
    expect(two.losses).toEqual(one.losses);
  });

  it('gives bit-identical weights when the optimizer update is split too (512-wide layers, AdamW)', () => {
    // 512 x 512 = 262,144 weights: above the elementwise crossover, so AdamW runs in chunks
    const options = {
      optimizer: (ps: Param[]) => new AdamW(ps, { lr: 1e-3, weightDecay: 0.01 }),
      batchSize: 256,
    };
    const one = trainOn(1, [64, 512, 512, 10], options, 1);
    const two = trainOn(2, [64, 512, 512, 10], options, 1);
    expect(two.workersRunning).toBe(true);
    expect(differences(one, two)).toEqual([]);
  });
});
