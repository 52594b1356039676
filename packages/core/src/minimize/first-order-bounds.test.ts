/**
 * Projected gradient: the first-order methods with `bounds`, against closed-form constrained
 * minima of f(x) = ½ xᵀAx - bᵀx, A = [[2, 1], [1, 2]], b = (5, 5) (unconstrained x* = (5/3, 5/3)),
 * and against L-BFGS-B on the same problem.
 */
import { describe, expect, it } from 'vitest';
import { minimize } from './minimize.js';

const quadratic = {
  f: (x: Float64Array) => x[0] * x[0] + x[0] * x[1] + x[1] * x[1] - 5 * x[0] - 5 * x[1],
  grad(x: Float64Array, g: Float64Array) {
    g[0] = 2 * x[0] + x[1] - 5;
    g[1] = x[0] + 2 * x[1] - 5;
  },
};

describe('first-order methods with bounds: projected gradient', () => {
  it('gd reaches the corner (1, 1) when both upper bounds are active (∇f = (-2, -2) there)', () => {
    const r = minimize(quadratic, [0, 0], {
      method: 'gd',
      lr: 0.1,
      bounds: [
        [null, 1],
        [null, 1],
      ],
    });
    expect(r.converged).toBe(true);
    expect(r.message).toMatch(/projected gradient norm <= gtol/);
    expect(Array.from(r.x)).toEqual([1, 1]);
  });

  it.each(['gd', 'momentum', 'adam'])(
    '%s reaches (1, 2) with only x_0 <= 1 active (KKT: x_1 = (5 - 1) / 2, ∂f/∂x_0 = -1 < 0), as L-BFGS-B',
    (method) => {
      const bounds: [number | null, number | null][] = [
        [null, 1],
        [-10, 10],
      ];
      const r = minimize(quadratic, [-3, 0], {
        method,
        lr: method === 'adam' ? 0.05 : 0.1,
        bounds,
        maxIter: 20000,
        gtol: 1e-8,
      });
      const ref = minimize(quadratic, [-3, 0], { method: 'L-BFGS-B', bounds, gtol: 1e-10 });
      expect(r.converged).toBe(true);
      expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-7);
      expect(Math.abs(r.x[1] - 2)).toBeLessThan(1e-7);
      expect(Math.abs(r.x[1] - ref.x[1])).toBeLessThan(1e-7);
      expect(r.x[0]).toBe(ref.x[0]);
    },
  );

  it('starts from x0 projected into the box and never leaves it', () => {
    const seen: number[][] = [];
    const r = minimize(quadratic, [5, -5], {
      method: 'momentum',
      lr: 0.2,
      bounds: { lb: [0, 0], ub: [1, 1.5] },
      recordPath: true,
      callback: (x) => {
        seen.push(Array.from(x));
      },
    });
    expect(Array.from(r.history.x![0])).toEqual([1, 0]);
    for (const x of seen) {
      expect(x[0]).toBeGreaterThanOrEqual(0);
      expect(x[0]).toBeLessThanOrEqual(1);
      expect(x[1]).toBeGreaterThanOrEqual(0);
      expect(x[1]).toBeLessThanOrEqual(1.5);
    }
    expect(Array.from(r.x)).toEqual([1, 1.5]);
  });

  it('is the unconstrained run when the bounds are all infinite', () => {
    const a = minimize(quadratic, [0, 0], { method: 'gd', lr: 0.1, bounds: [null, [-Infinity, Infinity]] });
    const b = minimize(quadratic, [0, 0], { method: 'gd', lr: 0.1 });
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(a.nit).toBe(b.nit);
  });

  it('still refuses bad bounds by name before evaluating anything', () => {
    let calls = 0;
    const f = (x: Float64Array) => {
      calls++;
      return x[0] * x[0];
    };
    expect(() => minimize(f, [0], { method: 'adam', bounds: [[2, 1]] })).toThrow(
      /Invalid bounds value: lower bound 2 > upper bound 1 at coordinate 0/,
    );
    expect(calls).toBe(0);
  });
});
