/**
 * 'lbfgs' stops where SciPy's L-BFGS-B stops, with its defaults and its messages, on the
 * ill-conditioned diagonal quadratics of test/fixtures/scipy-lbfgsb/make.py (Debian's SciPy).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { minimize } from './minimize.js';

interface Run {
  n: number;
  kappa: number;
  x: number[];
  fun: number;
  nit: number;
  nfev: number;
  message: string;
}
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/scipy-lbfgsb/lbfgsb.json', import.meta.url), 'utf8'),
) as { defaults: { ftol: number }; quadratics: Run[] };

/** f = ½ Σ λ_i x_i², λ_i = κ^(i/(n-1)), as make.py builds it. */
function diagonalQuadratic(n: number, kappa: number) {
  const lam = Float64Array.from({ length: n }, (_, i) => kappa ** (i / (n - 1)));
  return (x: Float64Array, g?: Float64Array) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      f += lam[i] * x[i] * x[i];
      if (g) g[i] = lam[i] * x[i];
    }
    return 0.5 * f;
  };
}

describe("'lbfgs' uses L-BFGS-B's defaults and reports what stopped it", () => {
  it("defaults ftol to SciPy's factr·ε", () => {
    expect(1e7 * Number.EPSILON).toBe(fixture.defaults.ftol);
    // one step of ftol above and below the default decides a run on a quadratic that stalls
    const f = diagonalQuadratic(10, 1e6);
    const x0 = new Float64Array(10).fill(1);
    expect(minimize(f, x0).nit).toBe(minimize(f, x0, { ftol: fixture.defaults.ftol }).nit);
  });

  for (const c of fixture.quadratics) {
    it(`converges on the κ = ${c.kappa} quadratic (n = ${c.n}) with SciPy's message and at most 1.2x its nfev`, () => {
      const r = minimize(diagonalQuadratic(c.n, c.kappa), new Float64Array(c.n).fill(1));
      expect(r.converged, r.message).toBe(true);
      expect(r.message).toBe(c.message);
      expect(r.nfev).toBeLessThanOrEqual(1.2 * c.nfev);
      expect(r.fun).toBeLessThanOrEqual(10 * c.fun);
    });
  }

  it("says 'NORM_OF_PROJECTED_GRADIENT_<=_PGTOL' when the gradient test stops it", () => {
    const r = minimize(diagonalQuadratic(3, 10), [1, 1, 1], { gtol: 1e-3 });
    expect(r.converged).toBe(true);
    expect(r.message).toBe('CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL');
  });

  it('goes on to ‖∇f‖∞ <= gtol with ftol: 0', () => {
    const r = minimize(diagonalQuadratic(10, 1e6), new Float64Array(10).fill(1), { ftol: 0 });
    expect(r.converged, r.message).toBe(true);
    expect(Math.max(...Array.from(r.grad, Math.abs))).toBeLessThanOrEqual(1e-5);
  });
});
