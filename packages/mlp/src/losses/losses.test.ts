import { alloc, fromArray, type WasmMatrix } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { bceWithLogits, type Loss, lossOf, mseLoss, softmaxCrossEntropy } from './losses.js';

const B = 4;
const K = 3;

function matrix(values: number[] | Float64Array): WasmMatrix<'f64'> {
  return { rows: B, cols: K, data: fromArray(Float64Array.from(values)) };
}

function randomValues(n: number, seed: number, scale = 1): Float64Array {
  const r = new Rng(seed);
  return Float64Array.from({ length: n }, () => scale * r.normal());
}

/** Naive formulas, straight from the definitions (torch's mean reductions). */
const naive: Record<string, (o: Float64Array, t: Float64Array) => number> = {
  mse: (o, t) => o.reduce((s, v, i) => s + (v - t[i]) ** 2, 0) / o.length,
  softmaxCrossEntropy: (o, t) => {
    let s = 0;
    for (let i = 0; i < B; i++) {
      const row = o.subarray(i * K, (i + 1) * K);
      s += Math.log(row.reduce((a, v) => a + Math.exp(v), 0)) - row[t[i]];
    }
    return s / B;
  },
  bceWithLogits: (o, t) =>
    o.reduce((s, x, i) => {
      const p = 1 / (1 + Math.exp(-x));
      return s - (t[i] * Math.log(p) + (1 - t[i]) * Math.log(1 - p));
    }, 0) / o.length,
};

const cases: Array<{ loss: Loss; target: Float64Array }> = [
  { loss: mseLoss, target: randomValues(B * K, 2) },
  { loss: softmaxCrossEntropy, target: Float64Array.from([0, 2, 1, 2]) },
  { loss: bceWithLogits, target: Float64Array.from({ length: B * K }, (_, i) => (i % 3) / 2) },
];

describe('every loss matches its naive formula and central finite differences (f64)', () => {
  it.each(cases)('$loss.name', ({ loss, target }) => {
    const o = randomValues(B * K, 1, 2);
    const out = matrix(o);
    const t = fromArray(target);
    const grad = matrix(new Float64Array(B * K));
    const value = loss.compute(out, t, grad);
    expect(value).toBeCloseTo(naive[loss.name](o, target), 12);
    const g = grad.data.toArray();
    const h = 1e-6;
    for (let k = 0; k < o.length; k++) {
      const plus = o.slice();
      plus[k] += h;
      const minus = o.slice();
      minus[k] -= h;
      const fd = (loss.compute(matrix(plus), t) - loss.compute(matrix(minus), t)) / (2 * h);
      expect(Math.abs(g[k] - fd)).toBeLessThan(1e-8);
    }
  });
});

describe('losses', () => {
  it('softmax cross-entropy is stable for logits of ±1000', () => {
    const out = matrix([1000, -1000, 0, 0, 1000, 999, -1000, -1000, -1000, 5, 5, 5]);
    const v = softmaxCrossEntropy.compute(out, fromArray(Float64Array.from([0, 1, 2, 0])));
    const expected = (0 + Math.log(1 + Math.exp(-1)) + Math.log(3) + Math.log(3)) / 4;
    expect(v).toBeCloseTo(expected, 10);
  });

  it('name a length mismatch and an unknown loss', () => {
    expect(() => mseLoss.compute(matrix(new Float64Array(B * K)), alloc('f64', 5))).toThrow(
      /output is 4x3 .* target has 5/,
    );
    expect(() => lossOf('hinge')).toThrow(/Invalid loss: hinge/);
    expect(lossOf('mse')).toBe(mseLoss);
  });
});
