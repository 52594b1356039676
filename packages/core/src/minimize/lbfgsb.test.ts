/**
 * L-BFGS-B with bounds against SciPy's minimize(method='L-BFGS-B', bounds=...) on eight bounded
 * problems with active bounds (test/fixtures/scipy-lbfgsb-bounds/make.py, Debian's SciPy): the
 * same f*, x*, active set and message, at most 1.2x SciPy's evaluations (in fact the same nit and
 * nfev, and the same iterates).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rosenbrock } from '../problems/classic-nd.js';
import { projectedGradientNorm } from './lbfgsb.js';
import { minimize } from './minimize.js';

interface Run {
  problem: 'rosenbrock' | 'himmelblau' | 'beale' | 'tridiagonal' | 'nnls';
  n: number;
  x0: number[];
  bounds: [number | null, number | null][];
  x: number[];
  fun: number;
  nit: number;
  nfev: number;
  message: string;
  active: number[];
  path: number[][];
}
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/scipy-lbfgsb-bounds/bounds.json', import.meta.url), 'utf8'),
) as { runs: Run[] };

type Fn = (x: Float64Array, g?: Float64Array) => number;

function himmelblau(x: Float64Array, g?: Float64Array): number {
  const a = x[0] * x[0] + x[1] - 11;
  const b = x[0] + x[1] * x[1] - 7;
  if (g) g.set([4 * a * x[0] + 2 * b, 2 * a + 4 * b * x[1]]);
  return a * a + b * b;
}

function beale(x: Float64Array, g?: Float64Array): number {
  const y = x[1];
  const r = [1.5 - x[0] * (1 - y), 2.25 - x[0] * (1 - y * y), 2.625 - x[0] * (1 - y ** 3)];
  const J = [
    [-(1 - y), x[0]],
    [-(1 - y * y), 2 * x[0] * y],
    [-(1 - y ** 3), 3 * x[0] * y * y],
  ];
  if (g) g.set([0, 1].map((j) => 2 * (J[0][j] * r[0] + J[1][j] * r[1] + J[2][j] * r[2])));
  return r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
}

/** ½ xᵀAx - bᵀx, A = tridiag(-1, 4, -1), b_i = (-1)^i (i + 1). */
function tridiagonal(n: number): Fn {
  return (x, g) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const ax = 4 * x[i] - (i > 0 ? x[i - 1] : 0) - (i < n - 1 ? x[i + 1] : 0);
      const bi = (i % 2 === 0 ? 1 : -1) * (i + 1);
      f += 0.5 * x[i] * ax - bi * x[i];
      if (g) g[i] = ax - bi;
    }
    return f;
  };
}

/** ½ ‖Ax - c‖², A_ij = cos((i + 1)(j + 1)), c_i = 3 sin(i), 12 × 6. */
function nnls(x: Float64Array, g?: Float64Array): number {
  g?.fill(0);
  let f = 0;
  for (let i = 0; i < 12; i++) {
    let r = -3 * Math.sin(i);
    for (let j = 0; j < 6; j++) r += Math.cos((i + 1) * (j + 1)) * x[j];
    f += 0.5 * r * r;
    if (g) for (let j = 0; j < 6; j++) g[j] += Math.cos((i + 1) * (j + 1)) * r;
  }
  return f;
}

function objective(c: Run): Fn {
  if (c.problem === 'rosenbrock') {
    const p = rosenbrock(c.n);
    return (x, g) => {
      if (g) p.grad(x, g);
      return p.f(x);
    };
  }
  if (c.problem === 'tridiagonal') return tridiagonal(c.n);
  return { himmelblau, beale, nnls }[c.problem];
}

const bounds = (c: Run) => c.bounds.map(([lo, hi]) => [lo, hi] as [number | null, number | null]);

describe('L-BFGS-B with bounds reaches SciPy’s solutions with at most 1.2x its evaluations', () => {
  for (const c of fixture.runs) {
    it(`${c.problem} n = ${c.n} (${c.active.length} active bounds)`, () => {
      const r = minimize(objective(c), c.x0, { method: 'L-BFGS-B', bounds: bounds(c) });
      expect(r.converged, r.message).toBe(true);
      expect(r.message).toBe(c.message);
      expect(Math.abs(r.fun - c.fun)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(c.fun)));
      for (let i = 0; i < c.n; i++) expect(Math.abs(r.x[i] - c.x[i]), `x[${i}]`).toBeLessThan(1e-4);
      const active = c.bounds
        .map(([lo, hi], i) =>
          (lo !== null && Math.abs(r.x[i] - lo) <= 1e-7) || (hi !== null && Math.abs(r.x[i] - hi) <= 1e-7)
            ? i
            : -1,
        )
        .filter((i) => i >= 0);
      expect(active).toEqual(c.active);
      expect(r.nfev).toBeLessThanOrEqual(1.2 * c.nfev);
      expect([r.nit, r.nfev]).toEqual([c.nit, c.nfev]); // in fact the same iterations
      for (let i = 0; i < c.n; i++) {
        const [lo, hi] = c.bounds[i];
        expect(r.x[i]).toBeGreaterThanOrEqual(lo ?? Number.NEGATIVE_INFINITY);
        expect(r.x[i]).toBeLessThanOrEqual(hi ?? Number.POSITIVE_INFINITY);
      }
    });
  }

  it('follows SciPy’s first iterates on the bounded Rosenbrock n = 10', () => {
    const c = fixture.runs[1];
    const path: Float64Array[] = [];
    minimize(objective(c), c.x0, {
      method: 'L-BFGS-B',
      bounds: bounds(c),
      callback: (x) => void path.push(x),
    });
    c.path.forEach((xs, k) => {
      for (let i = 0; i < c.n; i++) expect(path[k][i]).toBeCloseTo(xs[i], 8);
    });
  });
});

describe('L-BFGS-B bounds', () => {
  it('project x0 into the box and keep every evaluation inside it', () => {
    const lo = [0.5, -1];
    const hi = [2, 0.2];
    const r = minimize(
      (x, g) => {
        expect(x[0]).toBeGreaterThanOrEqual(0.5);
        expect(x[1]).toBeLessThanOrEqual(0.2);
        return himmelblau(x, g);
      },
      [-3, 3],
      { method: 'l-bfgs-b', bounds: { lb: lo, ub: hi } },
    );
    expect(r.converged).toBe(true);
    // at the solution the projected gradient vanishes (the KKT conditions of the box)
    expect(
      projectedGradientNorm(r.x, r.grad, Float64Array.from(lo), Float64Array.from(hi)),
    ).toBeLessThanOrEqual(1e-5);
  });

  it('give the unconstrained run when every bound is infinite', () => {
    const p = rosenbrock(4);
    const free = minimize(p, p.x0, { method: 'L-BFGS-B' });
    const open = minimize(p, p.x0, {
      method: 'L-BFGS-B',
      bounds: [null, [null, null], [-Infinity, Infinity], null],
    });
    expect(Array.from(open.x)).toEqual(Array.from(free.x));
  });

  it('refuse malformed bounds by name', () => {
    const p = rosenbrock(2);
    expect(() => minimize(p, p.x0, { bounds: [[0, 1]] })).toThrow(/Invalid bounds value: 1 pairs for 2/);
    expect(() => minimize(p, p.x0, { bounds: [[2, 1], null] })).toThrow(/lower bound 2 > upper bound 1/);
    expect(() => minimize(p, p.x0, { bounds: [[Number.NaN, 1], null] })).toThrow(/lower bound 0 is NaN/);
  });
});
