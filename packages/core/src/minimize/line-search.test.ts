import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exactLineSearch } from './exact-line-search.js';
import { moreThuente } from './line-search.js';

interface SearchCase {
  function: string;
  ftol: number;
  gtol: number;
  xtol: number;
  stp0: number;
  stp: number;
  nfev: number;
  task: string;
}
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/scipy_minimize.json', import.meta.url), 'utf8'),
) as { lineSearch: SearchCase[] };

/** Moré & Thuente (1994), Table 1-6: φ and φ' of the six test functions. */
const g = (b: number) => Math.sqrt(1 + b * b) - b;
const yanai =
  (b1: number, b2: number) =>
  (a: number): [number, number] => [
    g(b1) * Math.sqrt((1 - a) ** 2 + b2 * b2) + g(b2) * Math.sqrt(a * a + b1 * b1),
    (g(b1) * (a - 1)) / Math.sqrt((1 - a) ** 2 + b2 * b2) + (g(b2) * a) / Math.sqrt(a * a + b1 * b1),
  ];
const functions: Record<string, (a: number) => [number, number]> = {
  mt1: (a) => [-a / (a * a + 2), (a * a - 2) / (a * a + 2) ** 2],
  mt2: (a) => [(a + 0.004) ** 5 - 2 * (a + 0.004) ** 4, 5 * (a + 0.004) ** 4 - 8 * (a + 0.004) ** 3],
  mt3: (a) => {
    const b = 0.01;
    const l = 39;
    const [p0, d0] =
      a <= 1 - b ? [1 - a, -1] : a >= 1 + b ? [a - 1, 1] : [(a - 1) ** 2 / (2 * b) + b / 2, (a - 1) / b];
    const c = (2 * (1 - b)) / (l * Math.PI);
    return [
      p0 + c * Math.sin((l * Math.PI * a) / 2),
      d0 + c * ((l * Math.PI) / 2) * Math.cos((l * Math.PI * a) / 2),
    ];
  },
  mt4: yanai(0.001, 0.001),
  mt5: yanai(0.01, 0.001),
  mt6: yanai(0.001, 0.01),
};

describe("moreThuente follows MINPACK-2's dcsrch (SciPy's) on Moré & Thuente's test functions", () => {
  for (const c of fixture.lineSearch) {
    it(`${c.function} from α0 = ${c.stp0}: the same step with the same evaluations`, () => {
      const fn = functions[c.function];
      const [f0, d0] = fn(0);
      const r = moreThuente(
        (t) => {
          const [f, df] = fn(t);
          return { f, df };
        },
        f0,
        d0,
        c.stp0,
        { ftol: c.ftol, gtol: c.gtol, xtol: c.xtol, stpmin: 0, stpmax: 1e10 },
      );
      expect(r.task).toBe(c.task);
      expect(r.converged).toBe(true);
      expect(r.evals).toBe(c.nfev);
      expect(Math.abs(r.step - c.stp)).toBeLessThanOrEqual(1e-12 * Math.abs(c.stp));
      // and the strong Wolfe conditions hold there
      expect(r.f).toBeLessThanOrEqual(f0 + c.ftol * r.step * d0);
      expect(Math.abs(r.df)).toBeLessThanOrEqual(c.gtol * Math.abs(d0));
    });
  }
});

describe('moreThuente with bad input or overflow', () => {
  it('refuses an ascent direction without evaluating anything', () => {
    let calls = 0;
    const r = moreThuente(
      () => {
        calls++;
        return { f: 0, df: 0 };
      },
      1,
      0.5,
      1,
    );
    expect(r.converged).toBe(false);
    expect(r.step).toBe(0);
    expect(calls).toBe(0);
  });

  it('treats an infinite φ as a higher value and backtracks to a finite Wolfe point', () => {
    // φ(α) = (α - 1)², +∞ beyond α = 2; starting at α = 100
    const phi = (a: number) =>
      a < 2 ? { f: (a - 1) ** 2, df: 2 * (a - 1) } : { f: Number.POSITIVE_INFINITY, df: Number.NaN };
    const r = moreThuente(phi, 1, -2, 100, { ftol: 1e-4, gtol: 0.9 });
    expect(r.converged).toBe(true);
    expect(r.step).toBeLessThan(2);
    expect(r.f).toBeLessThan(1);
  });
});

describe('exactLineSearch', () => {
  it('finds the exact minimizer along a quadratic in one secant step', () => {
    // φ(α) = 3 (α - 0.7)² + 1: φ'(α) = 6 (α - 0.7), minimum at 0.7
    const phi = (a: number) => ({ f: 3 * (a - 0.7) ** 2 + 1, df: 6 * (a - 0.7) });
    const r = exactLineSearch(phi, phi(0).f, phi(0).df, 1);
    expect(r.step).toBeCloseTo(0.7, 14);
    expect(r.evals).toBe(2);
  });

  it("converges on a non-quadratic φ to |φ'| <= 1e-12 |φ'(0)|", () => {
    // φ(α) = cosh(α - 0.3): minimum at 0.3
    const phi = (a: number) => ({ f: Math.cosh(a - 0.3), df: Math.sinh(a - 0.3) });
    const r = exactLineSearch(phi, phi(0).f, phi(0).df, 1);
    expect(r.converged).toBe(true);
    expect(r.step).toBeCloseTo(0.3, 10);
  });
});
