/**
 * The course notes' one- and two-dimensional examples, each showing one idea:
 *   x^2          the model minimum (f'' = 2 > 0)
 *   x^3          a degenerate critical point at 0 (f' = f'' = 0, neither min nor max)
 *   x cos(c x)   a non-convex curve with a row of local minima
 *   tanh(x)      the vanishing gradient: tanh'(4) = 1 - tanh(4)^2 ≈ 0.0013
 *   x^2 - y^2    the saddle: H = diag(2, -2), escape along y
 *   x^3 - 3xy^2  the monkey saddle: H = 0 at the origin (degenerate, three valleys)
 *   0.1 x1^2 + 2 x2^2   an ill-conditioned bowl: kappa = 20, gradient descent zig-zags
 * The general quadratic 1/2 x^T A x - b^T x is in quadratic.ts.
 */
import { box, defineProblem, type Problem } from './problem.js';

/** f(x) = x^2, f' = 2x, f'' = 2. */
export function square(): Problem {
  return defineProblem({
    name: 'square',
    dim: 1,
    f: (x) => x[0] * x[0],
    grad: (x, g) => {
      g[0] = 2 * x[0];
      return g;
    },
    hessian: (_x, h) => {
      h[0] = 2;
      return h;
    },
    x0: [1.5],
    minima: [{ x: [0], f: 0 }],
    domain: box(1, -2, 2),
    description: "x^2: the model minimum, f'' = 2 > 0 everywhere.",
  });
}

/** f(x) = x^3, f' = 3x^2, f'' = 6x: the critical point 0 is degenerate (no minimum). */
export function cube(): Problem {
  return defineProblem({
    name: 'cube',
    dim: 1,
    f: (x) => x[0] ** 3,
    grad: (x, g) => {
      g[0] = 3 * x[0] * x[0];
      return g;
    },
    hessian: (x, h) => {
      h[0] = 6 * x[0];
      return h;
    },
    x0: [1],
    minima: [],
    domain: box(1, -1.5, 1.5),
    description: "x^3: f'(0) = f''(0) = 0, a degenerate critical point that is not a minimum.",
  });
}

/**
 * f(x) = x cos(c x),  f' = cos(c x) - c x sin(c x),  f'' = -2c sin(c x) - c^2 x cos(c x).
 * The local minima in the domain [-10/c, 10/c] are the roots of f' where f' turns from - to +,
 * found by a sign scan and bisection to machine precision (they have no closed form).
 */
export function xCos(c = 1): Problem {
  if (!Number.isFinite(c) || c <= 0) throw new RangeError(`Invalid frequency c: ${c}`);
  const f = (x: number) => x * Math.cos(c * x);
  const df = (x: number) => Math.cos(c * x) - c * x * Math.sin(c * x);
  const lo = -10 / c;
  const hi = 10 / c;
  const minima: { x: number[]; f: number }[] = [];
  const steps = 2000;
  for (let i = 0; i < steps; i++) {
    let a = lo + ((hi - lo) * i) / steps;
    let b = lo + ((hi - lo) * (i + 1)) / steps;
    if (!(df(a) < 0 && df(b) >= 0)) continue;
    for (let k = 0; k < 200 && b - a > 0; k++) {
      const m = 0.5 * (a + b);
      if (m === a || m === b) break;
      if (df(m) < 0) a = m;
      else b = m;
    }
    const xm = Math.abs(df(a)) < Math.abs(df(b)) ? a : b;
    minima.push({ x: [xm], f: f(xm) });
  }
  minima.sort((p, q) => p.f - q.f);
  return defineProblem({
    name: 'x-cos',
    dim: 1,
    f: (x) => f(x[0]),
    grad: (x, g) => {
      g[0] = df(x[0]);
      return g;
    },
    hessian: (x, h) => {
      h[0] = -2 * c * Math.sin(c * x[0]) - c * c * x[0] * Math.cos(c * x[0]);
      return h;
    },
    x0: [1 / c],
    minima,
    domain: box(1, lo, hi),
    description: `x cos(${c} x): non-convex, a local minimum in every period.`,
  });
}

/** f(x) = tanh(x), f' = 1 - tanh^2 x, f'' = -2 tanh x (1 - tanh^2 x). No minimum; start at 4. */
export function hyperbolicTangent(): Problem {
  return defineProblem({
    name: 'tanh',
    dim: 1,
    f: (x) => Math.tanh(x[0]),
    grad: (x, g) => {
      const t = Math.tanh(x[0]);
      g[0] = 1 - t * t;
      return g;
    },
    hessian: (x, h) => {
      const t = Math.tanh(x[0]);
      h[0] = -2 * t * (1 - t * t);
      return h;
    },
    x0: [4],
    minima: [],
    domain: box(1, -5, 5),
    description: "tanh(x): the vanishing gradient, tanh'(4) ≈ 0.0013.",
  });
}

/** f(x, y) = x^2 - y^2: H = diag(2, -2), a saddle at 0 escaped along y. */
export function saddle(): Problem {
  return defineProblem({
    name: 'saddle',
    dim: 2,
    f: (x) => x[0] * x[0] - x[1] * x[1],
    grad: (x, g) => {
      g[0] = 2 * x[0];
      g[1] = -2 * x[1];
      return g;
    },
    hessian: (_x, h) => {
      h.set([2, 0, 0, -2]);
      return h;
    },
    x0: [1, 1e-3],
    minima: [],
    domain: box(2, -2, 2),
    description: 'x^2 - y^2: the saddle, eigenvalues (2, -2), escape direction y.',
  });
}

/** f(x, y) = x^3 - 3 x y^2: grad = (3x^2 - 3y^2, -6xy), H = [[6x, -6y], [-6y, -6x]] (0 at 0). */
export function monkeySaddle(): Problem {
  return defineProblem({
    name: 'monkey-saddle',
    dim: 2,
    f: (x) => x[0] ** 3 - 3 * x[0] * x[1] * x[1],
    grad: (x, g) => {
      g[0] = 3 * x[0] * x[0] - 3 * x[1] * x[1];
      g[1] = -6 * x[0] * x[1];
      return g;
    },
    hessian: (x, h) => {
      h[0] = 6 * x[0];
      h[1] = -6 * x[1];
      h[2] = -6 * x[1];
      h[3] = -6 * x[0];
      return h;
    },
    x0: [0.5, 0.5],
    minima: [],
    domain: box(2, -1.5, 1.5),
    description: 'x^3 - 3xy^2: the monkey saddle, H = 0 at the origin (degenerate).',
  });
}

/** f(x) = 0.1 x1^2 + 2 x2^2: H = diag(0.2, 4), condition number 20. */
export function illConditionedQuadratic(): Problem {
  return defineProblem({
    name: 'ill-conditioned',
    dim: 2,
    f: (x) => 0.1 * x[0] * x[0] + 2 * x[1] * x[1],
    grad: (x, g) => {
      g[0] = 0.2 * x[0];
      g[1] = 4 * x[1];
      return g;
    },
    hessian: (_x, h) => {
      h.set([0.2, 0, 0, 4]);
      return h;
    },
    x0: [10, 1],
    minima: [{ x: [0, 0], f: 0 }],
    domain: [
      [-12, 12],
      [-3, 3],
    ],
    description: '0.1 x1^2 + 2 x2^2: kappa = 20, gradient descent zig-zags across the valley.',
  });
}
