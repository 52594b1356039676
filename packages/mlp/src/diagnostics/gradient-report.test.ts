import { describe, expect, it } from 'vitest';
import { subset } from '../datasets/dataset.js';
import { digits } from '../datasets/digits.js';
import { standardize } from '../datasets/standardize.js';
import { evaluate } from '../evaluate.js';
import { ReLU, Tanh } from '../layers/activations.js';
import { Dense } from '../layers/dense.js';
import { Sequential } from '../layers/sequential.js';
import { mlp } from '../mlp.js';
import { activationSlope } from './activation-slopes.js';
import { gradientReport } from './gradient-report.js';

/** 256 standardized digits, as f64 rows. */
function someDigits() {
  const d = standardize(
    subset(
      digits(),
      Array.from({ length: 256 }, (_, i) => i),
    ),
  ).train;
  return { ...d, x: Float64Array.from(d.x) };
}

/** A 1-1-1 network x -> tanh(x) -> Dense, so the activation sees the inputs themselves. */
function tanhUnit() {
  const first = new Dense(1, 1, { dtype: 'f64' });
  first.weight.data[0] = 1;
  first.bias!.data[0] = 0;
  return new Sequential([first, Tanh(1, { dtype: 'f64' }), new Dense(1, 1, { dtype: 'f64' })]);
}
const column = (...v: number[]) => ({
  x: Float64Array.from(v),
  y: new Float64Array(v.length),
  n: v.length,
  features: 1,
});

describe('gradientReport', () => {
  it('shows gradients vanishing toward the input of a 10-layer sigmoid network, not with ReLU and He init', () => {
    const data = someDigits();
    const sizes = [64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 10];
    const sigmoidNet = mlp({ sizes, activation: 'sigmoid', init: 'xavierNormal', dtype: 'f64', seed: 1 });
    const reluNet = mlp({ sizes, activation: 'relu', init: 'heNormal', dtype: 'f64', seed: 1 });
    const s = gradientReport(sigmoidNet, data);
    const r = gradientReport(reluNet, data);
    expect(s.layers).toHaveLength(10);
    expect(s.firstToLastRatio).toBeLessThan(1e-3);
    expect(r.firstToLastRatio).toBeGreaterThan(0.1);
    expect(r.firstToLastRatio).toBeLessThan(10);
    // the sigmoid network's gradient shrinks layer after layer toward the input
    for (let l = 1; l < 9; l++)
      expect(s.layers[l - 1].weightGradNorm).toBeLessThan(s.layers[l].weightGradNorm);
    sigmoidNet.free();
    reluNet.free();
  });

  it('reports the norm of the mean-loss gradient (central differences, f64)', () => {
    const data = subset(
      someDigits(),
      Array.from({ length: 40 }, (_, i) => i),
    );
    const model = mlp({ sizes: [64, 8, 10], activation: 'tanh', dtype: 'f64', seed: 3 });
    const report = gradientReport(model, data, { batchSize: 16 });
    const last = model.parameters()[2]; // dense1.weight, 80 values
    const h = 1e-6;
    let sq = 0;
    for (let k = 0; k < last.length; k++) {
      const v = last.data[k];
      last.data[k] = v + h;
      const fp = evaluate(model, data).loss;
      last.data[k] = v - h;
      const fm = evaluate(model, data).loss;
      last.data[k] = v;
      sq += ((fp - fm) / (2 * h)) ** 2;
    }
    expect(report.layers[1].weightGradNorm).toBeCloseTo(Math.sqrt(sq), 7);
    expect(report.loss).toBeCloseTo(evaluate(model, data).loss, 12);
    model.free();
  });

  it('gives the same numbers for any batch size', () => {
    const data = someDigits();
    const model = mlp({ sizes: [64, 16, 10], activation: 'sigmoid', dtype: 'f64', seed: 2 });
    const a = gradientReport(model, data, { batchSize: 256 });
    const b = gradientReport(model, data, { batchSize: 7 });
    expect(b.loss).toBeCloseTo(a.loss, 12);
    for (const [i, l] of b.layers.entries()) expect(l.gradNorm).toBeCloseTo(a.layers[i].gradNorm, 12);
    for (const [i, s] of b.activations.entries())
      expect(s.meanSlope).toBeCloseTo(a.activations[i].meanSlope, 12);
    model.free();
  });

  it('follows the notes’ tanh example: tanh’(4) ≈ 0.00134 is just above the 1e-3 threshold, 4.2 below it', () => {
    const [at4, at42] = activationSlope('tanh', [4, 4.2]);
    expect(at4).toBeCloseTo(1 - Math.tanh(4) ** 2, 12);
    expect(at4).toBeCloseTo(0.00134, 5);
    expect(at42).toBeLessThan(1e-3);
    const model = tanhUnit();
    const r = gradientReport(model, column(4, 4.2, -5, 0.5));
    expect(r.activations[0].saturated).toBe(0.5); // 4.2 and -5
    expect(r.activations[0].dead).toBe(0); // 4 and 0.5 pass gradient
    expect(r.activations[0].meanSlope).toBeCloseTo(
      [4, 4.2, -5, 0.5].reduce((s, z) => s + 1 - Math.tanh(z) ** 2, 0) / 4,
      12,
    );
    expect(gradientReport(model, column(4.2, -5)).activations[0].dead).toBe(1);
    model.free();
  });

  it('counts dead ReLUs: units that are off for every sample', () => {
    const first = new Dense(2, 3, { dtype: 'f64', seed: 4 });
    first.bias!.data.set([-100, 0, 100]);
    first.weight.data.fill(1);
    const model = new Sequential([first, ReLU(3, { dtype: 'f64' }), new Dense(3, 1, { dtype: 'f64' })]);
    const data = { x: Float64Array.from([1, 2, -1, 0.5, 3, -2]), y: new Float64Array(3), n: 3, features: 2 };
    const r = gradientReport(model, data);
    expect(r.activations[0].dead).toBeCloseTo(1 / 3, 15); // unit 0 never fires; 1 sometimes; 2 always
    expect(r.activations[0].saturated).toBeCloseTo(4 / 9, 15); // unit 0 thrice, unit 1 for (-1, 0.5)
    model.free();
  });

  it('leaves the gradients and the mode of the model as they were', () => {
    const model = tanhUnit();
    for (const p of model.parameters()) p.grad.fill(7);
    model.train();
    gradientReport(model, column(1, 2));
    for (const p of model.parameters()) expect(Array.from(p.grad)).toEqual(new Array(p.length).fill(7));
    expect(model.training).toBe(true);
    model.free();
  });

  it('rejects a bad threshold and data that do not fit the model', () => {
    const model = tanhUnit();
    expect(() => gradientReport(model, column(1), { threshold: 0 })).toThrow(/^Invalid threshold: 0/);
    const wide = { x: new Float64Array(4), y: new Float64Array(2), n: 2, features: 2 };
    expect(() => gradientReport(model, wide)).toThrow(/Shape mismatch/);
    model.free();
  });
});
