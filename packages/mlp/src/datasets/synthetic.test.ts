import { describe, expect, it } from 'vitest';
import { type ClassificationDataset, classCounts } from './dataset.js';
import { circles, gaussians, moons, spirals, xor } from './synthetic.js';

const sets: [string, (o: { n?: number; noise?: number; seed?: number }) => ClassificationDataset, number][] =
  [
    ['moons', moons, 2],
    ['circles', circles, 2],
    ['spirals', spirals, 2],
    ['xor', xor, 2],
    ['gaussians', ({ noise: _noise, ...o }) => gaussians(o), 3],
  ];

describe.each(sets)('%s', (_name, make, classes) => {
  it('has n rows of 2 features and balanced classes', () => {
    const d = make({ n: 101, noise: 0.1, seed: 1 });
    expect(d.n).toBe(101);
    expect(d.features).toBe(2);
    expect(d.x).toHaveLength(202);
    expect(d.classes).toBe(classes);
    const counts = Array.from(classCounts(d));
    if (_name === 'xor') expect(counts.reduce((a, b) => a + b)).toBe(101);
    else expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it('is reproducible from its seed and changes with it', () => {
    const a = make({ n: 50, noise: 0.2, seed: 5 });
    const b = make({ n: 50, noise: 0.2, seed: 5 });
    const c = make({ n: 50, noise: 0.2, seed: 6 });
    expect(a.x).toEqual(b.x);
    expect(a.y).toEqual(b.y);
    expect(a.x).not.toEqual(c.x);
  });

  it('shuffles its rows (not sorted by class)', () => {
    const y = Array.from(make({ n: 60, seed: 2 }).y);
    expect(y).not.toEqual([...y].sort((p, q) => p - q));
  });

  it('rejects a bad n', () => {
    expect(() => make({ n: 0 })).toThrow(/^Invalid n: 0/);
    expect(() => make({ n: 2.5 })).toThrow(RangeError);
  });
});

describe('synthetic sets without noise', () => {
  it('moons: the outer arc on the unit circle, the inner one on the circle about (1, 1/2)', () => {
    const d = moons({ n: 40, seed: 0 });
    for (let i = 0; i < d.n; i++) {
      const [a, b] = [d.x[2 * i], d.x[2 * i + 1]];
      const r = d.y[i] === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5);
      expect(r).toBeCloseTo(1, 6);
      expect(d.y[i] === 0 ? b >= -1e-7 : b <= 0.5 + 1e-7).toBe(true);
    }
  });

  it('circles: radius 1 for class 0 and factor for class 1', () => {
    const d = circles({ n: 30, factor: 0.3 });
    for (let i = 0; i < d.n; i++) {
      expect(Math.hypot(d.x[2 * i], d.x[2 * i + 1])).toBeCloseTo(d.y[i] === 0 ? 1 : 0.3, 6);
    }
  });

  it('spirals: arm k is arm 0 rotated by 2πk/K, radius growing along the arm', () => {
    const K = 3;
    const d = spirals({ n: 90, classes: K, turns: 1.5, shuffle: false });
    const arm = (k: number) =>
      Array.from({ length: 30 }, (_, i) => [d.x[2 * (30 * k + i)], d.x[2 * (30 * k + i) + 1]]);
    const a0 = arm(0);
    for (let k = 1; k < K; k++) {
      const phi = (2 * Math.PI * k) / K;
      arm(k).forEach(([u, v], i) => {
        const [p, q] = a0[i];
        expect(u).toBeCloseTo(p * Math.cos(phi) - q * Math.sin(phi), 5);
        expect(v).toBeCloseTo(p * Math.sin(phi) + q * Math.cos(phi), 5);
      });
    }
    for (let i = 1; i < 30; i++) expect(Math.hypot(...a0[i])).toBeGreaterThan(Math.hypot(...a0[i - 1]));
  });

  it('xor: class 1 exactly in the 2nd and 4th quadrants, about half the points', () => {
    const d = xor({ n: 400, seed: 3 });
    let ones = 0;
    for (let i = 0; i < d.n; i++) {
      expect(d.y[i]).toBe(d.x[2 * i] * d.x[2 * i + 1] < 0 ? 1 : 0);
      expect(Math.abs(d.x[2 * i])).toBeLessThanOrEqual(1);
      ones += d.y[i];
    }
    expect(Math.abs(ones - 200)).toBeLessThan(40);
  });
});

describe('gaussians', () => {
  it('centres each class at its centre, with the given spread, in any dimension', () => {
    const centers = [
      [0, 0, 0],
      [5, -5, 1],
    ];
    const d = gaussians({ n: 4000, centers, std: 0.5, seed: 7 });
    expect(d.features).toBe(3);
    expect(d.centers).toEqual(centers);
    for (let k = 0; k < 2; k++) {
      const rows = Array.from({ length: d.n }, (_, i) => i).filter((i) => d.y[i] === k);
      for (let j = 0; j < 3; j++) {
        const values = rows.map((i) => d.x[3 * i + j]);
        const mean = values.reduce((a, b) => a + b) / values.length;
        const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
        expect(Math.abs(mean - centers[k][j])).toBeLessThan((4 * 0.5) / Math.sqrt(2000));
        expect(sd).toBeCloseTo(0.5, 1);
      }
    }
  });

  it('draws its centres in the centre box from the seed', () => {
    const d = gaussians({ classes: 4, centerBox: [2, 3], seed: 1 });
    expect(d.centers).toHaveLength(4);
    for (const c of d.centers) for (const v of c) expect(v >= 2 && v < 3).toBe(true);
    expect(gaussians({ classes: 4, centerBox: [2, 3], seed: 1 }).centers).toEqual(d.centers);
  });
});

describe('option errors', () => {
  it.each([
    [() => moons({ noise: -1 }), /^Invalid noise: -1/],
    [() => circles({ factor: 1 }), /^Invalid factor: 1 /],
    [() => spirals({ classes: 1 }), /^Invalid classes: 1 /],
    [() => spirals({ turns: 0 }), /^Invalid turns: 0 /],
    [() => xor({ seed: 0.5 }), /^Invalid seed: 0.5/],
    [() => gaussians({ std: -2 }), /^Invalid std: -2/],
    [() => gaussians({ centerBox: [1, 1] }), /^Invalid centerBox: \[1,1\]/],
    [
      () => gaussians({ centers: [[0, 0], [1]] }),
      /^Invalid centers\[1\]: \[1\] \(expected 2 finite numbers\)/,
    ],
  ])('%# throws a RangeError naming the option', (make, message) => {
    expect(make).toThrow(RangeError);
    expect(make).toThrow(message);
  });
});
