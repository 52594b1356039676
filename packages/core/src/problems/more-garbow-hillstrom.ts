/**
 * Problems from Moré, Garbow & Hillstrom (1981), "Testing unconstrained optimization software",
 * ACM TOMS 7:17-41: f = sum_i r_i(x)^2 with their standard starts x0 and known minima. (Rosenbrock,
 * MGH #1, is `rosenbrock(2)` and Beale, MGH #5, is `beale()`; `moreGarbowHillstrom()` lists all.)
 * Numbers in brackets are the paper's problem numbers.
 */
import { beale } from './classic-2d.js';
import { rosenbrock } from './classic-nd.js';
import { leastSquaresProblem } from './least-squares.js';
import { box, checkSize, type Problem } from './problem.js';

/**
 * [2] Freudenstein-Roth: r1 = -13 + x1 + ((5 - x2) x2 - 2) x2,  r2 = -29 + x1 + ((x2 + 1) x2 - 14) x2.
 * Global minimum 0 at (5, 4); a local minimum 48.984 at (11.41, -0.8968) traps many methods.
 */
export function freudensteinRoth(): Problem {
  return leastSquaresProblem({
    name: 'freudenstein-roth',
    dim: 2,
    m: 2,
    residuals: ([a, b], r) => {
      r[0] = -13 + a + ((5 - b) * b - 2) * b;
      r[1] = -29 + a + ((b + 1) * b - 14) * b;
    },
    jacobian: ([, b], J) => J.set([1, 10 * b - 3 * b * b - 2, 1, 3 * b * b + 2 * b - 14]),
    curvature: ([, b], r, H) => {
      H[3] += r[0] * (10 - 6 * b) + r[1] * (6 * b + 2);
    },
    x0: [0.5, -2],
    minima: [
      { x: [5, 4], f: 0 },
      { x: [11.412778986902094, -0.8968052532744765], f: 48.98425367924002 },
    ],
    domain: [
      [-5, 20],
      [-3, 6],
    ],
    description: 'Freudenstein-Roth (MGH #2): minimum 0 at (5, 4), local minimum 48.98 at (11.41, -0.897).',
  });
}

/** [3] Powell badly scaled: r1 = 1e4 x1 x2 - 1, r2 = exp(-x1) + exp(-x2) - 1.0001. */
export function powellBadlyScaled(): Problem {
  return leastSquaresProblem({
    name: 'powell-badly-scaled',
    dim: 2,
    m: 2,
    residuals: ([a, b], r) => {
      r[0] = 1e4 * a * b - 1;
      r[1] = Math.exp(-a) + Math.exp(-b) - 1.0001;
    },
    jacobian: ([a, b], J) => J.set([1e4 * b, 1e4 * a, -Math.exp(-a), -Math.exp(-b)]),
    curvature: ([a, b], r, H) => {
      H[0] += r[1] * Math.exp(-a);
      H[1] += r[0] * 1e4;
      H[2] += r[0] * 1e4;
      H[3] += r[1] * Math.exp(-b);
    },
    x0: [0, 1],
    minima: [{ x: [1.0981593296998175e-5, 9.106146739866524], f: 0 }],
    domain: [
      [-1e-4, 3e-4],
      [0, 12],
    ],
    description: 'Powell badly scaled (MGH #3): minimum 0 at (1.098e-5, 9.106).',
  });
}

/** [4] Brown badly scaled: r1 = x1 - 1e6, r2 = x2 - 2e-6, r3 = x1 x2 - 2. Minimum 0 at (1e6, 2e-6). */
export function brownBadlyScaled(): Problem {
  return leastSquaresProblem({
    name: 'brown-badly-scaled',
    dim: 2,
    m: 3,
    residuals: ([a, b], r) => {
      r[0] = a - 1e6;
      r[1] = b - 2e-6;
      r[2] = a * b - 2;
    },
    jacobian: ([a, b], J) => J.set([1, 0, 0, 1, b, a]),
    curvature: (_x, r, H) => {
      H[1] += r[2];
      H[2] += r[2];
    },
    x0: [1, 1],
    minima: [{ x: [1e6, 2e-6], f: 0 }],
    domain: [
      [0, 2e6],
      [-1e-5, 1e-5],
    ],
    description: 'Brown badly scaled (MGH #4): minimum 0 at (1e6, 2e-6).',
  });
}

/**
 * [7] Helical valley: theta = atan(x2/x1) / (2 pi) (+ 1/2 when x1 < 0), rho = |(x1, x2)|,
 *   r1 = 10 (x3 - 10 theta),  r2 = 10 (rho - 1),  r3 = x3.
 * d theta = (-x2, x1) / (2 pi rho^2); d² theta = [[2 x1 x2, x2^2 - x1^2], [., -2 x1 x2]] / (2 pi rho^4);
 * d² rho = [[x2^2, -x1 x2], [., x1^2]] / rho^3.
 */
export function helicalValley(): Problem {
  const tau = 2 * Math.PI;
  return leastSquaresProblem({
    name: 'helical-valley',
    dim: 3,
    m: 3,
    residuals: ([a, b, c], r) => {
      const theta = Math.atan(b / a) / tau + (a < 0 ? 0.5 : 0);
      r[0] = 10 * (c - 10 * theta);
      r[1] = 10 * (Math.hypot(a, b) - 1);
      r[2] = c;
    },
    jacobian: ([a, b], J) => {
      const rho2 = a * a + b * b;
      const rho = Math.sqrt(rho2);
      J.set([(100 * b) / (tau * rho2), (-100 * a) / (tau * rho2), 10]);
      J.set([(10 * a) / rho, (10 * b) / rho, 0], 3);
      J.set([0, 0, 1], 6);
    },
    curvature: ([a, b], r, H) => {
      const rho2 = a * a + b * b;
      const t = -100 / (tau * rho2 * rho2); // r1's factor -100 times 1 / (2 pi rho^4)
      const s = 10 / (rho2 * Math.sqrt(rho2)); // r2's factor 10 times 1 / rho^3
      H[0] += r[0] * t * 2 * a * b + r[1] * s * b * b;
      H[1] += r[0] * t * (b * b - a * a) - r[1] * s * a * b;
      H[3] += r[0] * t * (b * b - a * a) - r[1] * s * a * b;
      H[4] += r[0] * t * -2 * a * b + r[1] * s * a * a;
    },
    x0: [-1, 0, 0],
    minima: [{ x: [1, 0, 0], f: 0 }],
    domain: box(3, -2, 2),
    description: 'Helical valley (MGH #7): a spiral valley, minimum 0 at (1, 0, 0).',
  });
}

/**
 * [13] Extended Powell singular (n a multiple of 4), per block (x1..x4):
 *   r1 = x1 + 10 x2,  r2 = sqrt5 (x3 - x4),  r3 = (x2 - 2 x3)^2,  r4 = sqrt10 (x1 - x4)^2.
 * Minimum 0 at the origin, where the Hessian is singular (rank 2 per block).
 */
export function powellSingular(n = 4): Problem {
  checkSize('powell-singular', n, 4, 4);
  const s5 = Math.sqrt(5);
  const s10 = Math.sqrt(10);
  return leastSquaresProblem({
    name: 'powell-singular',
    dim: n,
    m: n,
    residuals: (x, r) => {
      for (let b = 0; b < n; b += 4) {
        r[b] = x[b] + 10 * x[b + 1];
        r[b + 1] = s5 * (x[b + 2] - x[b + 3]);
        r[b + 2] = (x[b + 1] - 2 * x[b + 2]) ** 2;
        r[b + 3] = s10 * (x[b] - x[b + 3]) ** 2;
      }
    },
    jacobian: (x, J) => {
      J.fill(0);
      for (let b = 0; b < n; b += 4) {
        const u = 2 * (x[b + 1] - 2 * x[b + 2]);
        const v = 2 * s10 * (x[b] - x[b + 3]);
        J[b * n + b] = 1;
        J[b * n + b + 1] = 10;
        J[(b + 1) * n + b + 2] = s5;
        J[(b + 1) * n + b + 3] = -s5;
        J[(b + 2) * n + b + 1] = u;
        J[(b + 2) * n + b + 2] = -2 * u;
        J[(b + 3) * n + b] = v;
        J[(b + 3) * n + b + 3] = -v;
      }
    },
    curvature: (_x, r, H) => {
      for (let b = 0; b < n; b += 4) {
        const p = r[b + 2]; // d²r3 = 2 (0,1,-2,0)(0,1,-2,0)^T
        H[(b + 1) * n + b + 1] += 2 * p;
        H[(b + 1) * n + b + 2] -= 4 * p;
        H[(b + 2) * n + b + 1] -= 4 * p;
        H[(b + 2) * n + b + 2] += 8 * p;
        const q = 2 * s10 * r[b + 3]; // d²r4 = 2 sqrt10 (1,0,0,-1)(1,0,0,-1)^T
        H[b * n + b] += q;
        H[b * n + b + 3] -= q;
        H[(b + 3) * n + b] -= q;
        H[(b + 3) * n + b + 3] += q;
      }
    },
    x0: Array.from({ length: n }, (_, i) => [3, -1, 0, 1][i % 4]),
    minima: [{ x: new Float64Array(n), f: 0 }],
    domain: box(n, -4, 4),
    description: 'Extended Powell singular (MGH #13): minimum 0 at the origin with a singular Hessian.',
  });
}

/**
 * [14] Wood: f = 100(x2 - x1^2)^2 + (1 - x1)^2 + 90(x4 - x3^2)^2 + (1 - x3)^2
 *              + 10.1((x2 - 1)^2 + (x4 - 1)^2) + 19.8(x2 - 1)(x4 - 1),
 * as residuals 10(x2 - x1^2), 1 - x1, sqrt90 (x4 - x3^2), 1 - x3, sqrt10 (x2 + x4 - 2), (x2 - x4)/sqrt10.
 */
export function wood(): Problem {
  const s90 = Math.sqrt(90);
  const s10 = Math.sqrt(10);
  return leastSquaresProblem({
    name: 'wood',
    dim: 4,
    m: 6,
    residuals: ([a, b, c, d], r) => {
      r.set([10 * (b - a * a), 1 - a, s90 * (d - c * c), 1 - c, s10 * (b + d - 2), (b - d) / s10]);
    },
    jacobian: ([a, , c], J) => {
      J.fill(0);
      J.set([-20 * a, 10], 0);
      J[4] = -1;
      J.set([-2 * s90 * c, s90], 10);
      J[14] = -1;
      J.set([0, s10, 0, s10], 16);
      J.set([0, 1 / s10, 0, -1 / s10], 20);
    },
    curvature: (_x, r, H) => {
      H[0] += -20 * r[0];
      H[10] += -2 * s90 * r[2];
    },
    x0: [-3, -1, -3, -1],
    minima: [{ x: [1, 1, 1, 1], f: 0 }],
    domain: box(4, -4, 4),
    description: 'Wood (MGH #14): two coupled Rosenbrock valleys, minimum 0 at (1, 1, 1, 1).',
  });
}

/**
 * [18] Biggs EXP6 (m = 13): t_i = i/10, y_i = e^{-t_i} - 5 e^{-10 t_i} + 3 e^{-4 t_i},
 *   r_i = x3 e^{-t_i x1} - x4 e^{-t_i x2} + x6 e^{-t_i x5} - y_i.
 * Minimum 0 at (1, 10, 1, 5, 4, 3) and at its mirror (4, 10, 3, 5, 1, 1).
 */
export function biggsExp6(): Problem {
  const m = 13;
  const t = Array.from({ length: m }, (_, i) => (i + 1) / 10);
  const y = t.map((ti) => Math.exp(-ti) - 5 * Math.exp(-10 * ti) + 3 * Math.exp(-4 * ti));
  return leastSquaresProblem({
    name: 'biggs-exp6',
    dim: 6,
    m,
    residuals: (x, r) => {
      for (let i = 0; i < m; i++) {
        const ti = t[i];
        r[i] = x[2] * Math.exp(-ti * x[0]) - x[3] * Math.exp(-ti * x[1]) + x[5] * Math.exp(-ti * x[4]) - y[i];
      }
    },
    jacobian: (x, J) => {
      for (let i = 0; i < m; i++) {
        const ti = t[i];
        const e0 = Math.exp(-ti * x[0]);
        const e1 = Math.exp(-ti * x[1]);
        const e4 = Math.exp(-ti * x[4]);
        J.set([-ti * x[2] * e0, ti * x[3] * e1, e0, -e1, -ti * x[5] * e4, e4], i * 6);
      }
    },
    curvature: (x, r, H) => {
      for (let i = 0; i < m; i++) {
        const ti = t[i];
        const e0 = r[i] * Math.exp(-ti * x[0]);
        const e1 = r[i] * Math.exp(-ti * x[1]);
        const e4 = r[i] * Math.exp(-ti * x[4]);
        H[0] += ti * ti * x[2] * e0;
        H[2] -= ti * e0;
        H[12] -= ti * e0;
        H[7] -= ti * ti * x[3] * e1;
        H[9] += ti * e1;
        H[19] += ti * e1;
        H[28] += ti * ti * x[5] * e4;
        H[29] -= ti * e4;
        H[34] -= ti * e4;
      }
    },
    x0: [1, 2, 1, 1, 1, 1],
    minima: [
      { x: [1, 10, 1, 5, 4, 3], f: 0 },
      { x: [4, 10, 3, 5, 1, 1], f: 0 },
    ],
    domain: box(6, -1, 11),
    description: 'Biggs EXP6 (MGH #18): exponential fitting, minimum 0 at (1, 10, 1, 5, 4, 3).',
  });
}

/** Watson's minimizers for n = 6, 9, 12 (Levenberg-Marquardt, then 40-digit Newton: analysis-minima.py). */
const watsonMinima: Record<number, { x: number[]; f: number }> = {
  6: {
    x: [
      -0.015725086401458456, 1.0124348693691099, -0.2329916259567377, 1.2604300877996084, -1.5137289227222797,
      0.9929964324311346,
    ],
    f: 0.0022876700535524363,
  },
  9: {
    x: [
      -1.5307036521394342e-5, 0.9997897039319483, 0.014763963693556958, 0.14634232829936222,
      1.0008211030047092, -2.617731140519015, 4.104403164478857, -3.1436122785564424, 1.0526264080101668,
    ],
    f: 1.39976013809902e-6,
  },
  12: {
    x: [
      -6.638060464520687e-9, 1.000001644117862, -0.0005639322103423058, 0.34782054050404243,
      -0.15673150409616513, 1.0528151772071777, -3.2472711534596677, 7.288434897938061, -10.271848241321724,
      9.074113647075317, -4.541375466692512, 1.0120118885528104,
    ],
    f: 4.722381105891757e-10,
  },
};

/**
 * [20] Watson (2 <= n <= 31, m = 31): t_i = i/29 for i = 1..29, s_i = sum_j x_j t_i^(j-1),
 *   r_i = sum_{j>=2} (j-1) x_j t_i^(j-2) - s_i^2 - 1,  r_30 = x1,  r_31 = x2 - x1^2 - 1.
 * f* ≈ 2.28767e-3 (n = 6), 1.39976e-6 (n = 9), 4.72238e-10 (n = 12); minimizers listed for those n.
 */
export function watson(n = 6): Problem {
  checkSize('watson', n, 2);
  if (n > 31) throw new RangeError(`Invalid dimension for watson: ${n} (expected 2 <= n <= 31)`);
  const m = 31;
  const t = Array.from({ length: 29 }, (_, i) => (i + 1) / 29);
  const sum = (x: Float64Array, ti: number) => {
    let s = 0;
    for (let j = n - 1; j >= 0; j--) s = s * ti + x[j];
    return s;
  };
  const minima = (watsonMinima[n] ? [watsonMinima[n]] : []) as { x: number[]; f: number }[];
  return leastSquaresProblem({
    name: 'watson',
    dim: n,
    m,
    residuals: (x, r) => {
      for (let i = 0; i < 29; i++) {
        let d = 0;
        for (let j = 1; j < n; j++) d += j * x[j] * t[i] ** (j - 1);
        const s = sum(x, t[i]);
        r[i] = d - s * s - 1;
      }
      r[29] = x[0];
      r[30] = x[1] - x[0] * x[0] - 1;
    },
    jacobian: (x, J) => {
      J.fill(0);
      for (let i = 0; i < 29; i++) {
        const s = sum(x, t[i]);
        for (let j = 0; j < n; j++) J[i * n + j] = (j > 0 ? j * t[i] ** (j - 1) : 0) - 2 * s * t[i] ** j;
      }
      J[29 * n] = 1;
      J[30 * n] = -2 * x[0];
      J[30 * n + 1] = 1;
    },
    curvature: (_x, r, H) => {
      for (let i = 0; i < 29; i++) {
        for (let j = 0; j < n; j++) {
          for (let k = 0; k < n; k++) H[j * n + k] -= 2 * r[i] * t[i] ** (j + k);
        }
      }
      H[0] -= 2 * r[30];
    },
    x0: new Float64Array(n),
    minima,
    domain: box(n, -2, 2),
    description: 'Watson (MGH #20): polynomial fitting, badly conditioned; f* ≈ 2.2877e-3 for n = 6.',
  });
}

/** The MGH problems above in the paper's order, at their standard sizes (Watson n = 6). */
export function moreGarbowHillstrom(): Problem[] {
  return [
    rosenbrock(2),
    freudensteinRoth(),
    powellBadlyScaled(),
    brownBadlyScaled(),
    beale(),
    helicalValley(),
    powellSingular(4),
    wood(),
    biggsExp6(),
    watson(6),
  ];
}
