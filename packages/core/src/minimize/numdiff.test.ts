/**
 * Numerical gradients against SciPy's approx_derivative / approx_fprime / check_grad, and
 * minimize() with `jac` and with value-only objectives against SciPy's minimize(jac='2-point' |
 * '3-point'). Fixture: test/fixtures/scipy-numdiff/make.py (Debian's SciPy).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { minimize } from './minimize.js';
import { approxFprime, approxGradient, checkGrad } from './numdiff.js';

interface GradientCase {
  function: 'rosen' | 'cubic';
  x: number[];
  '2-point': number[];
  '3-point': number[];
  approx_fprime: number[];
  'approx_fprime_1e-6': number[];
}
interface MinimizeCase {
  n: number;
  method: string;
  jac: '2-point' | '3-point' | null;
  x0: number[];
  x: number[];
  fun: number;
  nfev: number;
  njev: number;
}
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/scipy-numdiff/numdiff.json', import.meta.url), 'utf8'),
) as {
  gradients: GradientCase[];
  checkGrad: { x: number[]; right: number; wrong: number }[];
  minimize: MinimizeCase[];
};

/** The fixture's functions, term by term in the same order as make.py (so f agrees bit for bit). */
function rosen(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i + 1] - x[i] * x[i]) ** 2 + (1 - x[i]) ** 2;
  return s;
}
function cubic(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += ((i + 1) * x[i] * x[i] * x[i]) / 3;
  return s - x[0] * x[1] + 1e-3 * x[2] * x[2] * x[2] * x[2];
}
const functions = { rosen, cubic };

function expectClose(ours: ArrayLike<number>, theirs: number[], rel: number): void {
  expect(ours.length).toBe(theirs.length);
  for (let i = 0; i < theirs.length; i++) {
    expect(Math.abs(ours[i] - theirs[i])).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(theirs[i])));
  }
}

describe('approxGradient / approxFprime / checkGrad match SciPy', () => {
  for (const c of fixture.gradients) {
    const f = functions[c.function];
    it(`'2-point' and '3-point' at ${c.function}(${c.x.join(', ')}) equal approx_derivative`, () => {
      const x = Float64Array.from(c.x);
      expectClose(approxGradient(f, x, '2-point'), c['2-point'], 1e-12);
      expectClose(approxGradient(f, x, '3-point'), c['3-point'], 1e-12);
      expect(Array.from(x)).toEqual(c.x);
    });
    it(`approxFprime at ${c.function}(${c.x.join(', ')}) equals approx_fprime (default and 1e-6 steps)`, () => {
      expectClose(approxFprime(c.x, f), c.approx_fprime, 1e-12);
      expectClose(approxFprime(c.x, f, 1e-6), c['approx_fprime_1e-6'], 1e-12);
    });
  }

  it('checkGrad is small for the right gradient and about the error for a wrong one, as check_grad', () => {
    for (const c of fixture.checkGrad) {
      const right = (x: Float64Array, out: Float64Array) => {
        out.set([x[0] * x[0] - x[1], 2 * x[1] * x[1] - x[0], 3 * x[2] * x[2] + 4e-3 * x[2] ** 3]);
      };
      const wrong = (x: Float64Array) =>
        Float64Array.from([x[0] * x[0] - x[1], 2 * x[1] * x[1], 3 * x[2] * x[2] + 4e-3 * x[2] ** 3]);
      expect(checkGrad(cubic, right, c.x)).toBeCloseTo(c.right, 12);
      expect(checkGrad(cubic, wrong, c.x)).toBeCloseTo(c.wrong, 10);
    }
  });

  it("refuses 'cs' with the reason, and a bad epsilon", () => {
    expect(() => minimize(rosen, [1, 2], { jac: 'cs' as '2-point' })).toThrow(/complex/);
    expect(() => minimize(rosen, [1, 2], { jac: 'forward' as '2-point' })).toThrow(RangeError);
    expect(() => approxFprime([1], cubic, 0)).toThrow(/epsilon/);
  });
});

describe('minimize() with numerical gradients reaches SciPy minima with at most 1.2x its nfev', () => {
  for (const c of fixture.minimize) {
    if (c.jac === null) continue;
    const method = c.method === 'L-BFGS-B' ? 'lbfgs' : 'bfgs';
    it(`${method} with jac '${c.jac}' on Rosenbrock n = ${c.n}`, () => {
      const r = minimize(rosen, c.x0, { method, jac: c.jac ?? undefined });
      expect(r.converged, r.message).toBe(true);
      expect(r.gradSource).toBe(c.jac);
      expect(r.fun).toBeLessThan(1e-8);
      expectClose(r.x, c.x, 1e-4);
      expect(r.nfev).toBeLessThanOrEqual(1.2 * c.nfev);
    });
  }
});

describe('minimize() never reads an unwritten gradient as zero', () => {
  const start = [-1.2, 1];
  const scipy = fixture.minimize.find((c) => c.n === 2 && c.method === 'L-BFGS-B' && c.jac === '2-point');

  it("differentiates a value-only objective (x) => f with '2-point', and says so", () => {
    let calls = 0;
    const r = minimize((x) => {
      calls++;
      return rosen(x);
    }, start);
    expect(r.converged, r.message).toBe(true);
    expect(r.fun).toBeLessThan(1e-8);
    expect(r.gradSource).toBe('2-point');
    expect(r.message).toMatch(/'2-point' finite differences: the objective wrote no gradient/);
    expect(r.nfev).toBe(calls); // every evaluation counted, the differences' included
    expect(r.nfev).toBeLessThanOrEqual(1.2 * (scipy?.nfev ?? 0));
  });

  it("counts n evaluations per '2-point' gradient and 2n per '3-point' gradient, as SciPy", () => {
    for (const jac of ['2-point', '3-point'] as const) {
      let calls = 0;
      const r = minimize(
        (x) => {
          calls++;
          return rosen(x);
        },
        start,
        { method: 'bfgs', jac, maxIter: 3 },
      );
      const perGradient = jac === '2-point' ? 2 : 4;
      expect(r.nfev).toBe(calls);
      expect(r.nfev - r.ngev * perGradient).toBe(r.ngev); // one f per gradient point, the rest differences
    }
  });

  it('uses the differences when jac is set even if the objective has an analytic gradient', () => {
    let gradCalls = 0;
    const r = minimize(
      (x, g) => {
        if (g) {
          gradCalls++;
          g.fill(0);
        }
        return rosen(x);
      },
      start,
      { jac: '3-point' },
    );
    expect(gradCalls).toBe(0);
    expect(r.fun).toBeLessThan(1e-8);
  });

  it('throws naming the first entry an objective left unwritten', () => {
    const partial = (x: Float64Array, g?: Float64Array) => {
      if (g) g[0] = 2 * x[0];
      return x[0] ** 2 + x[1] ** 2 + x[2] ** 2;
    };
    expect(() => minimize(partial, [1, 2, 3])).toThrow(/g\[1\] was not written/);
    const problem = { f: (x: Float64Array) => x[0] ** 2, grad: () => undefined };
    expect(() => minimize(problem, [1])).toThrow(/grad\(x, out\) wrote no entry/);
  });

  it('reads a gradient written as NaN as NaN (diverged), not as unwritten', () => {
    const r = minimize(
      (x, g) => {
        if (g) g.fill(Number.NaN);
        return x[0] ** 2;
      },
      [1],
    );
    expect(r.converged).toBe(false);
    expect(r.gradSource).toBe('analytic');
    expect(r.message).toMatch(/gradient is not finite/);
  });
});
