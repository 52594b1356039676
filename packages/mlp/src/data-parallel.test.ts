import { Adam, type Param, SGD } from '@descent/core';
import { alloc, backendInfo, memoryStats, setThreads } from '@descent/kernels';
import { l2 } from '@descent/regularizers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchLoader, type Dataset, prepareData } from './batches.js';
import {
  GRADIENT_BYTES,
  MAX_SHARDS,
  RESIDENT_BYTES,
  ShardedSteps,
  setResidentBytes,
  shardSizes,
} from './data-parallel.js';
import { digits } from './datasets/digits.js';
import { fit } from './fit.js';
import type { Sequential } from './layers/sequential.js';
import { bceWithLogits, type Loss, mseLoss, softmaxCrossEntropy } from './losses/losses.js';
import { mlp } from './mlp.js';
import { Rng } from './random.js';

// one thread unless a test says otherwise (the pool's control block would count as memory in use)
beforeAll(() => setThreads(1));
afterAll(() => setThreads(1));

const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);

describe('shardSizes', () => {
  it('keeps a batch of at most 64 rows whole', () => {
    expect(shardSizes(1, 1000, 4)).toEqual([1]);
    expect(shardSizes(64, 1000, 4)).toEqual([64]);
  });

  it('cuts larger batches into equal shards of a multiple of 4 rows, the last taking the rest', () => {
    expect(shardSizes(256, 1000, 4)).toEqual([64, 64, 64, 64]);
    expect(shardSizes(65, 1000, 4)).toEqual([36, 29]);
    expect(shardSizes(157, 1000, 4)).toEqual([40, 40, 40, 37]); // 3 rounded up to an even count
    expect(shardSizes(320, 1000, 4)).toEqual([56, 56, 56, 56, 56, 40]);
    for (const rows of [65, 100, 157, 255, 1000, 4099]) {
      const s = shardSizes(rows, 1000, 4);
      expect(sum(s)).toBe(rows);
      expect(s.slice(0, -1).every((v) => v % 4 === 0 && v >= s[s.length - 1])).toBe(true);
    }
  });

  it('makes at most MAX_SHARDS shards, fewer when the replicas would pass the gradient budget', () => {
    expect(shardSizes(100_000, 1000, 4)).toHaveLength(MAX_SHARDS);
    // three copies of the gradients fit the budget, four do not
    const params = Math.floor(GRADIENT_BYTES / 4 / 3);
    expect(shardSizes(1024, params, 4)).toHaveLength(3);
    expect(shardSizes(1024, params, 8)).toHaveLength(1);
  });
});

/** The first n rows of a random regression or classification set for `model`. */
function dataFor(model: Sequential, n: number, targets: 'labels' | 'values', seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * model.inFeatures).map(() => rng.normal());
  if (targets === 'labels') {
    const y = new Int32Array(n).map(() => rng.int(model.outFeatures));
    return { x, y, n, features: model.inFeatures };
  }
  const y = new Float32Array(n * model.outFeatures).map(() => rng.uniform(0, 1));
  return { x, y, n, features: model.inFeatures };
}

/** ∇L and L of one batch of `rows` rows, by the sharded step and by one pass over the whole batch. */
function bothWays(model: Sequential, loss: Loss, rows: number) {
  const data = prepareData(
    'data',
    dataFor(model, rows, loss.targets, 5),
    model.dtype,
    model.inFeatures,
    model.outFeatures,
    loss,
  );
  const loader = new BatchLoader(data, model.dtype, rows);
  loader.orderFor(0, true, 1);
  const before = memoryStats().bytesInUse;
  const steps = ShardedSteps.for(model, loss, data.targetWidth) as ShardedSteps;
  expect(steps.splits(rows)).toBe(true);
  const params = model.parameters();
  const shardedLoss = steps.step(loader, 0);
  const sharded = params.map((p) => p.gradient.toArray());
  steps.free();
  // the replicas, their buffers and the programs all go back to the arena
  expect(memoryStats().bytesInUse).toBe(before);
  // the reference: one forward and backward over the whole batch, as fit() runs a small one
  model.zeroGrad();
  const batch = loader.batch(0);
  const out = model.forward(batch.x);
  const dOut = { rows: out.rows, cols: out.cols, data: alloc(model.dtype, out.rows * out.cols) };
  const wholeLoss = loss.compute(out, batch.y, dOut);
  model.backward(dOut);
  const whole = params.map((p) => p.gradient.toArray());
  dOut.data.free();
  loader.free();
  return { shardedLoss, wholeLoss, sharded, whole };
}

/** max |a - b| / max |b| over every parameter's gradient. */
function relativeDifference(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let diff = 0;
  let scale = 0;
  for (let j = 0; j < a.length; j++) {
    for (let i = 0; i < a[j].length; i++) {
      diff = Math.max(diff, Math.abs(a[j][i] - b[j][i]));
      scale = Math.max(scale, Math.abs(b[j][i]));
    }
  }
  return diff / scale;
}

describe('a sharded step', () => {
  const cases: Array<[string, Loss, 'relu' | 'tanh' | 'gelu' | 'sigmoid']> = [
    ['softmax cross-entropy, ReLU', softmaxCrossEntropy, 'relu'],
    ['mean squared error, tanh', mseLoss, 'tanh'],
    ['BCE with logits, GELU', bceWithLogits, 'gelu'],
  ];
  for (const [name, loss, activation] of cases) {
    it(`gives the whole batch's loss and gradients up to the order of the sums (${name}, f32 and f64)`, () => {
      for (const dtype of ['f32', 'f64'] as const) {
        const model = mlp({ sizes: [13, 40, 24, 7], activation, seed: 2, dtype });
        // 157 rows: shards of 40, 40, 40 and 37, the loss gradient of each scaled by its share
        const r = bothWays(model, loss, 157);
        const tol = dtype === 'f32' ? 2e-6 : 1e-14;
        expect(relativeDifference(r.sharded, r.whole)).toBeLessThan(tol);
        expect(Math.abs(r.shardedLoss - r.wholeLoss)).toBeLessThan(tol * Math.abs(r.wholeLoss));
        // and the sharded sums are a different order: not a copy of the whole-batch pass
        expect(r.sharded).not.toEqual(r.whole);
        model.free();
      }
    });
  }

  it('gathers its rows in the programs from a copy in kernel memory, or in JavaScript above RESIDENT_BYTES: the same bits', () => {
    for (const dtype of ['f32', 'f64'] as const) {
      const model = mlp({ sizes: [13, 40, 7], seed: 3, dtype });
      const data = prepareData('data', dataFor(model, 300, 'labels', 6), dtype, 13, 7, softmaxCrossEntropy);
      const loader = new BatchLoader(data, dtype, 200);
      loader.orderFor(0, true, 2);
      const gathers = vi.spyOn(loader, 'gather');
      const run = () => {
        const steps = ShardedSteps.for(model, softmaxCrossEntropy, 1) as ShardedSteps;
        const losses = [steps.step(loader, 0), steps.step(loader, 1)];
        const grads = model.parameters().map((p) => p.gradient.toArray());
        steps.free();
        return { losses, grads };
      };
      const resident = run();
      expect(gathers).not.toHaveBeenCalled();
      const old = setResidentBytes(0);
      try {
        expect(run()).toEqual(resident);
        expect(gathers).toHaveBeenCalled();
      } finally {
        setResidentBytes(old);
      }
      loader.free();
      model.free();
    }
  });

  it('is not offered where shards cannot be computed apart: batch norm, dropout, a custom loss', () => {
    const plain = mlp({ sizes: [4, 8, 3], seed: 1 });
    expect(ShardedSteps.for(plain, softmaxCrossEntropy, 1)).toBeInstanceOf(ShardedSteps);
    const custom: Loss = {
      ...softmaxCrossEntropy,
      compute: (o, t, g) => softmaxCrossEntropy.compute(o, t, g),
    };
    expect(ShardedSteps.for(plain, custom, 1)).toBeUndefined();
    const bn = mlp({ sizes: [4, 8, 3], seed: 1, batchNorm: true });
    const dropout = mlp({ sizes: [4, 8, 3], seed: 1, dropout: 0.5 });
    expect(ShardedSteps.for(bn, softmaxCrossEntropy, 1)).toBeUndefined();
    expect(ShardedSteps.for(dropout, softmaxCrossEntropy, 1)).toBeUndefined();
    for (const m of [plain, bn, dropout]) m.free();
  });
});

describe('fit() with shards', () => {
  const { x, y } = digits();
  const data: Dataset = { x: x.slice(0, 600 * 64), y: y.slice(0, 600), n: 600, features: 64 };

  /** Every weight's bits after two epochs at `batchSize` on `threads` threads. */
  function weights(threads: number, batchSize: number): { bits: number[][]; loss: number } {
    setThreads(threads);
    const model = mlp({ sizes: [64, 48, 10], seed: 4 });
    const { history } = fit(model, data, {
      optimizer: (ps: Param[]) => new Adam(ps, { lr: 1e-3 }),
      epochs: 2,
      batchSize,
    });
    const bits = model
      .parameters()
      .map((p) => [...new Uint32Array(Float32Array.from(p.value.toArray()).buffer)]);
    model.free();
    return { bits, loss: history[1].loss };
  }

  it('gives the same weights bit for bit on 1 and 2 threads, and uses the workers', () => {
    // 600 rows at batch 200: shards of 52, 52, 52, 44 (and the pool at 2 threads)
    const one = weights(1, 200);
    const two = weights(2, 200);
    expect(backendInfo().workersRunning).toBe(true);
    expect(two.bits).toEqual(one.bits);
    expect(two.loss).toBe(one.loss);
  });

  it('keeps the replicas with the model from one call to the next, and model.free() returns them', () => {
    setThreads(1);
    const before = memoryStats().bytesInUse;
    const model = mlp({ sizes: [64, 48, 10], seed: 4 });
    const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
    fit(model, data, { optimizer, epochs: 1, batchSize: 200 });
    const kept = memoryStats().bytesInUse;
    fit(model, data, { optimizer, epochs: 1, batchSize: 200 });
    expect(memoryStats().bytesInUse).toBe(kept);
    optimizer.free();
    model.free();
    expect(memoryStats().bytesInUse).toBe(before);
  });

  it('trains on the data of each call: the copy in kernel memory is refreshed, and grown for a larger set', () => {
    const shape = mlp({ sizes: [6, 9, 3] });
    const sets = [
      [300, 7],
      [300, 8],
      [500, 9],
    ].map(([n, seed]) => dataFor(shape, n, 'labels', seed));
    shape.free();
    const train = (residentBytes: number) => {
      const old = setResidentBytes(residentBytes);
      try {
        const model = mlp({ sizes: [6, 9, 3], seed: 4 });
        const optimizer = new Adam(model.parameters(), { lr: 0.01 });
        const losses = sets.map(
          (d) => fit(model, d, { optimizer, epochs: 2, batchSize: 128 }).history[1].loss,
        );
        const weights = model.parameters().map((p) => p.value.toArray());
        model.free();
        return { losses, weights };
      } finally {
        setResidentBytes(old);
      }
    };
    expect(train(RESIDENT_BYTES)).toEqual(train(0));
  });

  it('adds a regularizer gradient to the sum of the shards, as on whole batches (an L2 penalty)', () => {
    setThreads(1);
    const train = (loss?: Loss) => {
      const model = mlp({ sizes: [64, 48, 10], seed: 4 });
      const { history } = fit(model, data, {
        optimizer: (ps: Param[]) => new SGD(ps, { lr: 0.05 }),
        regularizers: [l2(0.1)],
        epochs: 2,
        batchSize: 200,
        loss,
      });
      const w = model.parameters().map((p) => p.value.toArray());
      model.free();
      return { w, loss: history[1].loss };
    };
    const sharded = train();
    const whole = train({
      ...softmaxCrossEntropy,
      compute: (o, t, g) => softmaxCrossEntropy.compute(o, t, g),
    });
    expect(relativeDifference(sharded.w, whole.w)).toBeLessThan(1e-5);
    expect(Math.abs(sharded.loss - whole.loss)).toBeLessThan(1e-5 * whole.loss);
    // and the penalty did act: without it the weights end elsewhere
    const model = mlp({ sizes: [64, 48, 10], seed: 4 });
    fit(model, data, { optimizer: (ps: Param[]) => new SGD(ps, { lr: 0.05 }), epochs: 2, batchSize: 200 });
    expect(
      relativeDifference(
        model.parameters().map((p) => p.value.toArray()),
        whole.w,
      ),
    ).toBeGreaterThan(1e-3);
    model.free();
  });

  it('stops a diverging run with finite weights restored, as on whole batches', () => {
    setThreads(2);
    const model = mlp({ sizes: [64, 48, 10], seed: 4 });
    const r = fit(model, data, {
      optimizer: (ps: Param[]) => new SGD(ps, { lr: 1e30 }),
      epochs: 3,
      batchSize: 200,
    });
    expect(r.stopReason).toBe('diverged');
    expect(r.message).toMatch(
      /Training diverged: .*(loss is (NaN|Infinity)|Non-finite gradient).*epoch \d+, step \d+/,
    );
    for (const p of model.parameters()) expect(p.data.every(Number.isFinite), p.name).toBe(true);
    model.free();
  });

  it('trains as the whole-batch pass does, up to rounding', () => {
    setThreads(1);
    const sharded = weights(1, 200);
    // the same training at batch 200 with a custom loss (never sharded): the whole-batch reference
    const model = mlp({ sizes: [64, 48, 10], seed: 4 });
    const custom: Loss = {
      ...softmaxCrossEntropy,
      compute: (o, t, g) => softmaxCrossEntropy.compute(o, t, g),
    };
    const { history } = fit(model, data, {
      optimizer: (ps: Param[]) => new Adam(ps, { lr: 1e-3 }),
      epochs: 2,
      batchSize: 200,
      loss: custom,
    });
    const whole = model.parameters().map((p) => p.value.toArray());
    model.free();
    expect(Math.abs(history[1].loss - sharded.loss)).toBeLessThan(1e-5 * sharded.loss);
    const shardedValues = sharded.bits.map((b) => new Float32Array(new Uint32Array(b).buffer));
    expect(relativeDifference(shardedValues, whole)).toBeLessThan(1e-4);
  });
});
