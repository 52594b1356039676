/**
 * The same lasso three ways: core's coordinate descent (exact soft-threshold coordinate updates),
 * this package's FISTA and ISTA (proximal gradient with the L1 prox), and scikit-learn's `Lasso`
 * (core/test/fixtures/finite-sum/lasso.py), on the objective (1/(2n)) ‖y − Xw‖² + λ ‖w‖₁.
 */
import { readFileSync } from 'node:fs';
import { lassoCoordinateDescent } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { l1 } from './elastic-net.js';
import { proximalGradient } from './fista.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../core/test/fixtures/finite-sum/lasso.json', import.meta.url), 'utf8'),
) as {
  n: number;
  d: number;
  X: number[];
  y: number[];
  cases: { alpha: number; coef: number[]; objective: number }[];
};
const { n, d, X, y } = fixture;

/** f(w) = 1/(2n) ‖Xw − y‖², ∇f = Xᵀ(Xw − y)/n (naive loops). */
const leastSquares = {
  f(w: Float64Array) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      let r = -y[i];
      for (let j = 0; j < d; j++) r += X[i * d + j] * w[j];
      s += r * r;
    }
    return s / (2 * n);
  },
  grad(w: Float64Array, out: Float64Array) {
    out.fill(0);
    for (let i = 0; i < n; i++) {
      let r = -y[i];
      for (let j = 0; j < d; j++) r += X[i * d + j] * w[j];
      for (let j = 0; j < d; j++) out[j] += (X[i * d + j] * r) / n;
    }
    return out;
  },
};

describe.each(fixture.cases.map((c) => [c.alpha, c] as const))('lasso at λ = %s', (alpha, c) => {
  const cd = lassoCoordinateDescent(X, y, alpha, { tol: 1e-13, maxSweeps: 100000 });

  it.each([true, false])('coordinate descent equals proximal gradient (accelerated: %s)', (accelerated) => {
    const pg = proximalGradient(leastSquares, l1(alpha), new Float64Array(d), {
      accelerated,
      maxIter: 200000,
      tol: 1e-12,
    });
    expect(pg.converged).toBe(true);
    expect(cd.fun).toBeCloseTo(pg.fun, 11);
    cd.x.forEach((v, j) => {
      expect(v).toBeCloseTo(pg.x[j], 7);
      expect(v === 0).toBe(pg.x[j] === 0); // the same exact zeros
    });
  });

  it("coordinate descent equals scikit-learn's Lasso", () => {
    expect(cd.fun).toBeCloseTo(c.objective, 12);
    cd.x.forEach((v, j) => {
      expect(v).toBeCloseTo(c.coef[j], 9);
    });
  });
});
