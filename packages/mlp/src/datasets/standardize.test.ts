import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digits } from './digits.js';
import { iris } from './iris.js';
import { trainTestSplit } from './split.js';
import { standardize, standardScale } from './standardize.js';

// StandardScaler's mean_ and scale_ on the whole data sets (test/fixtures/datasets.py)
const fixture: Record<'digits' | 'iris', { mean: number[]; scale: number[] }> = JSON.parse(
  readFileSync(new URL('../../test/fixtures/datasets.json', import.meta.url), 'utf8'),
);

describe('standardScale', () => {
  it.each([
    ['digits', digits],
    ['iris', iris],
  ] as const)(
    'matches scikit-learn’s StandardScaler on %s (scale 1 for its constant columns)',
    (name, load) => {
      const { mean, scale } = standardScale(load());
      const expected = fixture[name];
      for (let j = 0; j < mean.length; j++) {
        expect(mean[j]).toBeCloseTo(expected.mean[j], 6);
        expect(scale[j]).toBeCloseTo(expected.scale[j], 6);
      }
      if (name === 'digits') expect(scale[0]).toBe(1); // pixel_0_0 is always 0
    },
  );

  it('treats a column constant up to rounding as constant', () => {
    const x = new Float64Array(7).fill(0.1);
    const { scale } = standardScale({ x, y: new Int32Array(7), n: 7, features: 1 });
    expect(scale[0]).toBe(1);
  });
});

describe('standardize', () => {
  it('gives the training columns mean 0 and variance 1, constant columns 0', () => {
    const { train } = trainTestSplit(digits(), { testFraction: 0.2, seed: 0 });
    const { train: s } = standardize(train);
    const d = s.features;
    for (let j = 0; j < d; j++) {
      let m = 0;
      let v = 0;
      for (let i = 0; i < s.n; i++) m += s.x[i * d + j];
      m /= s.n;
      for (let i = 0; i < s.n; i++) v += (s.x[i * d + j] - m) ** 2;
      v /= s.n;
      expect(Math.abs(m)).toBeLessThan(1e-5);
      let constant = true;
      for (let i = 1; i < train.n; i++) constant &&= train.x[i * d + j] === train.x[j];
      if (constant) {
        for (let i = 0; i < s.n; i++) expect(s.x[i * d + j]).toBe(0);
      } else expect(v).toBeCloseTo(1, 4);
    }
  });

  it('applies the training statistics to the other sets and leaves every input unchanged', () => {
    const { train, test } = trainTestSplit(iris(), { testFraction: 0.3, seed: 2 });
    const before = test.x.slice();
    const out = standardize(train, test);
    expect(test.x).toEqual(before);
    const d = test.features;
    for (let i = 0; i < test.n; i++) {
      for (let j = 0; j < d; j++) {
        const expected = (test.x[i * d + j] - out.mean[j]) / out.scale[j];
        expect(out.others[0].x[i * d + j]).toBeCloseTo(expected, 5);
      }
    }
    expect(out.others[0].y).toEqual(test.y);
    expect(out.transform(test).x).toEqual(out.others[0].x);
  });

  it('rejects sets with a different number of features, naming them', () => {
    const a = { x: new Float32Array(4), y: new Int32Array(2), n: 2, features: 2 };
    const b = { x: new Float32Array(3), y: new Int32Array(1), n: 1, features: 3 };
    expect(() => standardize(a, a, b)).toThrow(/^Shape mismatch: others\[1\] has 3 features, train has 2$/);
    expect(() => standardize({ ...a, n: 0, x: new Float32Array(0), y: new Int32Array(0) })).toThrow(
      /no rows/,
    );
  });
});
