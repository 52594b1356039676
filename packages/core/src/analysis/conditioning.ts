/**
 * The condition number and what it predicts for gradient descent.
 *
 * For f(x) = 1/2 x^T H x with H positive definite, eigenvalues mu = λ_min <= ... <= λ_max = L:
 *   kappa = L / mu.
 * Gradient descent x <- x - eta H x multiplies the eigencomponent i by (1 - eta λ_i) each step, so
 * it converges iff eta < 2 / L, and the worst factor max_i |1 - eta λ_i| is smallest at
 *   eta* = 2 / (L + mu),   where   |1 - eta* mu| = |1 - eta* L| = (kappa - 1) / (kappa + 1).
 * The error then shrinks by at least that rate per step: one decimal digit every
 * ln(10) / -ln(rate) ≈ 1.15 kappa steps when kappa is large. Near a minimum of any smooth f the
 * Hessian plays the role of H: Rosenbrock at (1, 1) has kappa ≈ 2508, so ~2900 steps per digit.
 */
import { eigvalsh } from '@descent/kernels';
import type { SquareMatrixInput } from '../problems/quadratic.js';
import { symmetricMatrix } from './critical-points.js';

function eigenvalues(H: SquareMatrixInput): Float64Array {
  const { n, data } = symmetricMatrix(H);
  return eigvalsh({ rows: n, cols: n, data });
}

/** kappa(H) = max|λ| / min|λ| for a symmetric H (L / mu when H is positive definite; Infinity if singular). */
export function conditionNumber(H: SquareMatrixInput): number {
  const values = eigenvalues(H);
  let max = 0;
  let min = Number.POSITIVE_INFINITY;
  for (const v of values) {
    max = Math.max(max, Math.abs(v));
    min = Math.min(min, Math.abs(v));
  }
  return min === 0 ? Number.POSITIVE_INFINITY : max / min;
}

export interface GradientDescentPrediction {
  /** Largest eigenvalue (the gradient's Lipschitz constant on the quadratic model). */
  L: number;
  /** Smallest eigenvalue (the strong-convexity constant). */
  mu: number;
  kappa: number;
  /** eta* = 2 / (L + mu). */
  optimalStep: number;
  /** Steps eta >= 2 / L diverge along the top eigenvector. */
  largestStableStep: number;
  /** (kappa - 1) / (kappa + 1): the error contraction per step at eta*. */
  rate: number;
  /** ln(10) / -ln(rate): steps per decimal digit of accuracy. */
  stepsPerDigit: number;
  /** The same in words. */
  explanation: string;
}

/** What kappa(H) predicts for fixed-step gradient descent near a minimum with Hessian H (positive definite). */
export function predictGradientDescent(H: SquareMatrixInput): GradientDescentPrediction {
  const values = eigenvalues(H);
  const mu = values[0];
  const L = values[values.length - 1];
  if (!(mu > 0)) {
    throw new RangeError(
      `predictGradientDescent needs a positive definite Hessian: its smallest eigenvalue is ${mu} (a saddle or degenerate point has no linear rate)`,
    );
  }
  const kappa = L / mu;
  const optimalStep = 2 / (L + mu);
  const rate = (kappa - 1) / (kappa + 1);
  const stepsPerDigit = rate === 0 ? 1 : Math.LN10 / -Math.log(rate);
  const fmt = (v: number) => Number(v.toPrecision(4)).toString();
  const explanation =
    `Eigenvalues range from mu = ${fmt(mu)} to L = ${fmt(L)}, so kappa = L/mu = ${fmt(kappa)}. ` +
    `Gradient descent with a fixed step diverges for steps >= 2/L = ${fmt(2 / L)}; the best fixed step 2/(L+mu) = ${fmt(optimalStep)} ` +
    `shrinks the error by (kappa-1)/(kappa+1) = ${fmt(rate)} per step, about ${Math.ceil(stepsPerDigit)} steps per decimal digit: ` +
    `the step is limited by the steepest direction while progress is limited by the flattest.`;
  return { L, mu, kappa, optimalStep, largestStableStep: 2 / L, rate, stepsPerDigit, explanation };
}
