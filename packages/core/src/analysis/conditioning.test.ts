import { describe, expect, it } from 'vitest';
import { rosenbrock } from '../problems/classic-nd.js';
import { illConditionedQuadratic } from '../problems/notes.js';
import { conditionNumber, predictGradientDescent } from './conditioning.js';
import { hessian } from './hessian.js';
import { seededRandom } from './seeded-random.js';

/** A random SPD matrix Q diag(λ) Q^T with the given eigenvalues (Q from Gram-Schmidt on normals). */
function spd(eigenvalues: number[], seed: number): { H: number[][]; Q: number[][] } {
  const n = eigenvalues.length;
  const r = seededRandom(seed);
  const Q: number[][] = [];
  for (let j = 0; j < n; j++) {
    const v = Array.from({ length: n }, () => r.normal());
    for (const q of Q) {
      const c = q.reduce((s, qi, i) => s + qi * v[i], 0);
      for (let i = 0; i < n; i++) v[i] -= c * q[i];
    }
    const norm = Math.hypot(...v);
    Q.push(v.map((vi) => vi / norm));
  }
  const H = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, k) => Q.reduce((s, q, j) => s + q[i] * eigenvalues[j] * q[k], 0)),
  );
  return { H, Q };
}

const times = (H: number[][], x: number[]) => H.map((row) => row.reduce((s, h, k) => s + h * x[k], 0));

describe('conditionNumber', () => {
  it('is L / mu for diagonal and rotated positive definite matrices', () => {
    expect(
      conditionNumber([
        [0.2, 0],
        [0, 4],
      ]),
    ).toBeCloseTo(20, 12);
    expect(conditionNumber(spd([0.5, 2, 50], 1).H)).toBeCloseTo(100, 9);
  });

  it('is max|λ| / min|λ| for an indefinite matrix and Infinity for a singular one', () => {
    expect(
      conditionNumber([
        [2, 0],
        [0, -8],
      ]),
    ).toBeCloseTo(4, 12);
    expect(
      conditionNumber([
        [1, 0],
        [0, 0],
      ]),
    ).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('predictGradientDescent', () => {
  it('gives eta* = 2/(L + mu) and rate (kappa - 1)/(kappa + 1) for 0.1 x1^2 + 2 x2^2', () => {
    const p = illConditionedQuadratic();
    const pred = predictGradientDescent(hessian(p, p.x0));
    expect(pred.kappa).toBeCloseTo(20, 12);
    expect(pred.optimalStep).toBeCloseTo(2 / 4.2, 14);
    expect(pred.rate).toBeCloseTo(19 / 21, 14);
    expect(pred.largestStableStep).toBeCloseTo(0.5, 14);
    expect(pred.explanation).toMatch(/kappa = L\/mu = 20/);
  });

  it('predicts the contraction gradient descent shows on a quadratic: exactly the rate from the worst start, at most it from any', () => {
    const { H, Q } = spd([0.3, 1, 4, 30], 2);
    const pred = predictGradientDescent(H);
    const run = (x0: number[], eta: number, steps: number) => {
      let x = x0;
      for (let k = 0; k < steps; k++) {
        const g = times(H, x);
        x = x.map((xi, i) => xi - eta * g[i]);
      }
      return Math.hypot(...x) / Math.hypot(...x0);
    };
    const worst = Q[0].map((v, i) => v + Q[3][i]); // equal parts of the flattest and steepest directions
    expect(run(worst, pred.optimalStep, 50)).toBeCloseTo(pred.rate ** 50, 10);
    const r = seededRandom(3);
    for (let t = 0; t < 5; t++) {
      const x0 = Array.from({ length: 4 }, () => r.normal());
      expect(run(x0, pred.optimalStep, 50)).toBeLessThanOrEqual(pred.rate ** 50 * (1 + 1e-9));
    }
    // Any other fixed step has a slower asymptotic per-step factor, and a step beyond 2/L diverges.
    const factor = (eta: number) => (run(worst, eta, 400) / run(worst, eta, 200)) ** (1 / 200);
    expect(factor(pred.optimalStep)).toBeCloseTo(pred.rate, 10);
    expect(factor(0.9 * pred.optimalStep)).toBeGreaterThan(pred.rate + 1e-4);
    expect(factor(1.05 * pred.optimalStep)).toBeGreaterThan(pred.rate + 1e-4);
    expect(run(worst, 1.05 * pred.largestStableStep, 50)).toBeGreaterThan(1);
  });

  it("predicts gradient descent's linear rate near Rosenbrock's minimum (kappa ≈ 2508)", () => {
    const p = rosenbrock(2);
    const pred = predictGradientDescent(hessian(p, new Float64Array([1, 1])));
    expect(pred.kappa).toBeCloseTo(2508.0096, 3);
    const x = new Float64Array([1.01, 1.03]);
    const g = new Float64Array(2);
    const errors: number[] = [];
    for (let k = 0; k <= 3000; k++) {
      errors.push(Math.hypot(x[0] - 1, x[1] - 1));
      p.grad(x, g);
      x[0] -= pred.optimalStep * g[0];
      x[1] -= pred.optimalStep * g[1];
    }
    // Once the iterates are close, the error shrinks by the predicted factor per step.
    const observed = (errors[3000] / errors[2000]) ** (1 / 1000);
    expect(observed).toBeCloseTo(pred.rate, 5);
    expect(pred.stepsPerDigit).toBeGreaterThan(2800);
  });

  it('rejects a Hessian that is not positive definite, naming the smallest eigenvalue', () => {
    expect(() =>
      predictGradientDescent([
        [2, 0],
        [0, -2],
      ]),
    ).toThrow(/positive definite Hessian: its smallest eigenvalue is -2/);
  });
});
