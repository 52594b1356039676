import { Adam } from '@descent/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { digits } from '../datasets/digits.js';
import { trainTestSplit } from '../datasets/split.js';
import { standardize } from '../datasets/standardize.js';
import { evaluate, predict } from '../evaluate.js';
import { fit } from '../fit.js';
import { Activation } from '../layers/activations.js';
import { Dense } from '../layers/dense.js';
import { Sequential } from '../layers/sequential.js';
import { mlp } from '../mlp.js';
import { sequentialToOnnx } from './export.js';
import { decodeOnnx } from './schema.js';

const { train, test } = trainTestSplit(digits(), { testFraction: 0.2, seed: 0 });
const {
  train: tr,
  others: [te],
} = standardize(train, test);

/** Runs ONNX bytes in onnxruntime-node on x [n, features]; returns the output's data. */
async function runOrt(bytes: Uint8Array, x: Float32Array | Float64Array, features: number) {
  const session = await ort.InferenceSession.create(bytes);
  const type = x instanceof Float32Array ? 'float32' : 'float64';
  const out = await session.run({ input: new ort.Tensor(type, x, [x.length / features, features]) });
  return out.output.data as Float32Array | Float64Array;
}

const argmaxAccuracy = (out: ArrayLike<number>, labels: Int32Array, K: number) => {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (out[i * K + k] > out[i * K + best]) best = k;
    if (best === labels[i]) correct++;
  }
  return correct / labels.length;
};

describe('ONNX export', () => {
  it('a digits MLP (BatchNorm1d, ReLU, dropout) runs in onnxruntime-node with descent predictions to 1e-5 and the same accuracy', async () => {
    const model = mlp({ sizes: [64, 64, 32, 10], batchNorm: true, dropout: 0.2, seed: 3 });
    fit(model, tr, { optimizer: (ps) => new Adam(ps, { lr: 1e-3 }), epochs: 5, batchSize: 32, seed: 3 });
    const ours = predict(model, te.x as Float32Array);
    const theirs = await runOrt(sequentialToOnnx(model), te.x as Float32Array, 64);
    expect(theirs.length).toBe(ours.data.length);
    let worst = 0;
    for (let i = 0; i < theirs.length; i++) worst = Math.max(worst, Math.abs(theirs[i] - ours.data[i]));
    expect(worst).toBeLessThan(1e-5);
    const accuracy = evaluate(model, te).accuracy as number;
    expect(accuracy).toBeGreaterThan(0.9);
    expect(argmaxAccuracy(theirs, te.y as Int32Array, 10)).toBe(accuracy);
    model.free();
  });

  it('softmax: true outputs the probabilities of the logits', async () => {
    const model = mlp({ sizes: [64, 16, 10], activation: 'tanh', seed: 1 });
    const x = (te.x as Float32Array).subarray(0, 64 * 5);
    const logits = predict(model, x).data;
    const probs = await runOrt(sequentialToOnnx(model, { softmax: true }), x, 64);
    for (let i = 0; i < 5; i++) {
      const row = Array.from(logits.subarray(i * 10, i * 10 + 10));
      const m = Math.max(...row);
      const z = row.reduce((s, v) => s + Math.exp(v - m), 0);
      for (let k = 0; k < 10; k++) expect(probs[i * 10 + k]).toBeCloseTo(Math.exp(row[k] - m) / z, 6);
    }
    model.free();
  });

  it('every activation (GELU exact and tanh at opset 20, LeakyReLU, sigmoid, tanh) matches to 1e-5', async () => {
    const layers = [
      new Dense(4, 6, { seed: 1 }),
      new Activation('leakyRelu', 6, { negativeSlope: 0.2 }),
      new Dense(6, 6, { seed: 2 }),
      new Activation('sigmoid', 6),
      new Dense(6, 5, { seed: 3 }),
      new Activation('gelu', 5, { approximate: 'tanh' }),
      new Dense(5, 5, { seed: 4 }),
      new Activation('gelu', 5),
      new Dense(5, 4, { seed: 5 }),
      new Activation('tanh', 4),
      new Dense(4, 3, { seed: 6, bias: false }),
    ];
    const model = new Sequential(layers);
    const x = Float32Array.from({ length: 4 * 7 }, (_, i) => Math.sin(i) * 2);
    const bytes = sequentialToOnnx(model);
    expect(decodeOnnx(bytes).opset_import).toEqual([{ domain: '', version: 20 }]);
    const ours = predict(model, x).data;
    const theirs = await runOrt(bytes, x, 4);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(theirs[i] - ours[i])).toBeLessThan(1e-5);
    model.free();
  });

  it('an f64 model (BatchNorm1d, ReLU, tanh, sigmoid) runs as DOUBLE and matches to 1e-12', async () => {
    const model = mlp({ sizes: [5, 7, 6, 3], batchNorm: true, activation: 'tanh', dtype: 'f64', seed: 2 });
    const x = Float64Array.from({ length: 5 * 9 }, (_, i) => Math.cos(i * 1.7) * 3);
    fit(
      model,
      { x, y: new Int32Array(9).map((_, i) => i % 3), n: 9, features: 5 },
      {
        optimizer: (ps) => new Adam(ps, { lr: 1e-2 }),
        epochs: 3,
        batchSize: 3,
      },
    );
    const ours = predict(model, x).data;
    const theirs = await runOrt(sequentialToOnnx(model), x, 5);
    expect(theirs).toBeInstanceOf(Float64Array);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(theirs[i] - ours[i])).toBeLessThan(1e-12);
    model.free();
  });

  it('refuses an opset below 17 or a GELU below opset 20, naming the option', () => {
    const model = mlp({ sizes: [2, 3, 1], activation: 'gelu' });
    expect(() => sequentialToOnnx(model, { opset: 13 })).toThrow(/Invalid opset: 13/);
    expect(() => sequentialToOnnx(model, { opset: 17 })).toThrow(/GELU needs ONNX's Gelu, opset >= 20/);
    model.free();
  });
});
