import { describe, expect, it } from 'vitest';
import { quadraticValue, staircaseTol, turnedQuadratic } from './notes-quadratic.js';
import { staircase } from './notes-staircase.js';

describe("coordinate descent's staircase", () => {
  it('turns diag(0.2, 4) without changing its eigenvalues (trace 4.2, determinant 0.8)', () => {
    for (const angle of [0, 15, 30, 45]) {
      const A = turnedQuadratic(angle);
      expect(A[1]).toBe(A[2]);
      expect(A[0] + A[3]).toBeCloseTo(4.2, 12);
      expect(A[0] * A[3] - A[1] * A[2]).toBeCloseTo(0.8, 12);
    }
    expect(turnedQuadratic(0)).toEqual([0.2, -0, -0, 4]);
  });

  it('moves along one axis per step, every rule', () => {
    const { paths } = staircase(30);
    for (const p of paths.filter((q) => q.name.startsWith('coordinate'))) {
      for (let k = 1; k < p.points.length; k++) {
        const moved = [0, 1].filter((j) => p.points[k][j] !== p.points[k - 1][j]);
        expect(moved.length, `${p.name}, step ${k}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('minimizes exactly along the axis it moves: ∂f/∂θ_j = (Aθ)_j = 0 after a step along j', () => {
    const { A, paths } = staircase(30);
    const cyclic = paths[0].points;
    for (let k = 1; k < 12; k++) {
      const j = cyclic[k][0] !== cyclic[k - 1][0] ? 0 : 1;
      const [x, y] = cyclic[k];
      const g = j === 0 ? A[0] * x + A[1] * y : A[2] * x + A[3] * y;
      expect(Math.abs(g)).toBeLessThan(1e-12 * (1 + Math.hypot(x, y)));
    }
  });

  it('finishes in one sweep when the valley lies along the axes (φ = 0)', () => {
    const { paths } = staircase(0);
    expect(paths[0].steps).toBe(2);
    expect(paths[0].points[2]).toEqual([0, 0]);
  });

  it('gradient descent at φ = 0 needs ⌈ln 1e-9 / (2 ln 0.95)⌉ steps: x shrinks by 1 − 0.2/4 a step, y is gone after one', () => {
    const gd = staircase(0).paths[3];
    // f = 0.1 (10 · 0.95ᵏ)² <= 1e-8
    expect(gd.steps).toBe(Math.ceil(Math.log(1e-9) / (2 * Math.log(0.95))));
  });

  it('takes more steps the more the valley is turned, and fewer than gradient descent', () => {
    const cyclic = [15, 30, 45].map((a) => staircase(a).paths[0].steps!);
    expect(cyclic[0]).toBeLessThan(cyclic[1]);
    expect(cyclic[1]).toBeLessThan(cyclic[2]);
    for (const angle of [15, 30, 45]) {
      const { A, paths } = staircase(angle);
      for (const p of paths) {
        const end = p.points[p.steps!];
        expect(quadraticValue(A, end[0], end[1])).toBeLessThanOrEqual(staircaseTol);
      }
      expect(paths[0].steps!).toBeLessThan(paths[3].steps!);
    }
  });

  it('refuses an angle outside [-90, 90]', () => {
    expect(() => staircase(120)).toThrow(/Invalid angle: 120/);
  });
});
