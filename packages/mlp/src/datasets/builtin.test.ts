import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classCounts } from './dataset.js';
import { digits } from './digits.js';
import { DIGITS_CSV } from './generated/digits-csv.js';
import { IRIS_CSV } from './generated/iris-csv.js';
import { iris } from './iris.js';

interface Described {
  n: number;
  features: number;
  classes: number;
  classCounts: number[];
  columnSums: number[];
  firstRow: number[];
  lastRow: number[];
  firstLabel: number;
  lastLabel: number;
  targetNames: string[];
  mean: number[];
  scale: number[];
}
const fixture: Record<'digits' | 'iris', Described> = JSON.parse(
  readFileSync(new URL('../../test/fixtures/datasets.json', import.meta.url), 'utf8'),
);

// fixture: test/fixtures/datasets.py (scikit-learn's load_digits / load_iris)
const cases = [
  { name: 'digits', load: digits, expected: fixture.digits, csv: DIGITS_CSV },
  { name: 'iris', load: iris, expected: fixture.iris, csv: IRIS_CSV },
];

describe.each(cases)('$name()', ({ name, load, expected, csv }) => {
  it('has the shape and the class counts of scikit-learn’s copy', () => {
    const d = load();
    expect(d.n).toBe(expected.n);
    expect(d.features).toBe(expected.features);
    expect(d.classes).toBe(expected.classes);
    expect(d.x).toBeInstanceOf(Float32Array);
    expect(d.y).toBeInstanceOf(Int32Array);
    expect(d.x.length).toBe(d.n * d.features);
    expect(Array.from(classCounts(d))).toEqual(expected.classCounts);
    expect(d.classNames).toEqual(expected.targetNames);
    expect(d.featureNames).toHaveLength(d.features);
  });

  it('holds the same values as scikit-learn, row by row at the ends and column sums throughout', () => {
    const d = load();
    const f = d.features;
    expect(Array.from(d.x.subarray(0, f))).toEqual(expected.firstRow.map(Math.fround));
    expect(Array.from(d.x.subarray((d.n - 1) * f))).toEqual(expected.lastRow.map(Math.fround));
    expect(d.y[0]).toBe(expected.firstLabel);
    expect(d.y[d.n - 1]).toBe(expected.lastLabel);
    for (let j = 0; j < f; j++) {
      let s = 0;
      for (let i = 0; i < d.n; i++) s += d.x[i * f + j];
      expect(s).toBeCloseTo(expected.columnSums[j], 3);
    }
  });

  it('returns a fresh copy on every call', () => {
    const a = load();
    a.x[0] = -99;
    a.y[0] = 7;
    const b = load();
    expect(b.x[0]).toBe(Math.fround(expected.firstRow[0]));
    expect(b.y[0]).toBe(expected.firstLabel);
  });

  it('embeds exactly the CSV committed under data/ (rerun scripts/embed-data.mjs after changing it)', () => {
    const file = readFileSync(new URL(`../../data/${name}.csv`, import.meta.url), 'utf8');
    expect(csv).toBe(file);
  });
});

describe('digits()', () => {
  it('names its features by pixel and reads the label column by name', () => {
    const d = digits();
    expect(d.featureNames?.[0]).toBe('pixel_0_0');
    expect(d.featureNames?.[63]).toBe('pixel_7_7');
    let max = 0;
    for (const v of d.x) max = Math.max(max, v);
    expect(max).toBe(16);
  });
});
