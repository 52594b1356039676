/**
 * Classic n-dimensional test functions with analytic gradients and Hessians:
 * Rosenbrock (chained, as scipy.optimize.rosen), Rastrigin, Ackley and Styblinski-Tang.
 */
import { box, checkSize, defineProblem, type Problem } from './problem.js';

/**
 * Rosenbrock: f = sum_{i<n-1} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2 (n = 2 is MGH #1).
 *   df/dx_i     += -400 x_i (x_{i+1} - x_i^2) - 2 (1 - x_i),   df/dx_{i+1} += 200 (x_{i+1} - x_i^2)
 *   H_ii += 1200 x_i^2 - 400 x_{i+1} + 2,  H_{i,i+1} = -400 x_i,  H_{i+1,i+1} += 200.
 * Minimum 0 at (1, ..., 1), H there has condition number ≈ 2508 for n = 2. Start (-1.2, 1, -1.2, 1, ...).
 */
export function rosenbrock(n = 2): Problem {
  checkSize('rosenbrock', n, 2);
  return defineProblem({
    name: 'rosenbrock',
    dim: n,
    f: (x) => {
      let s = 0;
      for (let i = 0; i < n - 1; i++) s += 100 * (x[i + 1] - x[i] * x[i]) ** 2 + (1 - x[i]) ** 2;
      return s;
    },
    grad: (x, g) => {
      g.fill(0);
      for (let i = 0; i < n - 1; i++) {
        const d = x[i + 1] - x[i] * x[i];
        g[i] += -400 * x[i] * d - 2 * (1 - x[i]);
        g[i + 1] += 200 * d;
      }
      return g;
    },
    hessian: (x, h) => {
      h.fill(0);
      for (let i = 0; i < n - 1; i++) {
        h[i * n + i] += 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
        h[i * n + i + 1] = -400 * x[i];
        h[(i + 1) * n + i] = -400 * x[i];
        h[(i + 1) * n + i + 1] += 200;
      }
      return h;
    },
    x0: Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1)),
    minima: [{ x: new Float64Array(n).fill(1), f: 0 }],
    domain:
      n === 2
        ? [
            [-2, 2],
            [-1, 3],
          ]
        : box(n, -2, 2),
    description: 'Rosenbrock: a curved banana valley, minimum 0 at (1, ..., 1).',
  });
}

/**
 * Rastrigin: f = 10 n + sum x_i^2 - 10 cos(2 pi x_i),
 *   g_i = 2 x_i + 20 pi sin(2 pi x_i),   H = diag(2 + 40 pi^2 cos(2 pi x_i)).
 * Global minimum 0 at the origin, a local minimum near every integer point.
 */
export function rastrigin(n = 2): Problem {
  checkSize('rastrigin', n, 1);
  const w = 2 * Math.PI;
  return defineProblem({
    name: 'rastrigin',
    dim: n,
    f: (x) => {
      let s = 10 * n;
      for (let i = 0; i < n; i++) s += x[i] * x[i] - 10 * Math.cos(w * x[i]);
      return s;
    },
    grad: (x, g) => {
      for (let i = 0; i < n; i++) g[i] = 2 * x[i] + 10 * w * Math.sin(w * x[i]);
      return g;
    },
    hessian: (x, h) => {
      h.fill(0);
      for (let i = 0; i < n; i++) h[i * n + i] = 2 + 10 * w * w * Math.cos(w * x[i]);
      return h;
    },
    x0: new Float64Array(n).fill(3),
    minima: [{ x: new Float64Array(n), f: 0 }],
    domain: box(n, -5.12, 5.12),
    description: 'Rastrigin: a bowl covered in local minima, global minimum 0 at the origin.',
  });
}

/**
 * Ackley (a = 20, b = 0.2, c = 2 pi), with r = sqrt(sum x_i^2 / n), E1 = exp(-b r),
 * E2 = exp(sum cos(c x_i) / n):
 *   f    = -a E1 - E2 + a + e
 *   g_i  = a b E1 x_i / (n r) + (c/n) E2 sin(c x_i)
 *   H_ij = (a b / n) E1 [δ_ij / r - x_i x_j (b / (n r^2) + 1 / (n r^3))]
 *          + (c/n) E2 [c δ_ij cos(c x_i) - (c/n) sin(c x_i) sin(c x_j)].
 * The minimum 0 at the origin is the tip of a cone: there the gradient is taken as 0 (a
 * subgradient) and the Hessian is +Infinity on the diagonal (the cone's curvature diverges as 1/r).
 */
export function ackley(n = 2): Problem {
  checkSize('ackley', n, 1);
  const a = 20;
  const b = 0.2;
  const c = 2 * Math.PI;
  const parts = (x: Float64Array) => {
    let ss = 0;
    let cs = 0;
    for (let i = 0; i < n; i++) {
      ss += x[i] * x[i];
      cs += Math.cos(c * x[i]);
    }
    const r = Math.sqrt(ss / n);
    return { r, e1: Math.exp(-b * r), e2: Math.exp(cs / n) };
  };
  return defineProblem({
    name: 'ackley',
    dim: n,
    f: (x) => {
      const { e1, e2 } = parts(x);
      return -a * e1 - e2 + a + Math.E;
    },
    grad: (x, g) => {
      const { r, e1, e2 } = parts(x);
      for (let i = 0; i < n; i++) {
        const cone = r > 0 ? (a * b * e1 * x[i]) / (n * r) : 0;
        g[i] = cone + (c / n) * e2 * Math.sin(c * x[i]);
      }
      return g;
    },
    hessian: (x, h) => {
      const { r, e1, e2 } = parts(x);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const d = i === j ? 1 : 0;
          const cone =
            r > 0
              ? ((a * b) / n) * e1 * (d / r - x[i] * x[j] * (b / (n * r * r) + 1 / (n * r ** 3)))
              : d * Number.POSITIVE_INFINITY;
          const si = Math.sin(c * x[i]);
          const sj = Math.sin(c * x[j]);
          const wave = (c / n) * e2 * (c * d * Math.cos(c * x[i]) - (c / n) * si * sj);
          h[i * n + j] = cone + wave;
        }
      }
      return h;
    },
    x0: new Float64Array(n).fill(3),
    minima: [{ x: new Float64Array(n), f: 0 }],
    domain: box(n, -5, 5),
    description: 'Ackley: a nearly flat outer region with many local minima and a cone-shaped hole at 0.',
  });
}

/**
 * The roots of x^3 - 8x + 1.25 = 0 (where Styblinski-Tang's g_i = 2x^3 - 16x + 2.5 vanishes), by
 * the trigonometric formula t_k = 2 sqrt(8/3) cos(1/3 acos((3q / 2p) sqrt(-3/p)) - 2 pi k / 3),
 * p = -8, q = 1.25: [global minimizer ≈ -2.9035, local maximizer ≈ 0.1567, local minimizer ≈ 2.7468].
 */
function styblinskiTangRoots(): [number, number, number] {
  const p = -8;
  const q = 1.25;
  const m = 2 * Math.sqrt(-p / 3);
  const theta = Math.acos(((3 * q) / (2 * p)) * Math.sqrt(-3 / p)) / 3;
  const t = [0, 1, 2].map((k) => m * Math.cos(theta - (2 * Math.PI * k) / 3)).sort((u, v) => u - v);
  // One Newton step polishes the last bits.
  const polish = (x: number) => x - (x ** 3 - 8 * x + 1.25) / (3 * x * x - 8);
  return [polish(t[0]), polish(t[1]), polish(t[2])];
}

/**
 * Styblinski-Tang: f = 1/2 sum x_i^4 - 16 x_i^2 + 5 x_i,  g_i = 2x_i^3 - 16x_i + 2.5,
 * H = diag(6x_i^2 - 16). Global minimum ≈ -39.166 n at x_i ≈ -2.9035; the worst local minimum at
 * x_i ≈ 2.7468 (2^n local minima in all).
 */
export function styblinskiTang(n = 2): Problem {
  checkSize('styblinski-tang', n, 1);
  const [lo, , hi] = styblinskiTangRoots();
  const f1 = (t: number) => 0.5 * (t ** 4 - 16 * t * t + 5 * t);
  return defineProblem({
    name: 'styblinski-tang',
    dim: n,
    f: (x) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += f1(x[i]);
      return s;
    },
    grad: (x, g) => {
      for (let i = 0; i < n; i++) g[i] = 2 * x[i] ** 3 - 16 * x[i] + 2.5;
      return g;
    },
    hessian: (x, h) => {
      h.fill(0);
      for (let i = 0; i < n; i++) h[i * n + i] = 6 * x[i] * x[i] - 16;
      return h;
    },
    x0: new Float64Array(n),
    minima: [
      { x: new Float64Array(n).fill(lo), f: n * f1(lo) },
      { x: new Float64Array(n).fill(hi), f: n * f1(hi) },
    ],
    domain: box(n, -5, 5),
    description: 'Styblinski-Tang: 2^n local minima, global minimum ≈ -39.166 n at x_i ≈ -2.9035.',
  });
}
