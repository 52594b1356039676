import { describe, expect, it } from 'vitest';
import { type ClassificationDataset, classCounts } from './dataset.js';
import { digits } from './digits.js';
import { iris } from './iris.js';
import { trainTestSplit, trainValTestSplit } from './split.js';

/** A data set whose row i has x = [i, -i] and label i mod 3 (rows identify themselves). */
function numbered(n: number): ClassificationDataset {
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = -i;
    y[i] = i % 3;
  }
  return { x, y, n, features: 2, classes: 3 };
}

const ids = (d: ClassificationDataset) => Array.from({ length: d.n }, (_, i) => d.x[2 * i]);

describe('trainTestSplit', () => {
  it('partitions the rows: every row once, ⌈testFraction·n⌉ in test, rows carried whole', () => {
    const data = numbered(101);
    const { train, test } = trainTestSplit(data, { testFraction: 0.2, seed: 3 });
    expect(test.n).toBe(21);
    expect(train.n).toBe(80);
    const all = [...ids(train), ...ids(test)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 101 }, (_, i) => i));
    for (const part of [train, test]) {
      for (let i = 0; i < part.n; i++) {
        expect(part.x[2 * i + 1]).toBe(-part.x[2 * i]);
        expect(part.y[i]).toBe(part.x[2 * i] % 3);
      }
      expect(part.classes).toBe(3);
    }
  });

  it('is reproducible from its seed and differs between seeds', () => {
    const data = numbered(50);
    const a = trainTestSplit(data, { testFraction: 0.3, seed: 7 });
    const b = trainTestSplit(data, { testFraction: 0.3, seed: 7 });
    const c = trainTestSplit(data, { testFraction: 0.3, seed: 8 });
    expect(ids(a.test)).toEqual(ids(b.test));
    expect(ids(a.train)).toEqual(ids(b.train));
    expect(ids(a.test)).not.toEqual(ids(c.test));
  });

  it('keeps every class’s share within one row when stratified (digits, 80/20)', () => {
    const data = digits();
    const counts = classCounts(data);
    for (const seed of [0, 1, 2]) {
      const { train, test } = trainTestSplit(data, { testFraction: 0.2, seed, stratify: true });
      expect(test.n).toBe(Math.ceil(0.2 * 1797));
      const t = classCounts(test);
      const r = classCounts(train);
      for (let c = 0; c < 10; c++) {
        expect(Math.abs(t[c] - (test.n * counts[c]) / data.n)).toBeLessThan(1);
        expect(t[c] + r[c]).toBe(counts[c]);
      }
    }
  });

  it('shuffles classes together in a stratified part (not sorted by class)', () => {
    const { test } = trainTestSplit(iris(), { testFraction: 0.2, seed: 0, stratify: true });
    expect(Array.from(classCounts(test))).toEqual([10, 10, 10]);
    const sorted = Array.from(test.y).sort((a, b) => a - b);
    expect(Array.from(test.y)).not.toEqual(sorted);
  });

  it('does not change its input', () => {
    const data = numbered(20);
    const before = data.x.slice();
    trainTestSplit(data, { testFraction: 0.5, seed: 1 });
    expect(data.x).toEqual(before);
  });

  it.each([
    [{ testFraction: 0 }, /^Invalid testFraction: 0 \(expected a fraction in \(0, 1\)\)$/],
    [{ testFraction: 1.5 }, /^Invalid testFraction: 1.5/],
    [{ testFraction: 0.99 }, /leaves no training rows out of 20/],
    [{ testFraction: 0.2, seed: 1.5 }, /^Invalid seed: 1.5/],
  ])('rejects %j with a RangeError', (options, message) => {
    expect(() => trainTestSplit(numbered(20), options)).toThrow(RangeError);
    expect(() => trainTestSplit(numbered(20), options)).toThrow(message);
  });

  it('refuses to stratify on value targets', () => {
    const data = { x: new Float32Array(4), y: new Float32Array(4), n: 4, features: 1 };
    expect(() => trainTestSplit(data, { testFraction: 0.5, stratify: true })).toThrow(
      /stratify needs integer/,
    );
  });
});

describe('trainValTestSplit', () => {
  it('makes three disjoint parts covering the rows, stratified when asked', () => {
    const data = digits();
    const counts = classCounts(data);
    const { train, val, test } = trainValTestSplit(data, {
      valFraction: 0.1,
      testFraction: 0.2,
      seed: 4,
      stratify: true,
    });
    expect(test.n).toBe(360);
    expect(val.n).toBe(180);
    expect(train.n).toBe(1797 - 540);
    const v = classCounts(val);
    const t = classCounts(test);
    const r = classCounts(train);
    for (let c = 0; c < 10; c++) {
      expect(v[c] + t[c] + r[c]).toBe(counts[c]);
      expect(Math.abs(t[c] - (360 * counts[c]) / 1797)).toBeLessThan(1);
      expect(Math.abs(v[c] - (180 * (counts[c] - t[c])) / (1797 - 360))).toBeLessThan(1);
    }
  });

  it('is reproducible and disjoint on numbered rows', () => {
    const data = numbered(40);
    const a = trainValTestSplit(data, { valFraction: 0.25, testFraction: 0.25, seed: 9 });
    const b = trainValTestSplit(data, { valFraction: 0.25, testFraction: 0.25, seed: 9 });
    expect(ids(a.val)).toEqual(ids(b.val));
    const all = [...ids(a.train), ...ids(a.val), ...ids(a.test)].sort((p, q) => p - q);
    expect(all).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('rejects fractions that leave no training rows', () => {
    expect(() => trainValTestSplit(numbered(10), { valFraction: 0.5, testFraction: 0.5 })).toThrow(
      /^Invalid valFraction \+ testFraction: 0.5 \+ 0.5 leaves no training rows out of 10$/,
    );
    expect(() => trainValTestSplit(numbered(10), { valFraction: -1, testFraction: 0.5 })).toThrow(
      /^Invalid valFraction: -1/,
    );
  });
});

describe('splits of large data sets', () => {
  it('stratify 1,200,000 rows (400k per class, where push(...list) overflowed the stack)', () => {
    const data = numbered(1_200_000);
    const { train, test } = trainTestSplit(data, { testFraction: 0.25, seed: 1, stratify: true });
    // 300,000 test rows, a quarter of each class's 400,000
    expect(Array.from(classCounts(test))).toEqual([100000, 100000, 100000]);
    expect(train.n + test.n).toBe(1_200_000);
  });
});
