/**
 * Coordinate descent: the lasso against scikit-learn's Lasso (fixture from lasso.py), exact
 * quadratic minimization against the closed form Aθ* = b and against gradient descent on the
 * ill-conditioned quadratic, the fixed-step version against the minimizer of a smooth convex f, the
 * three rules, and bad input.
 */
import { readFileSync } from 'node:fs';
import { memoryStats } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { illConditionedQuadratic } from '../problems/notes.js';
import { lassoCoordinateDescent } from './lasso.js';
import { coordinateDescentQuadratic } from './quadratic.js';
import { coordinateDescent } from './smooth.js';

const lasso = JSON.parse(
  readFileSync(new URL('../../test/fixtures/finite-sum/lasso.json', import.meta.url), 'utf8'),
) as {
  n: number;
  d: number;
  X: number[];
  y: number[];
  cases: { alpha: number; coef: number[]; objective: number }[];
};

const rules = ['cyclic', 'random', 'gauss-southwell'] as const;

describe('lassoCoordinateDescent', () => {
  for (const c of lasso.cases) {
    it.each(rules)(`equals scikit-learn's Lasso at alpha = ${c.alpha} (%s rule)`, (rule) => {
      const r = lassoCoordinateDescent(lasso.X, lasso.y, c.alpha, { rule, tol: 1e-13, maxSweeps: 100000 });
      expect(r.converged).toBe(true);
      r.x.forEach((v, j) => {
        expect(v).toBeCloseTo(c.coef[j], 9);
        expect(v === 0).toBe(c.coef[j] === 0); // the same support, exact zeros
      });
      expect(r.fun).toBeCloseTo(c.objective, 12);
    });
  }

  it('decreases the objective after every sweep', () => {
    const r = lassoCoordinateDescent(lasso.X, lasso.y, 0.1, { rule: 'random', seed: 4 });
    for (let k = 1; k < r.history.f.length; k++)
      expect(r.history.f[k]).toBeLessThanOrEqual(r.history.f[k - 1] + 1e-15);
  });

  it('returns zero for λ >= ‖Xᵀy‖∞ / n', () => {
    let max = 0;
    for (let j = 0; j < lasso.d; j++) {
      let s = 0;
      for (let i = 0; i < lasso.n; i++) s += lasso.X[i * lasso.d + j] * lasso.y[i];
      max = Math.max(max, Math.abs(s) / lasso.n);
    }
    expect(Array.from(lassoCoordinateDescent(lasso.X, lasso.y, max * 1.0001).x)).toEqual(
      new Array(lasso.d).fill(0),
    );
  });

  it('returns its kernel memory and refuses bad input by name', () => {
    const before = memoryStats().bytesInUse;
    lassoCoordinateDescent(lasso.X, lasso.y, 0.1, { maxSweeps: 3 });
    expect(memoryStats().bytesInUse).toBe(before);
    expect(() => lassoCoordinateDescent(lasso.X, lasso.y, -1)).toThrow(/lambda: -1/);
    expect(() => lassoCoordinateDescent([1, 2, 3], [1, 2], 0.1)).toThrow(/X has length 3/);
    expect(() => lassoCoordinateDescent(lasso.X, lasso.y, 0.1, { rule: 'greedy' as never })).toThrow(
      /rule: greedy/,
    );
    expect(() => lassoCoordinateDescent(lasso.X, lasso.y, 0.1, { tol: -1 })).toThrow(/tol: -1/);
  });
});

describe('coordinateDescentQuadratic', () => {
  // a rotated ill-conditioned quadratic: eigenvalues 0.1 and 2 (the notes' 0.1x² + 2y² turned by 30°)
  const c = Math.cos(Math.PI / 6);
  const s = Math.sin(Math.PI / 6);
  const A = [0.1 * c * c + 2 * s * s, (0.1 - 2) * c * s, (0.1 - 2) * c * s, 0.1 * s * s + 2 * c * c];
  const b = [1, -2];
  const det = A[0] * A[3] - A[1] * A[2];
  const xStar = [(A[3] * b[0] - A[1] * b[1]) / det, (A[0] * b[1] - A[2] * b[0]) / det];

  it.each(rules)('reaches the closed-form minimizer A⁻¹b (%s rule)', (rule) => {
    const r = coordinateDescentQuadratic(A, b, [0, 0], { rule, tol: 1e-14 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(xStar[0], 10);
    expect(r.x[1]).toBeCloseTo(xStar[1], 10);
    expect(r.fun).toBeCloseTo(-0.5 * (b[0] * xStar[0] + b[1] * xStar[1]), 12);
  });

  it('finishes the axis-aligned ill-conditioned quadratic 0.1x² + 2y² in one sweep; GD needs hundreds of steps', () => {
    const p = illConditionedQuadratic();
    const H = p.hessian!(p.x0, new Float64Array(4)); // f = ½ θᵀHθ
    const r = coordinateDescentQuadratic(H, [0, 0], p.x0, { tol: 1e-14 });
    expect(Array.from(r.path ?? [r.x]).length).toBe(1);
    expect(r.history.f[1]).toBe(0);
    const theta = p.x0.slice();
    const g = new Float64Array(2);
    let steps = 0;
    while (p.f(theta) > 1e-12 && steps < 10000) {
      p.grad(theta, g);
      for (let j = 0; j < 2; j++) theta[j] -= (1 / 4) * g[j]; // η = 1/L, L = 4
      steps++;
    }
    expect(steps).toBeGreaterThan(200);
  });

  it('moves along one axis at a time (the staircase path) and beats GD at 1/L on the rotated quadratic', () => {
    const r = coordinateDescentQuadratic(A, b, [0, 0], { tol: 1e-12, recordPath: true });
    const path = r.path!;
    for (let k = 1; k < path.length; k++) {
      const moved = [0, 1].filter((j) => path[k][j] !== path[k - 1][j]);
      expect(moved.length).toBeLessThanOrEqual(1);
    }
    // GD with η = 1/λ_max on the same problem, counted in the same units (one sweep ≈ one gradient)
    const theta = [0, 0];
    let gdSteps = 0;
    const gap = (x: number[]) => Math.hypot(x[0] - xStar[0], x[1] - xStar[1]);
    while (gap(theta) > 1e-8 && gdSteps < 100000) {
      const g0 = A[0] * theta[0] + A[1] * theta[1] - b[0];
      const g1 = A[2] * theta[0] + A[3] * theta[1] - b[1];
      theta[0] -= g0 / 2;
      theta[1] -= g1 / 2;
      gdSteps++;
    }
    const sweeps = path.findIndex((x, k) => k % 2 === 0 && gap(Array.from(x)) <= 1e-8) / 2;
    expect(sweeps).toBeGreaterThan(0);
    expect(sweeps).toBeLessThan(gdSteps / 2);
  });

  it('refuses a non-symmetric A, a non-positive diagonal and a bad start', () => {
    expect(() => coordinateDescentQuadratic([1, 2, 0, 1], [0, 0], [0, 0])).toThrow(/not symmetric/);
    expect(() => coordinateDescentQuadratic([1, 0, 0, 0], [0, 0], [0, 0])).toThrow(/A\[1\]\[1\]: 0/);
    expect(() => coordinateDescentQuadratic([1, 0, 0, 1], [0, 0], [0, Number.NaN])).toThrow(/x0\[1\]: NaN/);
    expect(() => coordinateDescentQuadratic([1, 0, 0], [0, 0], [0, 0])).toThrow(/A has length 3/);
  });
});

describe('coordinateDescent (fixed step)', () => {
  // f(x) = Σ log(cosh(x_j − j)) + ½ (x₀ − x₁)²: smooth, convex, minimum 0 only at... the coupled term
  // moves it; L_j <= 1 + 1 = 2 (∂²_jj log cosh <= 1). Checked against the zero-gradient condition.
  const objective = {
    f: (x: Float64Array) =>
      x.reduce((s, v, j) => s + Math.log(Math.cosh(v - j)), 0) + 0.5 * (x[0] - x[1]) ** 2,
    grad: (x: Float64Array, out: Float64Array) => {
      x.forEach((v, j) => {
        out[j] = Math.tanh(v - j);
      });
      out[0] += x[0] - x[1];
      out[1] -= x[0] - x[1];
      return out;
    },
  };

  it.each(rules)('drives the gradient to zero with η = 1/L_j (%s rule)', (rule) => {
    const r = coordinateDescent(objective, [3, -2, 0.5], {
      lipschitz: [2, 2, 1],
      rule,
      tol: 1e-12,
      maxSweeps: 20000,
    });
    expect(r.converged).toBe(true);
    const g = objective.grad(r.x, new Float64Array(3));
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-9);
    for (let k = 1; k < r.history.f.length; k++)
      expect(r.history.f[k]).toBeLessThanOrEqual(r.history.f[k - 1] + 1e-15);
  });

  it('uses partial(θ, j) when given, with the same iterates', () => {
    const withPartial = {
      ...objective,
      partial: (x: Float64Array, j: number) => objective.grad(x, new Float64Array(3))[j],
    };
    const a = coordinateDescent(objective, [1, 1, 1], { lipschitz: 2, maxSweeps: 5 });
    const b = coordinateDescent(withPartial, [1, 1, 1], { lipschitz: 2, maxSweeps: 5 });
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
  });

  it('refuses a bad Lipschitz constant by name', () => {
    expect(() => coordinateDescent(objective, [1, 1, 1], { lipschitz: 0 })).toThrow(/lipschitz\[0\]: 0/);
    expect(() => coordinateDescent(objective, [1, 1, 1], { lipschitz: [1, 1] })).toThrow(
      /lipschitz has length 2/,
    );
  });
});
