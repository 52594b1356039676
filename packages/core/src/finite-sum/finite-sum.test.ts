/**
 * The finite-sum shape: every term's gradient against central differences, batch and full against
 * a naive mean of the terms (the full gradient runs on gemv/gemm, the terms on plain loops), the
 * stated L_max against measured gradient differences, and bad input refused by name.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../analysis/seeded-random.js';
import { asObjective, defineFiniteSum, type FiniteSum } from './finite-sum.js';
import { fromDataset, irisLeastSquares, irisLogistic, irisSoftmax } from './linear-models.js';

const zoo: [string, () => FiniteSum][] = [
  ['iris-least-squares', () => irisLeastSquares({ l2: 0.1 })],
  ['iris-logistic', () => irisLogistic()],
  ['iris-softmax', () => irisSoftmax()],
];

function randomTheta(dim: number, seed: number): Float64Array {
  const rng = seededRandom(seed);
  return Float64Array.from({ length: dim }, () => rng.normal());
}

function naiveMean(fs: FiniteSum, theta: Float64Array, indices: number[]) {
  const g = new Float64Array(fs.dim);
  const gi = new Float64Array(fs.dim);
  let v = 0;
  for (const i of indices) {
    v += fs.term(theta, i, gi);
    for (let j = 0; j < fs.dim; j++) g[j] += gi[j] / indices.length;
  }
  return { value: v / indices.length, grad: g };
}

describe.each(zoo)('%s', (_, make) => {
  const fs = make();
  const theta = randomTheta(fs.dim, 1);

  it('gives each term a gradient equal to central differences', () => {
    const g = new Float64Array(fs.dim);
    for (const i of [0, 37, fs.n - 1]) {
      fs.term(theta, i, g);
      const h = 1e-6;
      for (let j = 0; j < fs.dim; j++) {
        const tp = theta.slice();
        const tm = theta.slice();
        tp[j] += h;
        tm[j] -= h;
        const fd = (fs.term(tp, i) - fs.term(tm, i)) / (2 * h);
        expect(g[j]).toBeCloseTo(fd, 6);
      }
    }
  });

  it('computes the full value and gradient on the kernels equal to the naive mean of the terms', () => {
    const all = Array.from({ length: fs.n }, (_, i) => i);
    const ref = naiveMean(fs, theta, all);
    const g = new Float64Array(fs.dim);
    expect(fs.full(theta, g)).toBeCloseTo(ref.value, 12);
    for (let j = 0; j < fs.dim; j++) expect(g[j]).toBeCloseTo(ref.grad[j], 12);
    expect(fs.full(theta)).toBeCloseTo(ref.value, 12);
  });

  it('computes a batch mean (with repeats) equal to the naive mean', () => {
    const idx = [3, 3, 17, 0, fs.n - 1];
    const ref = naiveMean(fs, theta, idx);
    const g = new Float64Array(fs.dim);
    expect(fs.batch(theta, idx, g)).toBeCloseTo(ref.value, 12);
    for (let j = 0; j < fs.dim; j++) expect(g[j]).toBeCloseTo(ref.grad[j], 12);
  });

  it('bounds every measured gradient difference by its stated L_max', () => {
    const ga = new Float64Array(fs.dim);
    const gb = new Float64Array(fs.dim);
    let worst = 0;
    for (let s = 0; s < 20; s++) {
      const a = randomTheta(fs.dim, 100 + s);
      const b = a.map((v, j) => v + 0.01 * Math.sin(j + s));
      const i = (s * 13) % fs.n;
      fs.term(a, i, ga);
      fs.term(b, i, gb);
      worst = Math.max(
        worst,
        Math.hypot(...ga.map((v, j) => v - gb[j])) / Math.hypot(...a.map((v, j) => v - b[j])),
      );
    }
    expect(worst).toBeLessThanOrEqual(fs.lipschitzMax! * (1 + 1e-9));
    expect(worst).toBeGreaterThan(fs.lipschitzMax! / 20);
  });
});

describe('fromDataset', () => {
  it('makes logistic regression whose term is log(1 + exp(-s x·θ)) by hand', () => {
    const fs = fromDataset({ X: [1, 2, -1, 0.5], y: [1, 0], model: 'logistic', intercept: false });
    const theta = new Float64Array([0.3, -0.2]);
    expect(fs.term(theta, 0)).toBeCloseTo(Math.log(1 + Math.exp(-(0.3 - 0.4))), 14);
    expect(fs.term(theta, 1)).toBeCloseTo(Math.log(1 + Math.exp(-0.3 - 0.1)), 14);
  });

  it('appends an intercept column and adds λ/2 ‖θ‖² to each term', () => {
    const fs = fromDataset({ X: [2, 3], y: [1, 5], model: 'least-squares', l2: 0.5 });
    expect(fs.dim).toBe(2);
    const theta = new Float64Array([1, 1]);
    expect(fs.term(theta, 0)).toBeCloseTo(0.5 * (3 - 1) ** 2 + 0.25 * 2, 14);
    expect(fs.mu).toBe(0.5);
  });

  it('is a minimize() objective through asObjective', () => {
    const fs = irisLogistic();
    const obj = asObjective(fs);
    const g = new Float64Array(fs.dim);
    expect(obj.f(fs.x0)).toBeCloseTo(Math.log(2), 14);
    expect(obj.grad(fs.x0, g)).toBe(g);
  });

  it('refuses bad options, labels and indices by name', () => {
    expect(() => fromDataset({ X: [1], y: [2], model: 'logistic' })).toThrow(/y\[0\]: 2/);
    expect(() => fromDataset({ X: [1, 2, 3], y: [1, 0], model: 'logistic' })).toThrow(/Invalid X/);
    expect(() => fromDataset({ X: [1], y: [1], model: 'least-squares', l2: -1 })).toThrow(/l2: -1/);
    expect(() => fromDataset({ X: [1], y: [1], model: 'svm' as never })).toThrow(/model: svm/);
    expect(() => fromDataset({ X: [1, 2], y: [0, 1.5], model: 'softmax' })).toThrow(/y\[1\]: 1.5/);
    const fs = irisLogistic();
    expect(() => fs.term(fs.x0, 100)).toThrow(/example index i: 100/);
    expect(() => fs.batch(fs.x0, [])).toThrow(/empty/);
    expect(() => fs.full(new Float64Array(3))).toThrow(/theta has length 3/);
    expect(() => defineFiniteSum({ name: 'x', n: 0, dim: 1, term: () => 0 })).toThrow(/Invalid n/);
  });
});
