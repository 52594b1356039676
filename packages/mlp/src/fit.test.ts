import { readFileSync } from 'node:fs';
import { Adam, AdamW, SGD } from '@descent/core';
import { memoryStats } from '@descent/kernels';
import { decoupledWeightDecay, l2 } from '@descent/regularizers';
import { ReduceLROnPlateau, StepLR } from '@descent/schedulers';
import { describe, expect, it } from 'vitest';
import type { Dataset } from './batches.js';
import { evaluate, predict } from './evaluate.js';
import { type FitOptions, fit as fitModel } from './fit.js';
import { Activation } from './layers/activations.js';
import { BatchNorm1d } from './layers/batch-norm.js';
import { Dense } from './layers/dense.js';
import type { Layer } from './layers/layer.js';
import { Sequential } from './layers/sequential.js';
import { mlp } from './mlp.js';
import { Rng } from './random.js';

interface TorchCase {
  name: string;
  initial: Record<string, number[]>;
  losses: number[];
  lrs: number[];
  final: Record<string, number[]>;
  l2: number;
}
const fixture = JSON.parse(
  readFileSync(new URL('../test/fixtures/torch_fit.json', import.meta.url), 'utf8'),
) as {
  x: number[];
  y: number[];
  n: number;
  features: number;
  hidden: number;
  classes: number;
  batchSize: number;
  epochs: number;
  cases: TorchCase[];
};

function fixtureModel(c: TorchCase, batchNorm: boolean, act: 'relu' | 'tanh'): Sequential {
  const { features: f, hidden: h, classes: k } = fixture;
  const layers: Layer[] = [new Dense(f, h, { dtype: 'f64' })];
  if (batchNorm) layers.push(new BatchNorm1d(h, { dtype: 'f64' }));
  layers.push(new Activation(act, h, { dtype: 'f64' }), new Dense(h, k, { dtype: 'f64' }));
  const model = new Sequential(layers);
  const sd: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(c.initial)) sd[name] = Float64Array.from(v);
  if (batchNorm) sd['bn0.numBatchesTracked'] = 0;
  model.loadStateDict(sd);
  return model;
}

const fixtureData: Dataset = {
  x: Float64Array.from(fixture.x),
  y: Int32Array.from(fixture.y),
  n: fixture.n,
  features: fixture.features,
};

function expectWeights(model: Sequential, expected: Record<string, number[]>): void {
  const sd = model.stateDict();
  for (const [name, v] of Object.entries(expected)) {
    const got = sd[name] as Float64Array;
    for (let i = 0; i < v.length; i++) expect(got[i], `${name}[${i}]`).toBeCloseTo(v[i], 10);
  }
}

/** Two Gaussian blobs per class in 2-D, seeded. */
function blobs(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    x[2 * i] = 2 * Math.cos((2 * Math.PI * c) / 3) + 0.5 * rng.normal();
    x[2 * i + 1] = 2 * Math.sin((2 * Math.PI * c) / 3) + 0.5 * rng.normal();
  }
  return { x, y, n, features: 2 };
}

describe('fit reproduces PyTorch mini-batch training (f64, no shuffle)', () => {
  it('SGD with momentum, an L2 penalty on the weights only, BatchNorm1d and StepLR per epoch', () => {
    const c = fixture.cases[0];
    const model = fixtureModel(c, true, 'relu');
    const r = fitModel(model, fixtureData, {
      optimizer: (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9 }),
      schedule: (opt) => new StepLR(opt, { stepSize: 1, gamma: 0.5 }),
      regularizers: {
        penalties: [l2(c.l2)],
        exclude: (p) => !p.name.startsWith('dense') || p.name.endsWith('.bias'),
      },
      epochs: fixture.epochs,
      batchSize: fixture.batchSize,
      shuffle: false,
    });
    expect(r.stopReason).toBe('completed');
    r.history.forEach((h, i) => {
      expect(h.loss).toBeCloseTo(c.losses[i], 10);
      expect(h.lr).toBeCloseTo(c.lrs[i], 14);
    });
    expectWeights(model, c.final);
  });

  it('Adam with StepLR stepped after every batch', () => {
    const c = fixture.cases[1];
    const model = fixtureModel(c, false, 'tanh');
    const r = fitModel(model, fixtureData, {
      optimizer: (ps) => new Adam(ps, { lr: 0.01 }),
      schedule: (opt) => new StepLR(opt, { stepSize: 2, gamma: 0.7 }),
      scheduleEvery: 'step',
      epochs: fixture.epochs,
      batchSize: fixture.batchSize,
      shuffle: false,
    });
    r.history.forEach((h, i) => {
      expect(h.loss).toBeCloseTo(c.losses[i], 10);
      expect(h.lr).toBeCloseTo(c.lrs[i], 14);
    });
    expectWeights(model, c.final);
  });
});

describe('fit', () => {
  it('learns three Gaussian blobs and reports loss, accuracy, validation and gradient norms', () => {
    const model = mlp({ sizes: [2, 16, 3], seed: 1 });
    const r = fitModel(model, blobs(300, 1), {
      optimizer: (ps) => new Adam(ps, { lr: 0.01 }),
      epochs: 15,
      seed: 3,
      validation: blobs(150, 2),
    });
    const last = r.history[r.history.length - 1];
    expect(r.history).toHaveLength(15);
    expect(last.loss).toBeLessThan(r.history[0].loss);
    expect(last.accuracy).toBeGreaterThan(0.93);
    expect(last.valAccuracy).toBeGreaterThan(0.93);
    expect(Object.keys(last.gradNorms)).toEqual(['dense0', 'dense1']);
    expect(last.gradNorms.dense0).toBeGreaterThan(0);
    const ev = evaluate(model, blobs(150, 2));
    expect(ev.loss).toBeCloseTo(last.valLoss as number, 6);
    const out = predict(model, blobs(150, 2).x);
    expect(out.rows).toBe(150);
    expect(out.cols).toBe(3);
  });

  it('reshuffles every epoch from the seed: the same seed gives the same run, another seed another', () => {
    const run = (seed: number) => {
      const model = mlp({ sizes: [2, 8, 3], seed: 1 });
      const r = fitModel(model, blobs(64, 1), {
        optimizer: (ps) => new SGD(ps, { lr: 0.1 }),
        epochs: 2,
        batchSize: 8,
        seed,
      });
      return r.history.map((h) => h.loss);
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('stops on a non-finite loss with a clear message and the last finite-loss weights', () => {
    const model = mlp({ sizes: [2, 32, 3], seed: 1 });
    const params = model.parameters();
    const weights = () => params.map((p) => p.data.slice());
    // weights[k] = the weights step k computes its loss on
    const history = [weights()];
    const seen: number[] = [];
    const r = fitModel(model, blobs(64, 1), {
      optimizer: (ps) => new SGD(ps, { lr: 1e6 }),
      epochs: 5,
      batchSize: 8,
      onStep: (s) => {
        seen.push(s.loss);
        history.push(weights());
      },
    });
    expect(r.stopReason).toBe('diverged');
    expect(r.message).toMatch(
      /Training diverged: .*(loss is (NaN|Infinity)|Non-finite gradient).*epoch \d+, step \d+.*restored/,
    );
    expect(seen.every(Number.isFinite)).toBe(true);
    // a non-finite loss at step k restores the weights of step k - 1; a non-finite gradient (with a
    // finite loss) at step k keeps the weights of step k, which the optimizer left untouched
    const k = history.length - 1;
    const expected = /loss is/.test(r.message) ? history[k - 1] : history[k];
    expect(weights()).toEqual(expected);
    for (const p of params) expect(p.data.every(Number.isFinite), p.name).toBe(true);
  });

  it('steps ReduceLROnPlateau with the validation loss at the end of every epoch', () => {
    const model = mlp({ sizes: [2, 8, 3], seed: 1 });
    const metrics: number[] = [];
    const r = fitModel(model, blobs(64, 1), {
      optimizer: (ps) => new SGD(ps, { lr: 1e-6 }),
      schedule: (opt) => {
        const s = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.5, threshold: 0.5 });
        const step = s.step.bind(s);
        s.step = (m: number) => {
          metrics.push(m);
          step(m);
        };
        return s;
      },
      validation: blobs(32, 2),
      epochs: 3,
    });
    expect(metrics).toEqual(r.history.map((h) => h.valLoss));
    expect(r.history.map((h) => h.lr)).toEqual([1e-6, 1e-6, 0.5e-6]);
  });

  it('stops early when the validation loss stops improving and restores the best weights', () => {
    const model = mlp({ sizes: [2, 8, 3], seed: 1 });
    const r = fitModel(model, blobs(64, 1), {
      optimizer: (ps) => new SGD(ps, { lr: 0 }),
      validation: blobs(32, 2),
      epochs: 10,
      earlyStopping: { patience: 2, restoreBest: true },
    });
    expect(r.stopReason).toBe('earlyStopping');
    // Keras' rule: stop once `patience` epochs in a row did not improve on the best
    expect(r.history).toHaveLength(3);
    expect(r.epoch).toBe(3);
    expect(r.message).toMatch(
      /no improvement of the validation loss for 2 epochs; the best weights were restored/,
    );
  });

  it('restores the weights of the epoch with the lowest validation loss', () => {
    const model = mlp({ sizes: [2, 64, 3], seed: 1 });
    const val = blobs(30, 2);
    const r = fitModel(model, blobs(30, 1), {
      optimizer: (ps) => new Adam(ps, { lr: 0.3 }),
      validation: val,
      epochs: 40,
      batchSize: 4,
      earlyStopping: { patience: 3, restoreBest: true },
    });
    expect(r.stopReason).toBe('earlyStopping');
    const losses = r.history.map((h) => h.valLoss as number);
    const best = Math.min(...losses);
    expect(losses[losses.length - 1]).toBeGreaterThan(best);
    expect(evaluate(model, val).loss).toBeCloseTo(best, 6);
  });

  it('refuses bad options with a RangeError naming them, changing nothing', () => {
    const model = mlp({ sizes: [2, 8, 3], seed: 1 });
    const before = model.stateDict();
    const data = blobs(16, 1);
    const opt = () => new SGD(model.parameters(), { lr: 0.1 });
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ epochs: 0 }, /Invalid epochs: 0/],
      [{ epochs: 2, batchSize: -1 }, /Invalid batchSize: -1/],
      [{ epochs: 2, scheduleEvery: 'batch' }, /Invalid scheduleEvery: batch/],
      [{ epochs: 2, seed: 1.5 }, /Invalid seed: 1.5/],
      [{ epochs: 2, initialEpoch: 2 }, /Invalid initialEpoch: 2/],
      [{ epochs: 2, earlyStopping: { patience: -1 } }, /Invalid earlyStopping.patience: -1/],
      [{ epochs: 2, learningRate: 1 }, /Unknown fit option: learningRate/],
    ];
    for (const [o, re] of bad)
      expect(() => fitModel(model, data, { optimizer: opt(), ...o } as never)).toThrow(re);
    expect(() => fitModel(model, { ...data, features: 3 }, { optimizer: opt(), epochs: 1 })).toThrow(
      /data has 3 features, the model takes 2/,
    );
    expect(() =>
      fitModel(model, { ...data, y: new Int32Array(16).fill(3) }, { optimizer: opt(), epochs: 1 }),
    ).toThrow(/Invalid label data.y\[0\]: 3 \(the model has 3 classes\)/);
    expect(() =>
      fitModel(model, data, { optimizer: new SGD([model.parameters()[0]], { lr: 0.1 }), epochs: 1 }),
    ).toThrow(/does not update dense0.bias/);
    expect(model.stateDict()).toEqual(before);
  });

  it('takes wrapped optimizers: decoupled weight decay around Adam trains exactly as AdamW', () => {
    const run = (optimizer: FitOptions['optimizer']) => {
      const model = mlp({ sizes: [2, 8, 3], seed: 1 });
      fitModel(model, blobs(48, 1), { optimizer, epochs: 2, batchSize: 8 });
      return model.stateDict();
    };
    const wrapped = run((ps) => decoupledWeightDecay(new Adam(ps, { lr: 0.01 }), { weightDecay: 0.1 }));
    const adamw = run((ps) => new AdamW(ps, { lr: 0.01, weightDecay: 0.1 }));
    for (const k of Object.keys(adamw)) {
      const a = adamw[k] as Float32Array;
      const b = wrapped[k] as Float32Array;
      for (let i = 0; i < a.length; i++) expect(b[i], `${k}[${i}]`).toBeCloseTo(a[i], 5);
    }
  });

  it('returns every buffer it allocated: kernel memory in use is the same before and after', () => {
    const model = mlp({ sizes: [2, 16, 3], dropout: 0.2, batchNorm: true, seed: 1 });
    const data = blobs(50, 1);
    const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    fitModel(model, data, { optimizer, epochs: 1, batchSize: 8, validation: blobs(20, 2) });
    const before = memoryStats().bytesInUse;
    fitModel(model, data, { optimizer, epochs: 3, batchSize: 8, validation: blobs(20, 2) });
    expect(memoryStats().bytesInUse).toBe(before);
  });

  it('trains a regression with mseLoss on value targets', () => {
    const rng = new Rng(3);
    const n = 128;
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = rng.uniform(-2, 2);
      y[i] = Math.sin(x[i]);
    }
    const model = mlp({ sizes: [1, 32, 1], activation: 'tanh', seed: 2 });
    const r = fitModel(
      model,
      { x, y, n, features: 1 },
      { optimizer: (ps) => new Adam(ps, { lr: 0.01 }), epochs: 60, batchSize: 16 },
    );
    expect(r.history[59].loss).toBeLessThan(0.01);
    expect(r.history[59].accuracy).toBeUndefined();
  });
});

describe('fit refuses non-finite numbers and never zeroes the weights', () => {
  const sgd: FitOptions['optimizer'] = (ps) => new SGD(ps, { lr: 0.1 });

  it('refuses a NaN input naming its row and column, changing no weight', () => {
    const model = mlp({ sizes: [2, 8, 3], seed: 1 });
    const before = model.stateDict();
    const data = blobs(16, 1);
    data.x[2 * 5 + 1] = Number.NaN; // row 5, column 1 of a 2-column matrix
    expect(() => fitModel(model, data, { optimizer: sgd, epochs: 1 })).toThrow(
      /Invalid data\.x: row 5, column 1 is NaN/,
    );
    data.x[11] = 0;
    expect(() =>
      fitModel(model, blobs(16, 1), {
        optimizer: sgd,
        epochs: 1,
        validation: { ...data, x: data.x.map((v, i) => (i === 0 ? Infinity : v)) },
      }),
    ).toThrow(/Invalid validation\.x: row 0, column 0 is Infinity/);
    expect(model.stateDict()).toEqual(before);
  });

  it('refuses an f64 input that overflows the f32 model, and a non-finite regression target', () => {
    const model = mlp({ sizes: [2, 4, 1], seed: 1 });
    const x = new Float64Array([1, 2, 3, 1e300]); // 1e300 is Infinity in f32
    const y = new Float64Array([0, 1]);
    expect(() => fitModel(model, { x, y, n: 2, features: 2 }, { optimizer: sgd, epochs: 1 })).toThrow(
      /Invalid data\.x: row 1, column 1 is Infinity/,
    );
    x[3] = 4;
    y[1] = Number.NaN;
    expect(() => fitModel(model, { x, y, n: 2, features: 2 }, { optimizer: sgd, epochs: 1 })).toThrow(
      /Invalid data\.y: row 1, column 0 is NaN/,
    );
  });

  it('refuses a model holding a NaN weight (a damaged checkpoint), changing nothing', () => {
    const model = mlp({ sizes: [2, 8, 3], seed: 1 });
    const sd = model.stateDict();
    (sd['dense1.weight'] as Float32Array)[4] = Number.NaN;
    model.loadStateDict(sd);
    const before = model.stateDict();
    expect(() => fitModel(model, blobs(16, 1), { optimizer: sgd, epochs: 1 })).toThrow(
      /Invalid model: dense1\.weight\[4\] is NaN/,
    );
    const after = model.stateDict();
    for (const k of Object.keys(before)) expect(bits(after[k]), k).toEqual(bits(before[k]));
  });

  it('keeps the starting weights (not zeros) when the very first batch has a non-finite loss', () => {
    const model = mlp({ sizes: [2, 32, 3], seed: 1 });
    const before = model.stateDict();
    const data = blobs(16, 1);
    data.x.fill(3e38); // finite in f32, but the products overflow: the first loss is not finite
    const r = fitModel(model, data, { optimizer: sgd, epochs: 2, batchSize: 4 });
    expect(r.stopReason).toBe('diverged');
    expect(r.message).toMatch(
      /epoch 0, step 0; no step had a finite loss, the weights are those training started with/,
    );
    expect(r.history).toEqual([]);
    const after = model.stateDict();
    for (const k of Object.keys(before)) expect(bits(after[k]), k).toEqual(bits(before[k]));
    expect((after['dense0.weight'] as Float32Array).some((v) => v !== 0)).toBe(true);
  });
});

function bits(a: unknown): unknown {
  return a instanceof Float32Array || a instanceof Float64Array
    ? Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    : a;
}
