/**
 * proximalGradient (FISTA / ISTA) against scikit-learn's Lasso on standardized data whose right
 * step is ~118 (test/fixtures/sklearn-lasso/make.py): the defaults must converge to sklearn's
 * objective, and a NaN objective must end the run instead of hanging.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { l1 } from './elastic-net.js';
import { estimateLipschitz, proximalGradient } from './fista.js';

const fixture = JSON.parse(
  readFileSync(new URL('../test/fixtures/sklearn-lasso/lasso.json', import.meta.url), 'utf8'),
) as {
  n: number;
  p: number;
  X: number[];
  y: number[];
  step: number;
  fits: { alpha: number; objective: number }[];
};
const { n, p } = fixture;
const X = Float64Array.from(fixture.X);
const y = Float64Array.from(fixture.y);

/** f(w) = 1/(2n) ‖y − Xw‖², ∇f = Xᵀ(Xw − y)/n */
const leastSquares = {
  f(w: Float64Array) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      let r = -y[i];
      for (let j = 0; j < p; j++) r += X[i * p + j] * w[j];
      s += r * r;
    }
    return s / (2 * n);
  },
  grad(w: Float64Array, out: Float64Array) {
    out.fill(0);
    for (let i = 0; i < n; i++) {
      let r = -y[i];
      for (let j = 0; j < p; j++) r += X[i * p + j] * w[j];
      for (let j = 0; j < p; j++) out[j] += (X[i * p + j] * r) / n;
    }
    return out;
  },
};

describe('proximalGradient on standardized data (right step ~118)', () => {
  for (const fit of fixture.fits) {
    it(`reaches sklearn's Lasso objective to 1e-9 relative with default options (alpha = ${fit.alpha.toPrecision(3)})`, () => {
      const r = proximalGradient(leastSquares, l1(fit.alpha), new Float64Array(p));
      expect(r.converged, r.message).toBe(true);
      expect(Math.abs(r.fun - fit.objective) / fit.objective).toBeLessThanOrEqual(1e-9);
      expect(r.step).toBeGreaterThan(0.4 * fixture.step); // the step is on the scale of 1/L
    });
    it(`ISTA's defaults converge there too (alpha = ${fit.alpha.toPrecision(3)})`, () => {
      const r = proximalGradient(leastSquares, l1(fit.alpha), new Float64Array(p), { accelerated: false });
      expect(r.converged, r.message).toBe(true);
      expect(Math.abs(r.fun - fit.objective) / fit.objective).toBeLessThanOrEqual(1e-9);
    });
  }

  it('a search that starts from step 1 instead (the old default) stops at maxIter short of the minimum', () => {
    const fit = fixture.fits[1];
    const r = proximalGradient(leastSquares, l1(fit.alpha), new Float64Array(p), { step0: 1 });
    expect(r.converged).toBe(false);
    expect(r.nit).toBe(1000);
    expect((r.fun - fit.objective) / fit.objective).toBeGreaterThan(1e-7);
  });

  it('estimates L as the largest eigenvalue of XᵀX/n (the exact Hessian of least squares)', () => {
    expect(estimateLipschitz(leastSquares, new Float64Array(p), 200)).toBeCloseTo(1 / fixture.step, 6);
  });

  it('the fixed step 1/L converges to the same objective', () => {
    const fit = fixture.fits[0];
    const r = proximalGradient(leastSquares, l1(fit.alpha), new Float64Array(p), {
      lipschitz: 1 / fixture.step,
    });
    expect(r.converged, r.message).toBe(true);
    expect(Math.abs(r.fun - fit.objective) / fit.objective).toBeLessThanOrEqual(1e-9);
  });
});

describe('proximalGradient never hangs', () => {
  const nanProblem = {
    f: () => Number.NaN,
    grad: (_x: Float64Array, out: Float64Array) => out.fill(Number.NaN),
  };

  it('ends at once with converged false when F(x0) is NaN', () => {
    const r = proximalGradient(nanProblem, l1(0.1), new Float64Array(3));
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/not finite at x0/);
    expect(r.nit).toBe(0);
  });

  it('ends with a message when f turns NaN after the start (every search is bounded)', () => {
    const problem = {
      f: (x: Float64Array) => (x[0] === 0 ? 1 : Number.NaN),
      grad: (_x: Float64Array, out: Float64Array) => out.fill(1),
    };
    const r = proximalGradient(problem, l1(0.1), new Float64Array(3));
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/no step with sufficient decrease/);
    expect(r.nfev).toBeLessThan(500);
  });

  it('refuses bad step options by name', () => {
    expect(() => proximalGradient(leastSquares, l1(0.1), new Float64Array(p), { step0: Number.NaN })).toThrow(
      /step0/,
    );
    expect(() =>
      proximalGradient(leastSquares, l1(0.1), new Float64Array(p), { powerIterations: 0 }),
    ).toThrow(/powerIterations/);
  });
});
