import { describe, expect, it } from 'vitest';
import { quadratic } from '../problems/quadratic.js';
import { minimizeBfgs } from './bfgs.js';
import { minimize } from './minimize.js';
import { CountedObjective } from './objective.js';
import type { Stopping } from './stopping.js';

/** A symmetric positive-definite n×n matrix M Mᵀ + n I from a fixed pseudo-random M. */
function spd(n: number, seed: number): number[][] {
  let s = seed;
  const rand = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
  const M = Array.from({ length: n }, () => Array.from({ length: n }, rand));
  return M.map((row, i) =>
    row.map((_, j) => M[i].reduce((acc, m, k) => acc + m * M[j][k], 0) + (i === j ? n : 0)),
  );
}

const stop = (over: Partial<Stopping> = {}): Stopping => ({
  gtol: 0,
  ftol: 0,
  maxIter: 50,
  maxFev: Number.POSITIVE_INFINITY,
  recordPath: false,
  ...over,
});

describe('bfgs', () => {
  for (const n of [2, 5, 8]) {
    it(`has H_n = A⁻¹ after n exact-line-search steps on an n = ${n} quadratic`, () => {
      const A = spd(n, 7 + n);
      const b = Array.from({ length: n }, (_, i) => Math.sin(i + 1));
      const x0 = Float64Array.from({ length: n }, (_, i) => Math.cos(2 * i));
      let Hn: Float64Array | undefined;
      minimizeBfgs(new CountedObjective(quadratic(A, b)), x0, stop({ maxIter: n }), {
        lineSearch: 'exact',
        onInverseHessian: (H, nit) => {
          if (nit === n) Hn = H.slice();
        },
      });
      expect(Hn).toBeDefined();
      // H_n A = I, entry by entry (to rounding: the last steps difference small gradients)
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let k = 0; k < n; k++) acc += (Hn as Float64Array)[i * n + k] * A[k][j];
          expect(Math.abs(acc - (i === j ? 1 : 0))).toBeLessThan(1e-6);
        }
      }
    });
  }

  it('reaches the minimizer of a quadratic in n exact-line-search steps (conjugate directions)', () => {
    const n = 6;
    const A = spd(n, 3);
    const xStar = Float64Array.from({ length: n }, (_, i) => i - 2.5);
    const b = A.map((row) => row.reduce((acc, a, j) => acc + a * xStar[j], 0));
    const r = minimize(quadratic(A, b), new Float64Array(n), {
      method: 'bfgs',
      lineSearch: 'exact',
      gtol: 1e-9,
    });
    expect(r.converged).toBe(true);
    expect(r.nit).toBeLessThanOrEqual(n);
    for (let i = 0; i < n; i++) expect(r.x[i]).toBeCloseTo(xStar[i], 8);
  });

  it("takes SciPy's first step: about ‖∇f(x0)‖ long", () => {
    // f = ½‖x‖²: α⁰ = min(1, 2.02 (f0 - (f0 + ‖g‖/2)) / (-‖g‖²)) = 1.01 / ‖g‖
    const calls: number[][] = [];
    const f = (x: Float64Array, g?: Float64Array) => {
      calls.push(Array.from(x));
      if (g) g.set(x);
      return 0.5 * (x[0] * x[0] + x[1] * x[1]);
    };
    minimize(f, [3, 4], { method: 'bfgs', maxIter: 1 });
    const step = 1.01 / 5;
    expect(calls[1][0]).toBeCloseTo(3 - step * 3, 14);
    expect(calls[1][1]).toBeCloseTo(4 - step * 4, 14);
  });
});
