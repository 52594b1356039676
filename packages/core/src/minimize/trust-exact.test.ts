/**
 * 'trust-exact' against SciPy's minimize(method='trust-exact', jac, hess) (Debian's SciPy,
 * test/fixtures/scipy-trust-exact/make.py): the same iterates, f*, x*, nit, nfev and njev on
 * Rosenbrock, Himmelblau from its local maximum (an indefinite Hessian), Beale, extended
 * Rosenbrock n = 10 and a saddle whose gradient misses the negative curvature (the hard case).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { minimize } from './minimize.js';

interface Run {
  name: string;
  x0: number[];
  x: number[];
  fun: number;
  nit: number;
  nfev: number;
  njev: number;
  nhev: number;
  message: string;
  success: boolean;
  allvecs: number[][];
}
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/scipy-trust-exact/trust_exact.json', import.meta.url), 'utf8'),
) as { runs: Run[] };

type Problem = {
  f(x: Float64Array): number;
  grad(x: Float64Array, g: Float64Array): void;
  hessian(x: Float64Array, h: Float64Array): void;
};

const C = [1.5, 2.25, 2.625];
const problems: Record<string, Problem> = {
  rosenbrock: {
    f: (x) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2,
    grad(x, g) {
      g[0] = -400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]);
      g[1] = 200 * (x[1] - x[0] ** 2);
    },
    hessian(x, h) {
      h.set([1200 * x[0] ** 2 - 400 * x[1] + 2, -400 * x[0], -400 * x[0], 200]);
    },
  },
  himmelblau: {
    f: (x) => (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2,
    grad(x, g) {
      const a = x[0] ** 2 + x[1] - 11;
      const b = x[0] + x[1] ** 2 - 7;
      g[0] = 4 * x[0] * a + 2 * b;
      g[1] = 2 * a + 4 * x[1] * b;
    },
    hessian(x, h) {
      const a = x[0] ** 2 + x[1] - 11;
      const b = x[0] + x[1] ** 2 - 7;
      const off = 4 * x[0] + 4 * x[1];
      h.set([4 * a + 8 * x[0] ** 2 + 2, off, off, 4 * b + 8 * x[1] ** 2 + 2]);
    },
  },
  beale: {
    f: (x) => C.reduce((s, c, i) => s + (c - x[0] * (1 - x[1] ** (i + 1))) ** 2, 0),
    grad(x, g) {
      g.fill(0);
      C.forEach((c, i) => {
        const k = i + 1;
        const r = c - x[0] * (1 - x[1] ** k);
        g[0] += 2 * r * -(1 - x[1] ** k);
        g[1] += 2 * r * x[0] * k * x[1] ** (k - 1);
      });
    },
    hessian(x, h) {
      let h00 = 0;
      let h01 = 0;
      let h11 = 0;
      C.forEach((c, i) => {
        const k = i + 1;
        const r = c - x[0] * (1 - x[1] ** k);
        const ra = -(1 - x[1] ** k);
        const rb = x[0] * k * x[1] ** (k - 1);
        const rab = k * x[1] ** (k - 1);
        const rbb = k > 1 ? x[0] * k * (k - 1) * x[1] ** (k - 2) : 0;
        h00 += 2 * ra * ra;
        h01 += 2 * (ra * rb + r * rab);
        h11 += 2 * (rb * rb + r * rbb);
      });
      h.set([h00, h01, h01, h11]);
    },
  },
  'extended-rosenbrock-10': {
    f(x) {
      let s = 0;
      for (let i = 0; i < x.length; i += 2) s += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
      return s;
    },
    grad(x, g) {
      for (let i = 0; i < x.length; i += 2) {
        const t = x[i + 1] - x[i] ** 2;
        g[i] = -400 * x[i] * t - 2 * (1 - x[i]);
        g[i + 1] = 200 * t;
      }
    },
    hessian(x, h) {
      const n = x.length;
      h.fill(0);
      for (let i = 0; i < n; i += 2) {
        h[i * n + i] = 1200 * x[i] ** 2 - 400 * x[i + 1] + 2;
        h[i * n + i + 1] = h[(i + 1) * n + i] = -400 * x[i];
        h[(i + 1) * n + i + 1] = 200;
      }
    },
  },
  saddle: {
    f: (x) => x[0] ** 2 - x[1] ** 2 + 0.25 * x[1] ** 4,
    grad(x, g) {
      g[0] = 2 * x[0];
      g[1] = -2 * x[1] + x[1] ** 3;
    },
    hessian(x, h) {
      h.set([2, 0, 0, -2 + 3 * x[1] ** 2]);
    },
  },
};

describe("trust-exact follows SciPy's trust-exact iterate for iterate", () => {
  it.each(fixture.runs.map((r) => [r.name, r] as const))('on %s', (name, run) => {
    const path: Float64Array[] = [];
    const r = minimize(problems[name], run.x0, {
      method: 'trust-exact',
      callback: (x) => {
        path.push(x);
      },
    });
    expect(r.message).toBe(run.message);
    expect(r.converged).toBe(run.success);
    expect([r.nit, r.nfev, r.ngev]).toEqual([run.nit, run.nfev, run.njev]);
    expect(r.nhev).toBeLessThanOrEqual(run.nhev); // SciPy also evaluates ∇²f at rejected points
    expect(path.length).toBe(run.allvecs.length - 1);
    path.forEach((x, k) => {
      const ref = run.allvecs[k + 1];
      for (let i = 0; i < x.length; i++)
        expect(Math.abs(x[i] - ref[i])).toBeLessThan(1e-8 * Math.max(1, Math.abs(ref[i])));
    });
    expect(Math.abs(r.fun - run.fun)).toBeLessThan(1e-10);
  });
});

describe('trust-exact: Hessian sources and errors', () => {
  it("reaches Rosenbrock's minimum with a finite-difference Hessian when the objective has none", () => {
    const { f, grad } = problems.rosenbrock;
    const r = minimize({ f, grad }, [-1.2, 1], { method: 'trust-exact' });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-5);
    expect(Math.abs(r.x[1] - 1)).toBeLessThan(1e-5);
  });

  it("accepts SciPy's spelling 'Trust-Exact' and refuses hessian: 'exact' without a hessian", () => {
    const r = minimize(problems.beale, [1, 1], { method: 'Trust-Exact' });
    expect(r.converged).toBe(true);
    const { f, grad } = problems.beale;
    expect(() => minimize({ f, grad }, [1, 1], { method: 'trust-exact', hessian: 'exact' })).toThrow(
      /Invalid hessian value: 'exact', but the objective has no hessian/,
    );
  });

  it('stops at once with converged true when ‖∇f‖ is below gtol at x0 (no Hessian evaluated)', () => {
    const r = minimize(problems.rosenbrock, [1, 1], { method: 'trust-exact' });
    expect([r.nit, r.nfev, r.nhev, r.converged]).toEqual([0, 1, 0, true]);
  });
});
