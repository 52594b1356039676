import { geometricBatchSize, normTest, type Param, SGD } from '@descent/core';
import { step } from '@descent/schedulers';
import { describe, expect, it } from 'vitest';
import type { Dataset } from './batches.js';
import { type FitOptions, fit } from './fit.js';
import { Dense } from './layers/dense.js';
import { Sequential } from './layers/sequential.js';
import { mlp } from './mlp.js';
import { Rng } from './random.js';

/** y = 2x₁ − x₂ + noise, n rows (f64). */
function regression(n: number, seed = 1): Dataset {
  const rng = new Rng(seed);
  const x = new Float64Array(2 * n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = rng.normal();
    x[2 * i + 1] = rng.normal();
    y[i] = 2 * x[2 * i] - x[2 * i + 1] + 0.3 * rng.normal();
  }
  return { x, y, n, features: 2 };
}

const net = () => mlp({ sizes: [2, 8, 1], activation: 'tanh', dtype: 'f64', seed: 3 });
const sgd =
  (lr = 0.05) =>
  (ps: Param[]) =>
    new SGD(ps, { lr });
const weights = (m: Sequential) => Object.values(m.stateDict()).map((v) => Array.from(v as Float64Array));

/** Steps per epoch, counted from onStep. */
function stepsPerEpoch(options: Omit<FitOptions, 'onStep'>, data: Dataset, model = net()): number[] {
  const steps: number[] = [];
  fit(model, data, { ...options, onStep: ({ epoch }) => (steps[epoch] = (steps[epoch] ?? 0) + 1) });
  return steps;
}

describe('fit() with a growing batch size', () => {
  const data = regression(100);

  it('a function schedule sets each epoch batch size: ⌈n / min(n, 4 · 2ᵉ)⌉ steps in epoch e', () => {
    const batchSize = geometricBatchSize({ initial: 4, factor: 2 });
    const r = fit(net(), data, { optimizer: sgd(), epochs: 7, batchSize });
    const expected = [4, 8, 16, 32, 64, 100, 100];
    expect(r.history.map((h) => h.batchSize)).toEqual(expected);
    const steps = stepsPerEpoch({ optimizer: sgd(), epochs: 7, batchSize }, data);
    expect(steps).toEqual(expected.map((b) => Math.ceil(100 / b)));
  });

  it('each epoch of a schedule trains exactly as a fixed-size fit of that epoch would', () => {
    const grown = net();
    fit(grown, data, { optimizer: sgd(), epochs: 3, batchSize: (e) => [5, 10, 20][e] });
    const byHand = net();
    const optimizer = sgd()(byHand.parameters());
    [5, 10, 20].forEach((b, e) => {
      fit(byHand, data, { optimizer, epochs: e + 1, initialEpoch: e, batchSize: b });
    });
    expect(weights(grown)).toEqual(weights(byHand));
  });

  it('a resumed fit continues the schedule (2 + 3 epochs equal 5, weights bit-identical)', () => {
    const batchSize = geometricBatchSize({ initial: 3, factor: 1.7 });
    const straight = net();
    const all = fit(straight, data, { optimizer: sgd(), epochs: 5, batchSize });
    const resumed = net();
    const optimizer = sgd()(resumed.parameters());
    const first = fit(resumed, data, { optimizer, epochs: 2, batchSize });
    const rest = fit(resumed, data, { optimizer, epochs: 5, initialEpoch: first.epoch, batchSize });
    expect([...first.history, ...rest.history].map((h) => h.batchSize)).toEqual(
      all.history.map((h) => h.batchSize),
    );
    expect(weights(resumed)).toEqual(weights(straight));
  });

  it('lrDecay grows the batch instead of the step: η n/|S| equals the schedule η(e) n / b₀ every epoch', () => {
    const eta = step({ lr: 0.1, stepSize: 2, gamma: 0.5 });
    const r = fit(net(), data, {
      optimizer: sgd(0.1),
      epochs: 8,
      batchSize: { lrDecay: eta, initial: 8, max: 32 },
    });
    // c_e = 1, 1, ½, ½, ¼, ¼, ⅛, ⅛: |S| = 8/c_e up to 32, then the step takes the rest
    expect(r.history.map((h) => h.batchSize)).toEqual([8, 8, 16, 16, 32, 32, 32, 32]);
    r.history.forEach((h, e) => {
      expect(h.lr).toBeCloseTo([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05][e], 14);
      expect((h.lr * 100) / h.batchSize).toBeCloseTo((eta(e) * 100) / 8, 14);
    });
  });

  it('lrDecay resumed at epoch 4 sets the lr and batch the uninterrupted run had', () => {
    const batchSize = { lrDecay: step({ lr: 0.1, stepSize: 2, gamma: 0.5 }), initial: 8, max: 32 };
    const straight = net();
    fit(straight, data, { optimizer: sgd(0.1), epochs: 8, batchSize });
    const resumed = net();
    const optimizer = sgd(0.1)(resumed.parameters());
    fit(resumed, data, { optimizer, epochs: 4, batchSize });
    const rest = fit(resumed, data, { optimizer, epochs: 8, initialEpoch: 4, batchSize });
    expect(rest.history.map((h) => [h.batchSize, h.lr])).toEqual([
      [32, 0.1],
      [32, 0.1],
      [32, 0.05],
      [32, 0.05],
    ]);
    expect(weights(resumed)).toEqual(weights(straight));
  });

  it("the norm test's next size is the closed-form test on a linear model's per-row gradients", () => {
    // one Dense(2 → 1) with MSE: ∇ᵢ = 2 (w·xᵢ + b − yᵢ) (xᵢ, 1); no shuffle, so S = rows 0..b−1
    const model = new Sequential([new Dense(2, 1, { dtype: 'f64' })]);
    const b = 6;
    const r = fit(model, data, {
      optimizer: sgd(0.01),
      epochs: 1,
      shuffle: false,
      batchSize: { normTest: 0.2, initial: b },
    });
    const sd = model.stateDict();
    const [w, bias] = [sd['dense0.weight'] as Float64Array, sd['dense0.bias'] as Float64Array];
    const x = data.x as Float64Array;
    const y = data.y as Float64Array;
    const mean = [0, 0, 0];
    let sumSquares = 0;
    for (let i = 0; i < b; i++) {
      const res = 2 * (w[0] * x[2 * i] + w[1] * x[2 * i + 1] + bias[0] - y[i]);
      const g = [res * x[2 * i], res * x[2 * i + 1], res];
      g.forEach((v, j) => {
        mean[j] += v / b;
        sumSquares += v * v;
      });
    }
    const test = normTest(sumSquares, mean[0] ** 2 + mean[1] ** 2 + mean[2] ** 2, b, 0.2);
    expect(r.history[0].batchSize).toBe(b);
    expect(r.nextBatchSize).toBe(Math.min(100, test.size));
    expect(r.nextBatchSize).toBeGreaterThan(b); // near the minimum the noise dominates: the batch grows
  });

  it('the norm test grows the batch epoch by epoch, never shrinking it, up to max', () => {
    const r = fit(net(), data, {
      optimizer: sgd(),
      epochs: 12,
      batchSize: { normTest: 0.3, initial: 2, max: 50 },
    });
    const sizes = r.history.map((h) => h.batchSize);
    for (let e = 1; e < sizes.length; e++) expect(sizes[e]).toBeGreaterThanOrEqual(sizes[e - 1]);
    expect(sizes[0]).toBe(2);
    expect(sizes.at(-1)).toBeGreaterThan(2);
    expect(Math.max(...sizes, r.nextBatchSize)).toBeLessThanOrEqual(50);
  });

  it('a norm test resumed with initial: nextBatchSize continues bit-identically', () => {
    const option = { normTest: 0.3, initial: 2 };
    const straight = net();
    const all = fit(straight, data, { optimizer: sgd(), epochs: 6, batchSize: option });
    const resumed = net();
    const optimizer = sgd()(resumed.parameters());
    const first = fit(resumed, data, { optimizer, epochs: 3, batchSize: option });
    const rest = fit(resumed, data, {
      optimizer,
      epochs: 6,
      initialEpoch: 3,
      batchSize: { ...option, initial: first.nextBatchSize },
    });
    expect([...first.history, ...rest.history].map((h) => h.batchSize)).toEqual(
      all.history.map((h) => h.batchSize),
    );
    expect(weights(resumed)).toEqual(weights(straight));
  });

  const bad: [string, FitOptions['batchSize'], RegExp][] = [
    ['a size of 0 from the schedule at epoch 3', (e) => (e === 3 ? 0 : 8), /Invalid batchSize\(3\): 0/],
    ['a fractional size', (e) => 2.5 + e, /Invalid batchSize\(0\): 2.5/],
    ['a non-positive ϑ', { normTest: 0, initial: 4 }, /Invalid batchSize.normTest: 0/],
    ['a norm test without initial', { normTest: 0.5 } as never, /Invalid batchSize.initial: undefined/],
    ['max below initial', { normTest: 0.5, initial: 8, max: 4 }, /Invalid batchSize.max: 4/],
    [
      'an lr schedule that rises',
      { lrDecay: (e) => 0.1 * (1 + e), initial: 4 },
      /Invalid batchSize.lrDecay\(1\)/,
    ],
    ['an unknown key', { normTest: 0.5, initial: 4, every: 2 } as never, /Unknown batchSize option: every/],
    ['a string', '32' as never, /Invalid batchSize: 32/],
  ];
  for (const [what, batchSize, message] of bad) {
    it(`refuses ${what} before training, changing nothing`, () => {
      const model = net();
      const before = weights(model);
      let steps = 0;
      expect(() =>
        fit(model, data, { optimizer: sgd(), epochs: 5, batchSize, onStep: () => steps++ }),
      ).toThrow(message);
      expect(steps).toBe(0);
      expect(weights(model)).toEqual(before);
    });
  }

  it('refuses lrDecay beside a schedule (both would set the lr)', () => {
    expect(() =>
      fit(net(), data, {
        optimizer: sgd(),
        epochs: 2,
        batchSize: { lrDecay: () => 0.1, initial: 4 },
        schedule: () => ({ step() {} }) as never,
      }),
    ).toThrow(/batchSize.lrDecay sets the lr every epoch/);
  });
});
