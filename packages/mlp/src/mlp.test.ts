import { fromArray, type WasmMatrix } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { evaluate, predict } from './evaluate.js';
import { Activation } from './layers/activations.js';
import { BatchNorm1d } from './layers/batch-norm.js';
import { Dense } from './layers/dense.js';
import { Dropout } from './layers/dropout.js';
import { Sequential } from './layers/sequential.js';
import { softmaxCrossEntropy } from './losses/losses.js';
import { mlp } from './mlp.js';
import { randomMatrix } from './test-support/gradcheck.js';

describe('mlp()', () => {
  it('builds Dense -> BatchNorm1d -> activation -> Dropout per hidden layer and names the parameters', () => {
    const m = mlp({ sizes: [64, 128, 128, 10], batchNorm: true, dropout: 0.1, seed: 1 });
    expect(m.layers.map((l) => l.name)).toEqual([
      'dense0',
      'bn0',
      'relu0',
      'dropout0',
      'dense1',
      'bn1',
      'relu1',
      'dropout1',
      'dense2',
    ]);
    expect(m.parameters().map((p) => `${p.name}[${p.shape.join('x')}]`)).toEqual([
      'dense0.weight[128x64]',
      'dense0.bias[128]',
      'bn0.weight[128]',
      'bn0.bias[128]',
      'dense1.weight[128x128]',
      'dense1.bias[128]',
      'bn1.weight[128]',
      'bn1.bias[128]',
      'dense2.weight[10x128]',
      'dense2.bias[10]',
    ]);
  });

  it('refuses bad options with a RangeError naming them', () => {
    expect(() => mlp({ sizes: [4] })).toThrow(/Invalid sizes: \[4\]/);
    expect(() => mlp({ sizes: [4, 0, 2] })).toThrow(/Invalid sizes: \[4,0,2\]/);
    expect(() => mlp({ sizes: [4, 2], activation: 'softplus' as never })).toThrow(
      /Invalid activation: softplus/,
    );
    expect(() => mlp({ sizes: [4, 2], dropout: 1.5 })).toThrow(/Invalid dropout: 1.5/);
    expect(() => mlp({ sizes: [4, 2], init: 'orthogonal' as never })).toThrow(/Invalid init: orthogonal/);
    expect(() => mlp({ sizes: [4, 2], seed: 0.5 })).toThrow(/Invalid seed: 0.5/);
  });

  it('is reproducible from its seed', () => {
    const a = mlp({ sizes: [5, 7, 3], seed: 4 }).stateDict();
    const b = mlp({ sizes: [5, 7, 3], seed: 4 }).stateDict();
    expect(a).toEqual(b);
  });
});

describe('Sequential', () => {
  it('back-propagates a whole network into every parameter, matching central differences of the loss (f64)', () => {
    const dropout = new Dropout(0.3, 6, { dtype: 'f64', seed: 2 });
    const model = new Sequential([
      new Dense(4, 6, { dtype: 'f64', seed: 1, init: 'heNormal' }),
      new BatchNorm1d(6, { dtype: 'f64' }),
      new Activation('gelu', 6, { dtype: 'f64' }),
      dropout,
      new Dense(6, 3, { dtype: 'f64', seed: 3 }),
    ]);
    const x = randomMatrix(7, 4, 5);
    const labels = fromArray(Float64Array.from([0, 1, 2, 2, 1, 0, 1]));
    const loss = () => softmaxCrossEntropy.compute(model.forward(x), labels);
    loss();
    dropout.reuseMask = true; // one fixed mask for every evaluation below
    model.zeroGrad();
    const out = model.forward(x);
    const g: WasmMatrix = { rows: 7, cols: 3, data: fromArray(new Float64Array(21)) };
    softmaxCrossEntropy.compute(out, labels, g);
    const dx = model.backwardToInput(g).data.toArray();
    const h = 1e-6;
    for (const p of model.parameters()) {
      const grad = p.gradient.toArray();
      for (let k = 0; k < p.length; k++) {
        const v = p.data[k];
        p.data[k] = v + h;
        const fp = loss();
        p.data[k] = v - h;
        const fm = loss();
        p.data[k] = v;
        expect(Math.abs(grad[k] - (fp - fm) / (2 * h)), `${p.name}[${k}]`).toBeLessThan(1e-8);
      }
    }
    for (let k = 0; k < x.data.length; k++) {
      const v = x.data.data[k];
      x.data.data[k] = v + h;
      const fp = loss();
      x.data.data[k] = v - h;
      const fm = loss();
      x.data.data[k] = v;
      expect(Math.abs(dx[k] - (fp - fm) / (2 * h)), `x[${k}]`).toBeLessThan(1e-8);
    }
  });

  it('names mismatched layer shapes and dtypes', () => {
    expect(() => new Sequential([new Dense(4, 6), new Dense(5, 2)])).toThrow(
      /layer 0 \(dense\) outputs 6 features, layer 1 \(dense\) takes 5/,
    );
    expect(() => new Sequential([new Dense(4, 6), new Dense(6, 2, { dtype: 'f64' })])).toThrow(
      /one dtype per model/,
    );
    expect(() => new Sequential([])).toThrow(/at least one layer/);
  });

  it('loadStateDict checks every entry before changing anything', () => {
    const m = mlp({ sizes: [3, 4, 2], seed: 1 });
    const before = m.stateDict();
    const sd = { ...before, 'dense1.bias': new Float32Array(5) };
    expect(() => m.loadStateDict(sd)).toThrow(/dense1.bias has 5 values, the model's has 2/);
    expect(() => m.loadStateDict({ ...before, extra: new Float32Array(1) })).toThrow(/unknown entry extra/);
    expect(() => m.loadStateDict({ ...before, 'dense0.weight': new Float64Array(12) })).toThrow(
      /dense0.weight is missing or not a f32 array/,
    );
    expect(m.stateDict()).toEqual(before);
  });
});

describe('evaluate and predict', () => {
  it('agree with a forward pass in eval mode, whatever the batch size', () => {
    const m = mlp({ sizes: [3, 8, 4], batchNorm: true, dropout: 0.5, seed: 2 });
    const x = randomMatrix(10, 3, 1).data.toArray();
    const x32 = Float32Array.from(x);
    const y = Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);
    const a = predict(m, x32, { batchSize: 3 });
    const b = predict(m, x32, { batchSize: 256 });
    expect(a.data).toEqual(b.data);
    expect(m.training).toBe(true); // the mode is restored
    const e1 = evaluate(m, { x: x32, y, n: 10, features: 3 }, { batchSize: 4 });
    const e2 = evaluate(m, { x: x32, y, n: 10, features: 3 });
    expect(e1.loss).toBeCloseTo(e2.loss, 6);
    expect(e1.accuracy).toBe(e2.accuracy);
    expect(() => predict(m, new Float32Array(7))).toThrow(
      /x has 7 values, not a multiple of the model's 3 inputs/,
    );
  });
});
