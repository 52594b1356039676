import { describe, expect, it } from 'vitest';
import { gradCheck, randomMatrix } from '../test-support/gradcheck.js';
import { Activation, GELU, LeakyReLU, ReLU, Sigmoid, Tanh } from './activations.js';
import { BatchNorm1d } from './batch-norm.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import type { Layer } from './layer.js';
import { sequentialFromConfig } from './sequential.js';

const B = 5;
const cases: Array<{ name: string; make: () => Layer; training: boolean; scale?: number }> = [
  { name: 'Dense (torch init)', make: () => new Dense(4, 3, { dtype: 'f64', seed: 1 }), training: true },
  {
    name: 'Dense without bias',
    make: () => new Dense(4, 3, { dtype: 'f64', seed: 2, bias: false }),
    training: true,
  },
  { name: 'ReLU', make: () => ReLU(6, { dtype: 'f64' }), training: true },
  { name: 'LeakyReLU(0.2)', make: () => LeakyReLU(6, { dtype: 'f64', negativeSlope: 0.2 }), training: true },
  { name: 'Sigmoid', make: () => Sigmoid(6, { dtype: 'f64' }), training: true, scale: 3 },
  { name: 'Tanh', make: () => Tanh(6, { dtype: 'f64' }), training: true, scale: 2 },
  { name: 'GELU (exact)', make: () => GELU(6, { dtype: 'f64' }), training: true, scale: 2 },
  {
    name: 'GELU (tanh form)',
    make: () => GELU(6, { dtype: 'f64', approximate: 'tanh' }),
    training: true,
    scale: 2,
  },
  { name: 'BatchNorm1d in training', make: () => bnWithAffine(), training: true },
  { name: 'BatchNorm1d in eval', make: () => bnWithAffine(), training: false },
  {
    name: 'BatchNorm1d without affine',
    make: () => new BatchNorm1d(6, { dtype: 'f64', affine: false }),
    training: true,
  },
];

/** A batch norm with non-trivial γ, β and running statistics. */
function bnWithAffine(): BatchNorm1d {
  const bn = new BatchNorm1d(6, { dtype: 'f64' });
  bn.forward(randomMatrix(B, 6, 99, 2), true);
  bn.weight?.data.set([0.5, 1.5, -1, 2, 0.7, 1.1]);
  bn.bias?.data.set([0.1, -0.2, 0.3, 0, 0.5, -1]);
  return bn;
}

describe('every layer backward matches central finite differences (f64)', () => {
  it.each(cases)('$name', ({ make, training, scale }) => {
    const layer = make();
    // inputs away from ReLU's kink at 0 with overwhelming probability
    const x = randomMatrix(B, layer.inFeatures, 7, scale ?? 1);
    const { inputError, paramErrors } = gradCheck(layer, x, 11, training);
    expect(inputError).toBeLessThan(1e-7);
    for (const [name, e] of Object.entries(paramErrors)) expect(e, name).toBeLessThan(1e-7);
    layer.free();
  });

  it('Dropout with a fixed mask', () => {
    const d = new Dropout(0.4, 8, { dtype: 'f64', seed: 3 });
    const x = randomMatrix(B, 8, 5);
    d.forward(x, true);
    d.reuseMask = true;
    const { inputError } = gradCheck(d, x, 13, true);
    expect(inputError).toBeLessThan(1e-7);
    const mask = d.mask(B).toArray();
    expect(mask.some((m) => m === 0) && mask.some((m) => m === 1)).toBe(true);
  });
});

describe('Dense', () => {
  it('computes y = x Wᵀ + b as a naive triple loop does', () => {
    const d = new Dense(3, 2, { dtype: 'f64', seed: 4 });
    const x = randomMatrix(4, 3, 1);
    const y = d.forward(x).data.toArray();
    const W = d.weight.data;
    const b = d.bias?.data as Float64Array;
    const X = x.data.data;
    for (let i = 0; i < 4; i++) {
      for (let o = 0; o < 2; o++) {
        let s = b[o];
        for (let k = 0; k < 3; k++) s += X[i * 3 + k] * W[o * 3 + k];
        expect(y[i * 2 + o]).toBeCloseTo(s, 12);
      }
    }
  });

  it('accumulates parameter gradients over two backward passes, as torch', () => {
    const d = new Dense(3, 2, { dtype: 'f64', seed: 4 });
    const x = randomMatrix(4, 3, 1);
    const dy = randomMatrix(4, 2, 2);
    d.forward(x);
    d.backward(dy);
    const once = d.weight.gradient.toArray();
    d.forward(x);
    d.backward(dy);
    const twice = d.weight.gradient.toArray();
    for (let i = 0; i < once.length; i++) expect(twice[i]).toBeCloseTo(2 * once[i], 12);
  });

  it('refuses bad options with a RangeError naming them', () => {
    expect(() => new Dense(0, 2)).toThrow(/Invalid inFeatures: 0/);
    expect(() => new Dense(2, 1.5)).toThrow(/Invalid outFeatures: 1.5/);
    expect(() => new Dense(2, 2, { init: 'lecun' as never })).toThrow(/Invalid init: lecun/);
    expect(() => new Dense(2, 2, { dtype: 'f16' as never })).toThrow(/Invalid dtype: f16/);
  });

  it('refuses an input with the wrong number of features', () => {
    const d = new Dense(3, 2, { dtype: 'f64' });
    expect(() => d.forward(randomMatrix(2, 4, 1))).toThrow(/expects 3 features, the input has 4/);
  });
});

describe('BatchNorm1d', () => {
  it('keeps running statistics as torch does (momentum 0.1, unbiased variance)', () => {
    const bn = new BatchNorm1d(2, { dtype: 'f64' });
    const x = { rows: 4, cols: 2, data: randomMatrix(4, 2, 1).data };
    x.data.data.set([1, 10, 2, 20, 3, 30, 6, 40]);
    bn.forward(x, true);
    // feature 0: mean 3, unbiased var ((4 + 1 + 0 + 9) / 3)
    expect(bn.runningMean.data[0]).toBeCloseTo(0.3, 12);
    expect(bn.runningVar.data[0]).toBeCloseTo(0.9 + 0.1 * (14 / 3), 12);
    expect(bn.runningMean.data[1]).toBeCloseTo(2.5, 12);
    expect(bn.numBatchesTracked).toBe(1);
  });

  it('with momentum null keeps the plain means of the batch statistics (torch momentum=None)', () => {
    const bn = new BatchNorm1d(3, { dtype: 'f64', momentum: null });
    const means = [0, 0, 0];
    const vars = [0, 0, 0];
    const T = 5;
    for (let t = 0; t < T; t++) {
      const B = 4 + t;
      const x = randomMatrix(B, 3, 20 + t, 3);
      const X = x.data.toArray();
      bn.forward(x, true);
      for (let j = 0; j < 3; j++) {
        let m = 0;
        for (let i = 0; i < B; i++) m += X[i * 3 + j] / B;
        let v = 0;
        for (let i = 0; i < B; i++) v += (X[i * 3 + j] - m) ** 2 / (B - 1);
        means[j] += m / T;
        vars[j] += v / T;
      }
    }
    for (let j = 0; j < 3; j++) {
      expect(bn.runningMean.data[j]).toBeCloseTo(means[j], 12);
      expect(bn.runningVar.data[j]).toBeCloseTo(vars[j], 12);
    }
    expect(bn.numBatchesTracked).toBe(T);
    expect(bn.config().momentum).toBeNull();
    const rebuilt = sequentialFromConfig({ dtype: 'f64', layers: [bn.config()] }).layers[0] as BatchNorm1d;
    expect(rebuilt.momentum).toBeNull();
  });

  it('normalizes each feature to mean 0 and variance 1 in training', () => {
    const bn = new BatchNorm1d(3, { dtype: 'f64' });
    const y = bn.forward(randomMatrix(50, 3, 8, 5), true).data.toArray();
    for (let j = 0; j < 3; j++) {
      let m = 0;
      let v = 0;
      for (let i = 0; i < 50; i++) m += y[i * 3 + j] / 50;
      for (let i = 0; i < 50; i++) v += (y[i * 3 + j] - m) ** 2 / 50;
      expect(Math.abs(m)).toBeLessThan(1e-12);
      expect(v).toBeCloseTo(1, 4);
    }
  });

  it('refuses a single-row batch in training, as torch', () => {
    const bn = new BatchNorm1d(3, { dtype: 'f64' });
    expect(() => bn.forward(randomMatrix(1, 3, 1), true)).toThrow(/more than 1 row/);
    expect(() => new BatchNorm1d(3, { momentum: 2 })).toThrow(/Invalid momentum: 2/);
  });
});

describe('Dropout', () => {
  it('drops about a fraction p in training, scales the rest by 1/(1-p), and is the identity in eval', () => {
    const d = new Dropout(0.25, 100, { dtype: 'f64', seed: 1 });
    const x = randomMatrix(40, 100, 2);
    const X = x.data.toArray();
    const y = d.forward(x, true).data.toArray();
    let dropped = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i] === 0) dropped++;
      else expect(y[i]).toBeCloseTo(X[i] / 0.75, 12);
    }
    // 4000 Bernoulli(0.25) draws: standard deviation ~27
    expect(Math.abs(dropped - 1000)).toBeLessThan(110);
    expect(d.forward(x, false)).toBe(x);
    expect(() => new Dropout(1.5, 3)).toThrow(/Invalid dropout probability: 1.5/);
  });
});

describe('activations', () => {
  it('refuses an unknown activation and a bad slope', () => {
    expect(() => new Activation('swish' as never, 3)).toThrow(/Invalid activation: swish/);
    expect(() => LeakyReLU(3, { negativeSlope: Number.NaN })).toThrow(/Invalid negativeSlope: NaN/);
  });
});
