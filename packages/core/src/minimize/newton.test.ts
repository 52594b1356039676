import { describe, expect, it } from 'vitest';
import { rosenbrock } from '../problems/classic-nd.js';
import { saddle } from '../problems/notes.js';
import { defineProblem } from '../problems/problem.js';
import { quadratic } from '../problems/quadratic.js';
import { minimize } from './minimize.js';
import { newtonDirection } from './newton.js';

const A = [
  [4, 1, 0.5],
  [1, 3, -0.2],
  [0.5, -0.2, 2],
];
const xStar = [1, -2, 0.5];
const b = A.map((row) => row.reduce((acc, a, j) => acc + a * xStar[j], 0));

/** f = x⁴/4 - x²/2 + y²: a saddle at 0, minima -1/4 at (±1, 0). */
const doubleWell = defineProblem({
  name: 'double-well',
  dim: 2,
  f: ([x, y]) => x ** 4 / 4 - (x * x) / 2 + y * y,
  grad: ([x, y], g) => {
    g[0] = x ** 3 - x;
    g[1] = 2 * y;
    return g;
  },
  hessian: ([x], h) => {
    h.set([3 * x * x - 1, 0, 0, 2]);
    return h;
  },
  x0: [0.01, 1],
  minima: [],
  domain: [
    [-2, 2],
    [-2, 2],
  ],
});

describe('newton', () => {
  it('solves a strictly convex quadratic in one step', () => {
    const r = minimize(quadratic(A, b), [10, 10, 10], { method: 'newton', gtol: 1e-10 });
    expect(r.converged).toBe(true);
    expect(r.nit).toBe(1);
    expect(r.nhev).toBe(1);
    for (let i = 0; i < 3; i++) expect(r.x[i]).toBeCloseTo(xStar[i], 12);
  });

  it('solves it in one step with a finite-difference Hessian too', () => {
    const q = quadratic(A, b);
    const objective = { f: q.f, grad: q.grad }; // no hessian: finite differences of the gradient
    const r = minimize(objective, [10, 10, 10], { method: 'newton', gtol: 1e-7 });
    expect(r.converged).toBe(true);
    expect(r.nit).toBe(1);
    expect(r.nhev).toBe(0);
    for (let i = 0; i < 3; i++) expect(r.x[i]).toBeCloseTo(xStar[i], 6);
  });

  it('does not step uphill from a saddle start, where the pure Newton step would', () => {
    // x² - y² from (1e-3, 1): the pure Newton step jumps to the saddle (0, 0), raising f from ≈ -1 to 0
    const p = saddle();
    const x0 = [1e-3, 1];
    expect(p.f(new Float64Array([0, 0]))).toBeGreaterThan(p.f(new Float64Array(x0)));
    const r = minimize(p, x0, { method: 'newton', maxIter: 5 });
    const f = r.history.f;
    for (let k = 1; k < f.length; k++) expect(f[k]).toBeLessThan(f[k - 1]);
  });

  it('escapes the saddle of a double well to a minimum', () => {
    const r = minimize(doubleWell, doubleWell.x0, { method: 'newton', recordPath: true });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0])).toBeCloseTo(1, 8);
    expect(r.fun).toBeCloseTo(-0.25, 12);
    const f = r.history.f;
    for (let k = 1; k < f.length; k++) expect(f[k]).toBeLessThanOrEqual(f[k - 1]);
  });

  it('modifies an indefinite Hessian to -V diag(1/|λ|) Vᵀ g', () => {
    // H = diag(2, -4): p = -(g0 / 2, g1 / 4)
    const p = newtonDirection(new Float64Array([2, 0, 0, -4]), new Float64Array([1, 1]));
    expect(p[0]).toBeCloseTo(-0.5, 14);
    expect(p[1]).toBeCloseTo(-0.25, 14);
  });

  it('converges on Rosenbrock in fewer iterations than BFGS', () => {
    const p = rosenbrock(2);
    const newton = minimize(p, p.x0, { method: 'newton' });
    const bfgs = minimize(p, p.x0, { method: 'bfgs' });
    expect(newton.converged).toBe(true);
    expect(newton.fun).toBeLessThan(1e-10);
    expect(newton.nit).toBeLessThan(bfgs.nit);
  });
});
