import { describe, expect, it } from 'vitest';
import { type Domain, marchingSquares, quantileLevels, rankOf, sampleSurface } from './surface.js';

const square: Domain = [
  [-2, 2],
  [-2, 2],
];

/** Closed forms: each level set is known exactly, so every segment end must lie on it. */
const levelSets = [
  { name: 'circle x^2 + y^2 = 1', f: (x: number, y: number) => x * x + y * y, level: 1, length: 2 * Math.PI },
  { name: 'ellipse 0.1 x^2 + 2 y^2 = 0.2', f: (x: number, y: number) => 0.1 * x * x + 2 * y * y, level: 0.2 },
  { name: 'hyperbola x^2 - y^2 = 0.5', f: (x: number, y: number) => x * x - y * y, level: 0.5 },
  {
    name: 'saddle lines x^2 - y^2 = 0 (ambiguous cells)',
    f: (x: number, y: number) => x * x - y * y,
    level: 0,
  },
];

describe('marching squares', () => {
  it.each(levelSets)('puts every segment end of $name on the level set', ({ f, level, length }) => {
    const grid = sampleSurface((p) => f(p[0], p[1]), square, 101, 101);
    const segments = marchingSquares(grid, level);
    expect(segments.length).toBeGreaterThan(50);
    let total = 0;
    for (const [x0, y0, x1, y1] of segments) {
      // linear interpolation along a cell edge of width h = 0.04 errs by O(h^2) in f
      expect(Math.abs(f(x0, y0) - level)).toBeLessThan(2e-3);
      expect(Math.abs(f(x1, y1) - level)).toBeLessThan(2e-3);
      total += Math.hypot(x1 - x0, y1 - y0);
    }
    if (length !== undefined) expect(total).toBeCloseTo(length, 2);
  });

  it('skips cells with a non-finite corner', () => {
    const grid = sampleSurface((p) => (p[0] > 0 ? Number.NaN : p[0] * p[0] + p[1] * p[1]), square, 41, 41);
    const segments = marchingSquares(grid, 1);
    expect(segments.length).toBeGreaterThan(0);
    for (const s of segments) expect(Math.max(s[0], s[2])).toBeLessThanOrEqual(0);
  });

  it('refuses a grid with fewer than two points a side, naming the size', () => {
    expect(() => sampleSurface(() => 0, square, 1, 10)).toThrow('Invalid nx: 1');
  });
});

describe('levels and colour ranks', () => {
  it('places strictly increasing levels at the quantiles of the values', () => {
    const values = Float64Array.from({ length: 1000 }, (_, k) => k);
    expect(quantileLevels(values, 4)).toEqual([125, 375, 625, 875]);
    expect(quantileLevels(new Float64Array(100).fill(3), 5)).toEqual([3]);
  });

  it('ranks a value by the fraction of sorted values below it', () => {
    const sorted = Float64Array.from([1, 2, 3, 4]);
    expect([0, 1, 2.5, 5].map((v) => rankOf(sorted, v))).toEqual([0, 0, 0.5, 1]);
  });
});
