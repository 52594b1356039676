/**
 * Classic two-dimensional test functions (Jamil & Yang 2013, "A literature survey of benchmark
 * functions for global optimization problems"), with analytic gradients and Hessians.
 * Minima were polished to double precision by test/fixtures/analysis-minima.py.
 */
import { leastSquaresProblem } from './least-squares.js';
import { defineProblem, type Problem } from './problem.js';

/**
 * Beale: f = sum_{i=1..3} (y_i - x (1 - y^i))^2, y = (1.5, 2.25, 2.625) (MGH #5).
 * Residuals r_i = y_i - x(1 - y^i): dr/dx = y^i - 1, dr/dy = i x y^(i-1).
 */
export function beale(): Problem {
  const c = [1.5, 2.25, 2.625];
  return leastSquaresProblem({
    name: 'beale',
    dim: 2,
    m: 3,
    residuals: (x, r) => {
      for (let i = 0; i < 3; i++) r[i] = c[i] - x[0] * (1 - x[1] ** (i + 1));
    },
    jacobian: (x, J) => {
      for (let i = 0; i < 3; i++) {
        J[2 * i] = x[1] ** (i + 1) - 1;
        J[2 * i + 1] = (i + 1) * x[0] * x[1] ** i;
      }
    },
    curvature: (x, r, H) => {
      for (let i = 0; i < 3; i++) {
        const k = i + 1;
        const xy = r[i] * k * x[1] ** i; // d²r/dxdy = k y^(k-1)
        H[1] += xy;
        H[2] += xy;
        if (k >= 2) H[3] += r[i] * k * (k - 1) * x[0] * x[1] ** (k - 2);
      }
    },
    x0: [1, 1],
    minima: [{ x: [3, 0.5], f: 0 }],
    domain: [
      [-4.5, 4.5],
      [-4.5, 4.5],
    ],
    description: 'Beale (MGH #5): a narrow curved valley, minimum 0 at (3, 0.5).',
  });
}

/** Booth: f = (x + 2y - 7)^2 + (2x + y - 5)^2, a quadratic with minimum 0 at (1, 3). */
export function booth(): Problem {
  return leastSquaresProblem({
    name: 'booth',
    dim: 2,
    m: 2,
    residuals: (x, r) => {
      r[0] = x[0] + 2 * x[1] - 7;
      r[1] = 2 * x[0] + x[1] - 5;
    },
    jacobian: (_x, J) => J.set([1, 2, 2, 1]),
    curvature: () => {},
    x0: [0, 0],
    minima: [{ x: [1, 3], f: 0 }],
    domain: [
      [-10, 10],
      [-10, 10],
    ],
    description: 'Booth: a convex quadratic, minimum 0 at (1, 3).',
  });
}

/**
 * Himmelblau: f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2. Four minima (f = 0), one maximum
 * (-0.2708, -0.9230) and four saddles.
 */
export function himmelblau(): Problem {
  return leastSquaresProblem({
    name: 'himmelblau',
    dim: 2,
    m: 2,
    residuals: (x, r) => {
      r[0] = x[0] * x[0] + x[1] - 11;
      r[1] = x[0] + x[1] * x[1] - 7;
    },
    jacobian: (x, J) => J.set([2 * x[0], 1, 1, 2 * x[1]]),
    curvature: (_x, r, H) => {
      H[0] += 2 * r[0];
      H[3] += 2 * r[1];
    },
    x0: [0, 0],
    minima: [
      { x: [3, 2], f: 0 },
      { x: [-2.805118086952745, 3.131312518250573], f: 0 },
      { x: [-3.779310253377747, -3.2831859912861696], f: 0 },
      { x: [3.5844283403304917, -1.8481265269644036], f: 0 },
    ],
    domain: [
      [-5, 5],
      [-5, 5],
    ],
    description: 'Himmelblau: four global minima, one local maximum, four saddles.',
  });
}

/**
 * Six-hump camel: f = (4 - 2.1x^2 + x^4/3) x^2 + xy + (-4 + 4y^2) y^2.
 *   grad = (8x - 8.4x^3 + 2x^5 + y,  x - 8y + 16y^3),
 *   H = [[8 - 25.2x^2 + 10x^4, 1], [1, -8 + 48y^2]].
 */
export function sixHumpCamel(): Problem {
  const x0 = 0.08984201310031806;
  const y0 = 0.7126564030207396;
  const x1 = 1.703606714969981;
  const y1 = 0.7960835686726251;
  const x2 = 1.6071047529201974;
  const y2 = 0.5686514548841314;
  return defineProblem({
    name: 'six-hump-camel',
    dim: 2,
    f: ([x, y]) => (4 - 2.1 * x * x + x ** 4 / 3) * x * x + x * y + (-4 + 4 * y * y) * y * y,
    grad: ([x, y], g) => {
      g[0] = 8 * x - 8.4 * x ** 3 + 2 * x ** 5 + y;
      g[1] = x - 8 * y + 16 * y ** 3;
      return g;
    },
    hessian: ([x, y], h) => {
      h.set([8 - 25.2 * x * x + 10 * x ** 4, 1, 1, -8 + 48 * y * y]);
      return h;
    },
    x0: [-1, 1],
    minima: [
      { x: [x0, -y0], f: -1.0316284534898774 },
      { x: [-x0, y0], f: -1.0316284534898774 },
      { x: [-x1, y1], f: -0.2154638243837184 },
      { x: [x1, -y1], f: -0.2154638243837184 },
      { x: [x2, y2], f: 2.1042503103112575 },
      { x: [-x2, -y2], f: 2.1042503103112575 },
    ],
    domain: [
      [-3, 3],
      [-2, 2],
    ],
    description: 'Six-hump camel: two global minima f = -1.0316, four more local minima.',
  });
}

/**
 * Value, gradient and Hessian of w^2 p for a linear w (gradient dw) and a quadratic p
 * (gradient dp at the point, constant Hessian d2p):
 *   (w²p)_i = 2 w w_i p + w² p_i,
 *   (w²p)_ij = 2 w_i w_j p + 2w (w_i p_j + w_j p_i) + w² p_ij.
 */
function squaredLinearTimesQuadratic(w: number, dw: number[], p: number, dp: number[], d2p: number[]) {
  const g = [0, 1].map((i) => 2 * w * dw[i] * p + w * w * dp[i]);
  const h = [0, 1, 2, 3].map((k) => {
    const i = k >> 1;
    const j = k & 1;
    return 2 * dw[i] * dw[j] * p + 2 * w * (dw[i] * dp[j] + dw[j] * dp[i]) + w * w * d2p[k];
  });
  return { v: w * w * p, g, h };
}

/** Goldstein-Price's two factors A = 1 + u^2 a and B = 30 + v^2 b with their derivatives. */
function goldsteinPriceFactors(x: number, y: number) {
  const u = x + y + 1;
  const a = 19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y;
  const ax = -14 + 6 * x + 6 * y;
  const A = squaredLinearTimesQuadratic(u, [1, 1], a, [ax, ax], [6, 6, 6, 6]);
  const v = 2 * x - 3 * y;
  const b = 18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y;
  const db = [-32 + 24 * x - 36 * y, 48 - 36 * x + 54 * y];
  const B = squaredLinearTimesQuadratic(v, [2, -3], b, db, [24, -36, -36, 54]);
  A.v += 1;
  B.v += 30;
  return { A, B };
}

/**
 * Goldstein-Price: f = [1 + (x+y+1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)]
 *                    * [30 + (2x-3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)] = A B,
 *   grad = A' B + A B',  H = A'' B + A' B'^T + B' A'^T + A B''.
 * Global minimum 3 at (0, -1); local minima 30, 84, 840.
 */
export function goldsteinPrice(): Problem {
  return defineProblem({
    name: 'goldstein-price',
    dim: 2,
    f: ([x, y]) => {
      const { A, B } = goldsteinPriceFactors(x, y);
      return A.v * B.v;
    },
    grad: ([x, y], g) => {
      const { A, B } = goldsteinPriceFactors(x, y);
      g[0] = A.g[0] * B.v + A.v * B.g[0];
      g[1] = A.g[1] * B.v + A.v * B.g[1];
      return g;
    },
    hessian: ([x, y], h) => {
      const { A, B } = goldsteinPriceFactors(x, y);
      for (let k = 0; k < 4; k++) {
        const i = k >> 1;
        const j = k & 1;
        h[k] = A.h[k] * B.v + A.g[i] * B.g[j] + A.g[j] * B.g[i] + A.v * B.h[k];
      }
      return h;
    },
    x0: [-1, 1],
    minima: [
      { x: [0, -1], f: 3 },
      { x: [-0.6, -0.4], f: 30 },
      { x: [1.8, 0.2], f: 84 },
      { x: [1.2, 0.8], f: 840 },
    ],
    domain: [
      [-2, 2],
      [-2, 2],
    ],
    description: 'Goldstein-Price: global minimum 3 at (0, -1), values spanning six decades.',
  });
}
