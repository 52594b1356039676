import { describe, expect, it } from 'vitest';
import { checkConvexSet } from './convex-set.js';
import { seededRandom } from './seeded-random.js';

const rng = seededRandom(7);
/** 400 uniform points of the square [-3, 3]². */
const square = Array.from({ length: 400 }, () => [6 * rng.uniform() - 3, 6 * rng.uniform() - 3]);
const norm = (x: Float64Array) => Math.hypot(...x);

describe('checkConvexSet', () => {
  it('finds no counterexample for a disk, a box, a half-plane and a simplex-like triangle', () => {
    const sets: Array<(x: Float64Array) => boolean> = [
      (x) => norm(x) <= 2,
      (x) => Math.abs(x[0]) <= 1 && Math.abs(x[1]) <= 2.5,
      (x) => 2 * x[0] - x[1] <= 1,
      (x) => x[0] >= 0 && x[1] >= 0 && x[0] + x[1] <= 2,
    ];
    for (const member of sets) {
      const report = checkConvexSet(member, square.slice(0, 120));
      expect(report.convex).toBe(true);
      expect(report.members).toBeGreaterThan(5);
      expect(report.pairs).toBe((report.members * (report.members - 1)) / 2);
    }
  });

  it('returns a verified counterexample for the annulus 1 ≤ |x| ≤ 2: both ends inside, z outside', () => {
    const member = (x: Float64Array) => norm(x) >= 1 && norm(x) <= 2;
    const report = checkConvexSet(member, square);
    expect(report.convex).toBe(false);
    const { x, y, alpha, z } = report.counterexample ?? ({} as never);
    expect(member(x) && member(y)).toBe(true);
    expect(member(z)).toBe(false);
    z.forEach((zi, i) => {
      expect(zi).toBeCloseTo(alpha * x[i] + (1 - alpha) * y[i], 15);
    });
  });

  it('finds the closed-form counterexample of two disjoint disks: the midpoint of their centers', () => {
    const member = (x: Float64Array) => Math.hypot(x[0] - 2, x[1]) <= 1 || Math.hypot(x[0] + 2, x[1]) <= 1;
    const report = checkConvexSet(
      member,
      [
        [2, 0],
        [-2, 0],
      ],
      { alphas: [0.5] },
    );
    expect(report.convex).toBe(false);
    expect(Array.from(report.counterexample?.z ?? [])).toEqual([0, 0]);
  });

  it('skips samples outside the set', () => {
    const report = checkConvexSet((x) => x[0] > 0, [[1], [-1], [2], [-5]]);
    expect(report.members).toBe(2);
    expect(report.pairs).toBe(1);
  });

  it('names bad input: ragged samples, non-finite entries, alphas outside [0, 1], no function', () => {
    const inside = () => true;
    expect(() => checkConvexSet(inside, [[0, 0], [1]])).toThrow(/samples\[1\] has length 1, expected 2/);
    expect(() => checkConvexSet(inside, [[0, Number.NaN]])).toThrow(/non-finite entry NaN at index 1/);
    expect(() => checkConvexSet(inside, [[0]], { alphas: [1.5] })).toThrow(/Invalid alphas value: 1.5/);
    expect(() => checkConvexSet('no' as never, [[0]])).toThrow(TypeError);
  });
});
