import { getProblem } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { firstPoint, inspectPoint, searchCriticalPoints } from './critical-compute.js';
import type { Domain } from './surface.js';

describe("the critical-point explorer's worker side", () => {
  it('classifies (0, 0) of x² − y² as a saddle with eigenvalues −2, 2 and eigenvectors e₁, e₂', () => {
    const r = inspectPoint(getProblem('saddle'), [0, 0]);
    expect(r.critical).toBe(true);
    expect(r.kind).toBe('saddle');
    // H = diag(2, −2) in closed form
    expect(r.H).toEqual([2, 0, 0, -2]);
    expect(r.eigenvalues).toEqual([-2, 2]);
    expect(r.eigenvectors.map((v) => v.map(Math.abs))).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it('says a point with ∇f ≠ 0 is not critical and gives ∇f = (2x, −2y) there', () => {
    const r = inspectPoint(getProblem('saddle'), [1, 1]);
    expect(r.critical).toBe(false);
    expect(r.g[0]).toBeCloseTo(2, 8);
    expect(r.g[1]).toBeCloseTo(-2, 8);
  });

  it("finds Himmelblau's 4 minima, 4 saddles and 1 maximum and starts at a saddle", () => {
    const himmelblau = getProblem('himmelblau');
    const found = searchCriticalPoints(himmelblau, himmelblau.domain as Domain);
    expect(found.map((c) => c.kind).sort()).toEqual([
      'maximum',
      ...Array(4).fill('minimum'),
      ...Array(4).fill('saddle'),
    ]);
    // each one a zero of the gradient
    for (const c of found) {
      const g = himmelblau.grad(Float64Array.from(c.x), new Float64Array(2));
      expect(Math.hypot(g[0], g[1])).toBeLessThan(1e-6);
    }
    const start = firstPoint(himmelblau, found);
    expect(found.find((c) => c.x === start)?.kind).toBe('saddle');
    // and the reports are plain data, as a worker message needs
    expect(JSON.parse(JSON.stringify(found))).toEqual(found);
  });
});
