/**
 * A model written with autograd ops as a finite sum: logistic regression on iris equals core's
 * hand-derived `irisLogistic` term by term, in full, and along a whole SAGA run on the same indices.
 */
import { iris, irisLogistic, saga, standardizeColumns } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { finiteSumFromModel } from './finite-sum.js';
import { add, mul, square } from './ops/elementwise.js';
import { binaryCrossEntropyWithLogits } from './ops/losses.js';
import { matmul } from './ops/matmul.js';
import { sum } from './ops/reduce.js';
import { indexSelect, reshape } from './ops/shape.js';
import { tensor } from './tensor.js';

// versicolor (0) vs virginica (1), standardized over all 150 flowers, with an intercept column
const Z = standardizeColumns(iris().X, 150, 4);
const X = new Float64Array(100 * 5);
const y = new Float64Array(100);
for (let i = 0; i < 100; i++) {
  for (let j = 0; j < 4; j++) X[i * 5 + j] = Z[(50 + i) * 4 + j];
  X[i * 5 + 4] = 1;
  y[i] = i >= 50 ? 1 : 0;
}
const lambda = 0.1;

const model = finiteSumFromModel({
  n: 100,
  dim: 5,
  loss: (theta, batch) => {
    const XB = indexSelect(tensor(X, { shape: [100, 5] }), 0, batch);
    const z = reshape(matmul(XB, reshape(theta, [5, 1])), [batch.length]);
    const yB = tensor(Float64Array.from(batch, (i) => y[i]));
    return add(binaryCrossEntropyWithLogits(z, yB), mul(sum(square(theta)), lambda / 2));
  },
});
const reference = irisLogistic({ l2: lambda });

describe('finiteSumFromModel', () => {
  const theta = Float64Array.from([0.3, -0.7, 1.1, 0.4, -0.2]);

  it('gives the terms and gradients of the hand-derived logistic regression', () => {
    const g = new Float64Array(5);
    const gRef = new Float64Array(5);
    for (const i of [0, 49, 50, 99]) {
      expect(model.term(theta, i, g)).toBeCloseTo(reference.term(theta, i, gRef), 13);
      g.forEach((v, j) => {
        expect(v).toBeCloseTo(gRef[j], 13);
      });
    }
  });

  it('gives the full value and gradient', () => {
    const g = new Float64Array(5);
    const gRef = new Float64Array(5);
    expect(model.full(theta, g)).toBeCloseTo(reference.full(theta, gRef), 13);
    g.forEach((v, j) => {
      expect(v).toBeCloseTo(gRef[j], 13);
    });
  });

  it('runs SAGA to the same iterates on the same indices', () => {
    const indices = Array.from({ length: 300 }, (_, k) => (k * 37 + 11) % 100);
    let a = 0;
    let b = 0;
    const lr = 1 / (3 * reference.lipschitzMax!);
    const mine = saga(model, model.x0, { lr, epochs: 3, sample: () => indices[a++] });
    const theirs = saga(reference, reference.x0, { lr, epochs: 3, sample: () => indices[b++] });
    mine.x.forEach((v, j) => {
      expect(v).toBeCloseTo(theirs.x[j], 12);
    });
  });

  it('refuses a missing loss', () => {
    expect(() => finiteSumFromModel({ n: 1, dim: 1 } as never)).toThrow(/loss must be a function/);
  });
});
