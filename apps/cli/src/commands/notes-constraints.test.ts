import { describe, expect, it } from 'vitest';
import { constraintSets } from './notes-constraints.js';

describe('notes: constraint sets', () => {
  const s = constraintSets();
  const reached = (name: string) =>
    String(s.rows.find((r) => String(r[0]).startsWith(name))?.[2])
      .slice(1, -1)
      .split(', ')
      .map(Number);

  it.each([
    // P_C(a) for a = (1.6, -0.4), by hand
    ['unit ball', [1.6 / Math.hypot(1.6, 0.4), -0.4 / Math.hypot(1.6, 0.4)]],
    ['box', [1, 0]],
    ['non-negative', [1.6, 0]],
    ['simplex', [1, 0]], // τ = 0.6: (1.6 − 0.6, max(−0.4 − 0.6, 0))
  ])('projected gradient descent onto the %s reaches the projection of a', (name, expected) => {
    for (const [i, v] of reached(name as string).entries())
      expect(v).toBeCloseTo((expected as number[])[i], 3);
  });

  it('finds no counterexample for the disk and the square, and one for the annulus and two disks', () => {
    const verdict = (name: string) => s.rows.find((r) => String(r[0]).startsWith(name))?.[1];
    expect(verdict('disk')).toBe('no counterexample');
    expect(verdict('square')).toBe('no counterexample');
    expect(verdict('annulus')).toBe('not convex');
    expect(verdict('two disks')).toBe('not convex');
  });

  it('names a counterexample whose point z lies outside the annulus', () => {
    const text = String(s.rows.find((r) => String(r[0]).startsWith('annulus'))?.[2]);
    const z =
      text
        .match(/z = \(([^,]+), ([^)]+)\)/)
        ?.slice(1)
        .map(Number) ?? [];
    const r = Math.hypot(z[0], z[1]);
    expect(r < 0.5 || r > 1).toBe(true);
  });
});
