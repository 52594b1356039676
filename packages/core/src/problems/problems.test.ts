import { describe, expect, it } from 'vitest';
import minimaFixture from '../../test/fixtures/analysis-minima.json' with { type: 'json' };
import { seededRandom } from '../analysis/seeded-random.js';
import { rastrigin, rosenbrock, styblinskiTang } from './classic-nd.js';
import { moreGarbowHillstrom, powellSingular, watson } from './more-garbow-hillstrom.js';
import { cube, hyperbolicTangent, saddle, xCos } from './notes.js';
import type { Problem } from './problem.js';
import { quadratic } from './quadratic.js';
import { getProblem, listProblems } from './registry.js';

/** Every registered problem at its default size, plus sizes and instances the registry hides. */
const zoo: Problem[] = [
  ...listProblems().map((name) => getProblem(name)),
  rosenbrock(5),
  rastrigin(3),
  getProblem('ackley', { n: 3 }),
  styblinskiTang(4),
  powellSingular(8),
  watson(9),
  watson(12),
  xCos(3),
  quadratic(
    [
      [4, 1, 0],
      [1, 3, -1],
      [0, -1, 2],
    ],
    [1, -2, 0.5],
  ),
];

/** Central differences of f (for grad) per coordinate, with steps scaled to the domain width. */
function fdGradient(p: Problem, x: Float64Array): Float64Array {
  const g = new Float64Array(p.dim);
  for (let i = 0; i < p.dim; i++) {
    const h = 1e-6 * (p.domain[i][1] - p.domain[i][0]);
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[i] += h;
    xm[i] -= h;
    g[i] = (p.f(xp) - p.f(xm)) / (2 * h);
  }
  return g;
}

/** Central differences of grad (column j of the Hessian). */
function fdHessian(p: Problem, x: Float64Array): Float64Array {
  const n = p.dim;
  const H = new Float64Array(n * n);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const h = 1e-6 * (p.domain[j][1] - p.domain[j][0]);
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[j] += h;
    xm[j] -= h;
    p.grad(xp, gp);
    p.grad(xm, gm);
    for (let i = 0; i < n; i++) H[i * n + j] = (gp[i] - gm[i]) / (2 * h);
  }
  return H;
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** Whether H + tol I has a Cholesky factor (H positive semidefinite up to tol). */
function psdWithin(n: number, H: Float64Array, tol: number): boolean {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = H[j * n + j] + tol;
    for (let k = 0; k < j; k++) d -= L[j * n + k] ** 2;
    if (!(d > 0)) return false;
    L[j * n + j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = H[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / L[j * n + j];
    }
  }
  return true;
}

/** A random point in the middle 80% of the problem's box. */
function randomPoint(p: Problem, r: ReturnType<typeof seededRandom>): Float64Array {
  return Float64Array.from(p.domain, ([lo, hi]) => lo + (0.1 + 0.8 * r.uniform()) * (hi - lo));
}

describe.each(zoo.map((p) => [`${p.name} (n = ${p.dim})`, p] as const))('%s', (_label, p) => {
  it('has a consistent shape: x0, the domain and every minimum have length dim', () => {
    expect(p.x0.length).toBe(p.dim);
    expect(p.domain.length).toBe(p.dim);
    for (const m of p.minima) expect(m.x.length).toBe(p.dim);
    expect(Number.isFinite(p.f(p.x0))).toBe(true);
  });

  it('has an analytic gradient matching central differences at 5 random points', () => {
    const r = seededRandom(11);
    const g = new Float64Array(p.dim);
    for (let k = 0; k < 5; k++) {
      const x = randomPoint(p, r);
      p.grad(x, g);
      const fd = fdGradient(p, x);
      for (let i = 0; i < p.dim; i++) {
        // Truncation (relative 1e-6) plus the rounding bound eps |f| / h of a central difference.
        const h = 1e-6 * (p.domain[i][1] - p.domain[i][0]);
        const tol = 1e-6 * Math.max(1, maxAbs(g)) + (100 * Number.EPSILON * Math.abs(p.f(x))) / h;
        expect(Math.abs(g[i] - fd[i])).toBeLessThanOrEqual(tol);
      }
    }
  });

  it('has an analytic Hessian matching central differences of the gradient at 5 random points', () => {
    expect(p.hessian).toBeDefined();
    const r = seededRandom(12);
    const H = new Float64Array(p.dim * p.dim);
    for (let k = 0; k < 5; k++) {
      const x = randomPoint(p, r);
      p.hessian?.(x, H);
      const fd = fdHessian(p, x);
      const g = p.grad(x, new Float64Array(p.dim));
      for (let j = 0; j < p.dim; j++) {
        const h = 1e-6 * (p.domain[j][1] - p.domain[j][0]);
        const tol = 1e-6 * Math.max(1, maxAbs(H)) + (100 * Number.EPSILON * maxAbs(g)) / h;
        for (let i = 0; i < p.dim; i++)
          expect(Math.abs(H[i * p.dim + j] - fd[i * p.dim + j])).toBeLessThanOrEqual(tol);
      }
    }
  });

  it.runIf(p.minima.length > 0)(
    'has known minima with the stated value, ~zero gradient and a PSD Hessian',
    () => {
      const g = new Float64Array(p.dim);
      const H = new Float64Array(p.dim * p.dim);
      for (const m of p.minima) {
        expect(p.f(m.x)).toBeCloseTo(m.f, 10);
        p.grad(m.x, g);
        p.hessian?.(m.x, H);
        const scale = Math.max(1, maxAbs(H.filter(Number.isFinite)));
        expect(maxAbs(g)).toBeLessThanOrEqual(1e-9 * scale);
        // Ackley's minimum is a cone tip: its Hessian is +Infinity on the diagonal, still "PSD".
        if (H.every(Number.isFinite)) expect(psdWithin(p.dim, H, 1e-8 * scale)).toBe(true);
      }
    },
  );
});

describe("the notes' examples", () => {
  it("tanh has the vanishing gradient tanh'(4) ≈ 0.0013 at its start", () => {
    const p = hyperbolicTangent();
    const g = p.grad(p.x0, new Float64Array(1));
    expect(p.x0[0]).toBe(4);
    expect(g[0]).toBeCloseTo(1 - Math.tanh(4) ** 2, 15);
    expect(g[0]).toBeCloseTo(0.0013, 4);
  });

  it('x^3 has a zero gradient and a zero second derivative at 0 and no minimum', () => {
    const p = cube();
    expect(p.grad(new Float64Array([0]), new Float64Array(1))[0]).toBe(0);
    expect(p.hessian?.(new Float64Array([0]), new Float64Array(1))[0]).toBe(0);
    expect(p.minima).toEqual([]);
  });

  it('x cos(c x) lists exactly the local minima seen on a fine grid of f values', () => {
    for (const c of [1, 2.5]) {
      const p = xCos(c);
      const [lo, hi] = p.domain[0];
      const N = 100_000;
      const grid: number[] = [];
      for (let i = 0; i <= N; i++) grid.push(p.f(new Float64Array([lo + ((hi - lo) * i) / N])));
      const seen: number[] = [];
      for (let i = 1; i < N; i++)
        if (grid[i] < grid[i - 1] && grid[i] < grid[i + 1]) seen.push(lo + ((hi - lo) * i) / N);
      const listed = p.minima.map((m) => m.x[0]).sort((a, b) => a - b);
      expect(listed.length).toBe(seen.length);
      for (const [k, x] of listed.entries()) expect(Math.abs(x - seen[k])).toBeLessThan((2 * (hi - lo)) / N);
    }
  });

  it('the saddle has Hessian diag(2, -2)', () => {
    expect(Array.from(saddle().hessian?.(new Float64Array(2), new Float64Array(4)) ?? [])).toEqual([
      2, 0, 0, -2,
    ]);
  });

  it("Styblinski-Tang's global minimum is -39.16616570377142 per coordinate", () => {
    const p = styblinskiTang(3);
    expect(p.minima[0].f).toBeCloseTo(3 * -39.16616570377142, 11);
  });
});

describe('the listed minima', () => {
  const fixture = minimaFixture as unknown as Record<string, [number[], number][]>;
  it.each([
    ['himmelblau', getProblem('himmelblau'), fixture.himmelblau.slice(0, 4)],
    ['six-hump-camel', getProblem('six-hump-camel'), fixture['six-hump-camel']],
    ['goldstein-price', getProblem('goldstein-price'), fixture['goldstein-price']],
    ['freudenstein-roth', getProblem('freudenstein-roth'), fixture['freudenstein-roth']],
    ['powell-badly-scaled', getProblem('powell-badly-scaled'), fixture['powell-badly-scaled']],
    ['watson (n = 6)', watson(6), fixture.watson6],
    ['watson (n = 9)', watson(9), fixture.watson9],
    ['watson (n = 12)', watson(12), fixture.watson12],
    ['biggs-exp6', getProblem('biggs-exp6'), fixture['biggs-exp6-from-x0']],
  ])('of %s are the 40-digit Newton points of analysis-minima.py', (_name, p, expected) => {
    for (const [x, f] of expected) {
      const m = p.minima.find((q) =>
        q.x.every((v, i) => Math.abs(v - x[i]) <= 1e-12 * Math.max(1, Math.abs(x[i]))),
      );
      expect(m).toBeDefined();
      expect(m?.f).toBeCloseTo(f, 12);
    }
  });
});

describe('the registry and the factories', () => {
  it('lists the Moré-Garbow-Hillstrom set with its standard starts', () => {
    const mgh = moreGarbowHillstrom();
    expect(mgh.map((p) => p.name)).toEqual([
      'rosenbrock',
      'freudenstein-roth',
      'powell-badly-scaled',
      'brown-badly-scaled',
      'beale',
      'helical-valley',
      'powell-singular',
      'wood',
      'biggs-exp6',
      'watson',
    ]);
    expect(Array.from(mgh[0].x0)).toEqual([-1.2, 1]);
    expect(Array.from(mgh[7].x0)).toEqual([-3, -1, -3, -1]);
    // MGH's published f(x0): Rosenbrock 24.2, Wood 19192, Powell singular 215, Helical valley 2500.
    expect(mgh[0].f(mgh[0].x0)).toBeCloseTo(24.2, 10);
    expect(mgh[7].f(mgh[7].x0)).toBeCloseTo(19192, 8);
    expect(mgh[6].f(mgh[6].x0)).toBeCloseTo(215, 10);
    expect(mgh[5].f(mgh[5].x0)).toBeCloseTo(2500, 8);
  });

  it('gives each call its own arrays', () => {
    const a = getProblem('rosenbrock');
    a.x0[0] = 99;
    expect(getProblem('rosenbrock').x0[0]).toBe(-1.2);
  });

  it.each([
    ['an unknown name', () => getProblem('nope'), /Unknown problem: "nope"/],
    ['a bad dimension', () => getProblem('rosenbrock', { n: 1 }), /Invalid dimension for rosenbrock: 1/],
    ['n for a fixed-size problem', () => getProblem('beale', { n: 3 }), /Invalid dimension for beale: 3/],
    ['n not a multiple of 4', () => powellSingular(6), /multiple of 4/],
    [
      'a point of the wrong length',
      () => rosenbrock(3).f(new Float64Array(2)),
      /x has length 2, expected rosenbrock.dim = 3/,
    ],
    [
      'an out of the wrong length',
      () => rosenbrock(2).grad(new Float64Array(2), new Float64Array(3)),
      /out has length 3/,
    ],
    [
      'a non-symmetric quadratic',
      () =>
        quadratic(
          [
            [1, 2],
            [3, 4],
          ],
          [0, 0],
        ),
      /A must be symmetric: A\[1\]\[0\] = 3 but A\[0\]\[1\] = 2/,
    ],
    ['a quadratic with a short b', () => quadratic([[1]], [0, 0]), /b has length 2, expected A.rows = 1/],
  ])('rejects %s with a clear error', (_what, call, message) => {
    expect(call).toThrow(message);
  });

  it('finds the minimizer of a positive definite quadratic and none of an indefinite one', () => {
    const p = quadratic(
      [
        [2, 1],
        [1, 3],
      ],
      [1, 2],
    );
    // A^{-1} b = (1/5) [[3, -1], [-1, 2]] (1, 2) = (0.2, 0.6); f* = -1/2 b.x* = -0.7.
    expect(p.minima[0].x[0]).toBeCloseTo(0.2, 14);
    expect(p.minima[0].x[1]).toBeCloseTo(0.6, 14);
    expect(p.minima[0].f).toBeCloseTo(-0.7, 14);
    expect(
      quadratic(
        [
          [1, 0],
          [0, -1],
        ],
        [0, 0],
      ).minima,
    ).toEqual([]);
  });
});
