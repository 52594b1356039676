/**
 * The point of proximal steps: lasso regression on synthetic data (50 features, 5 non-zero) recovers
 * the exact support with the L1 prox (ISTA / FISTA), and does not with a plain L1 subgradient.
 */
import { param } from '@descent/core';
import { axpy } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { l1 } from './elastic-net.js';
import { proximalGradient } from './fista.js';
import { objective } from './objective.js';

const n = 200;
const d = 50;
const support = [3, 11, 24, 37, 45];
const beta = [2, -1.5, 1, -2.5, 1.8];

function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

const rand = gaussian(42);
const X = Float64Array.from({ length: n * d }, rand);
const y = new Float64Array(n);
for (let i = 0; i < n; i++) {
  support.forEach((j, k) => {
    y[i] += X[i * d + j] * beta[k];
  });
  y[i] += 0.05 * rand();
}

/** f(w) = 1/(2n) ‖Xw − y‖², ∇f = Xᵀ(Xw − y)/n */
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

const lambda = 0.05;
const supportOf = (w: ArrayLike<number>) => Array.from(w, (v, j) => (v !== 0 ? j : -1)).filter((j) => j >= 0);

describe('lasso: 50 features, 5 non-zero', () => {
  it('FISTA with the L1 prox recovers exactly the true support', () => {
    const r = proximalGradient(leastSquares, l1(lambda), new Float64Array(d), { maxIter: 2000, tol: 1e-10 });
    expect(r.converged).toBe(true);
    expect(supportOf(r.x)).toEqual(support);
  });

  it('ISTA (no acceleration) recovers it too, at the same objective', () => {
    const fista = proximalGradient(leastSquares, l1(lambda), new Float64Array(d), {
      maxIter: 5000,
      tol: 1e-9,
    });
    const ista = proximalGradient(leastSquares, l1(lambda), new Float64Array(d), {
      accelerated: false,
      maxIter: 5000,
      tol: 1e-9,
    });
    expect(supportOf(ista.x)).toEqual(support);
    expect(ista.fun).toBeCloseTo(fista.fun, 8);
  });

  it('a plain L1 subgradient method reaches a similar objective but no exact zeros', () => {
    const w = param(new Float64Array(d));
    const loss = () => {
      leastSquares.grad(w.data, w.grad);
      return leastSquares.f(w.data);
    };
    const O = objective(loss, [l1(lambda)], [w]);
    let value = 0;
    for (let k = 0; k < 3000; k++) {
      value = O();
      axpy(-0.05 / Math.sqrt(1 + k / 100), w.gradient, w.value);
    }
    const best = proximalGradient(leastSquares, l1(lambda), new Float64Array(d), {
      maxIter: 2000,
      tol: 1e-10,
    });
    expect(value).toBeLessThan(best.fun + 0.01); // close in objective...
    expect(supportOf(w.data).length).toBeGreaterThan(support.length + 20); // ...but dense: no exact zeros
  });
});
