/**
 * Nelder–Mead and Powell against SciPy's minimize(method='Nelder-Mead' | 'Powell') on Rosenbrock,
 * Himmelblau and Beale (test/fixtures/scipy-derivative-free/make.py, Debian's SciPy). Both ports
 * follow SciPy step for step, so the counts agree exactly where f agrees bit for bit (it does: the
 * functions below are written term by term as make.py writes them).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bracket, brent } from './brent.js';
import { minimize } from './minimize.js';

interface Run {
  function: 'rosen' | 'himmelblau' | 'beale';
  x0: number[];
  method: 'Nelder-Mead' | 'Powell';
  options: { adaptive?: boolean };
  x: number[];
  fun: number;
  nit: number;
  nfev: number;
  success: boolean;
  message: string;
}
const fixture = JSON.parse(
  readFileSync(
    new URL('../../test/fixtures/scipy-derivative-free/derivative_free.json', import.meta.url),
    'utf8',
  ),
) as { runs: Run[] };

function rosen(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    s += 100 * a * a + b * b;
  }
  return s;
}
function himmelblau(x: Float64Array): number {
  const a = x[0] * x[0] + x[1] - 11;
  const b = x[0] + x[1] * x[1] - 7;
  return a * a + b * b;
}
function beale(x: Float64Array): number {
  const y = x[1];
  const a = 1.5 - x[0] * (1 - y);
  const b = 2.25 - x[0] * (1 - y * y);
  const c = 2.625 - x[0] * (1 - y * y * y);
  return a * a + b * b + c * c;
}
const functions = { rosen, himmelblau, beale };

describe('Nelder-Mead and Powell match SciPy', () => {
  for (const c of fixture.runs) {
    const label = `${c.method}${c.options.adaptive ? ' (adaptive)' : ''} on ${c.function} from (${c.x0.join(', ')})`;
    it(`${label}: same x*, f*, message, nit and nfev`, () => {
      const r = minimize(functions[c.function], c.x0, { method: c.method, ...c.options });
      expect(r.success).toBe(c.success);
      expect(r.message).toBe(c.message);
      expect(r.nfev).toBeLessThanOrEqual(1.2 * c.nfev);
      expect(r.nit).toBeLessThanOrEqual(1.2 * c.nit);
      expect(r.nfev).toBe(c.nfev);
      expect(r.nit).toBe(c.nit);
      expect(Math.abs(r.fun - c.fun)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(c.fun)));
      for (let i = 0; i < c.x.length; i++) expect(r.x[i]).toBeCloseTo(c.x[i], 10);
      expect(r.grad).toHaveLength(0);
    });
  }
});

describe('the derivative-free methods', () => {
  it('never evaluate a gradient: the objective is called without g', () => {
    for (const method of ['Nelder-Mead', 'Powell']) {
      const r = minimize(
        (x, g) => {
          if (g) throw new Error('asked for a gradient');
          return himmelblau(x);
        },
        [0, 0],
        { method },
      );
      expect(r.converged).toBe(true);
      expect(r.ngev).toBe(0);
    }
  });

  it('stop at exactly maxFev evaluations (SciPy counts the same way)', () => {
    for (const method of ['nelder-mead', 'powell']) {
      let calls = 0;
      const r = minimize(
        (x) => {
          calls++;
          return rosen(x);
        },
        [-1.2, 1],
        { method, maxFev: 37 },
      );
      expect(calls).toBe(37);
      expect(r.nfev).toBe(37);
      expect(r.converged).toBe(false);
      expect(r.message).toBe('Maximum number of function evaluations has been exceeded.');
    }
  });

  it('Nelder-Mead starts from the given simplex', () => {
    const simplex = [
      [3.5, 2.5],
      [2.5, 2.5],
      [3, 1.5],
    ];
    const r = minimize(himmelblau, [3, 2], {
      method: 'nelder-mead',
      initialSimplex: simplex,
      recordPath: true,
    });
    expect(r.history.f[0]).toBe(Math.min(...simplex.map((p) => himmelblau(Float64Array.from(p)))));
    expect(r.x[0]).toBeCloseTo(3, 3);
  });

  it('end a NaN objective without hanging, converged false', () => {
    for (const method of ['nelder-mead', 'powell']) {
      const r = minimize(() => Number.NaN, [1, 2], { method });
      expect(r.converged).toBe(false);
      expect(r.nfev).toBeLessThanOrEqual(2000);
    }
  });

  it('refuse bad options by name', () => {
    expect(() => minimize(rosen, [1, 2], { method: 'Nelder-Mead', xatol: -1 })).toThrow(/xatol/);
    expect(() => minimize(rosen, [1, 2], { method: 'Nelder-Mead', initialSimplex: [[1, 2]] })).toThrow(
      /initialSimplex/,
    );
    expect(() => minimize(rosen, [1, 2], { method: 'Powell', direc: [[1, 0], [0]] })).toThrow(/direc/);
    expect(() => minimize(rosen, [1, 2], { method: 'Powell', jac: '2-point' })).toThrow(/jac is not used/);
  });
});

describe("brent and bracket (SciPy's scalar minimizer)", () => {
  it('finds the minimum of a parabola to its tolerance', () => {
    const r = brent((a) => (a - 2.5) ** 2 + 1, 1e-10);
    expect(r.x).toBeCloseTo(2.5, 8);
    expect(r.f).toBeCloseTo(1, 15);
  });

  it('brackets a minimum: f(xb) below both ends, xb between them', () => {
    const b = bracket((a) => Math.cos(a));
    expect(b.fb).toBeLessThanOrEqual(Math.min(b.fa, b.fc));
    expect((b.xa - b.xb) * (b.xb - b.xc)).toBeGreaterThan(0);
  });
});
