import { getProblem, hessian } from '@descent/core';
import { eigh } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { curvatures, MAX_STEPS, raceMethods, runRace, suggestedRates } from './race.js';

const quadratic = getProblem('ill-conditioned');
const classic = raceMethods.filter((m) => !m.extra);
const defaults = classic.map(({ method, lr }) => ({ method, lr }));

describe('the optimizer race', () => {
  const rows = runRace(quadratic, quadratic.x0, defaults);
  const row = (method: string) => rows.find((r) => r.method === method)!;

  it('brings every racer to the tolerance on the ill-conditioned quadratic with its default rate', () => {
    for (const r of rows) {
      expect(r.error, r.method).toBeUndefined();
      expect(r.stepsToTolerance, r.method).not.toBeNull();
      expect(r.finalGradNorm, r.method).toBeLessThanOrEqual(1e-5);
      expect(r.path.length, r.method).toBe(r.iterations + 1);
      expect(r.losses, r.method).toEqual(r.path.map((x) => quadratic.f(x)));
    }
  });

  it('lets Newton solve the quadratic in one step, landing on the minimum (0, 0)', () => {
    expect(row('newton').stepsToTolerance).toBe(1);
    expect(Array.from(row('newton').path[1])).toEqual([0, 0]);
  });

  it('records the same path as a plain gradient-descent loop x <- x - lr grad f(x)', () => {
    const lr = 0.4;
    const x = Float64Array.from(quadratic.x0);
    const g = new Float64Array(2);
    const path = row('gd').path;
    for (let k = 0; k < path.length; k++) {
      expect(path[k][0]).toBeCloseTo(x[0], 12);
      expect(path[k][1]).toBeCloseTo(x[1], 12);
      quadratic.grad(x, g);
      x[0] -= lr * g[0];
      x[1] -= lr * g[1];
    }
  });

  it('reports a method with an invalid learning rate in its own row and runs the others', () => {
    const [bad, good] = runRace(quadratic, quadratic.x0, [
      { method: 'adam', lr: -1 },
      { method: 'gd', lr: 0.4 },
    ]);
    expect(bad.error).toBe('Invalid learning rate: -1');
    expect(bad.path).toEqual([]);
    expect(good.stepsToTolerance).not.toBeNull();
  });

  it('stops the tolerance count at the iteration limit when a rate is too small', () => {
    const [slow] = runRace(quadratic, quadratic.x0, [{ method: 'gd', lr: 1e-4 }], { maxIter: 50 });
    expect(slow.stepsToTolerance).toBeNull();
    expect(slow.iterations).toBe(50);
  });

  it('suggests 2/(L + mu) for gradient descent, from the Hessian eigenvalues at the start', () => {
    const rates = suggestedRates(quadratic, quadratic.x0, quadratic.domain);
    expect(rates.gd).toBe(0.48); // H = diag(0.2, 4): 2 / 4.2 = 0.476
    expect(rates.momentum).toBe(0.13);
    expect(rates.adam).toBe(0.5); // the plot is 24 wide, the defaults' reference width
    const rosenbrock = getProblem('rosenbrock');
    // H(-1.2, 1) = [[1330, 480], [480, 200]]: λ = (tr ± √(tr² − 4 det)) / 2, and L + μ = tr
    const gd = suggestedRates(rosenbrock, rosenbrock.x0, rosenbrock.domain).gd;
    expect(gd).toBe(Number((2 / 1530).toPrecision(2)));
  });

  it.each(['rosenbrock', 'himmelblau', 'beale', 'booth', 'six-hump-camel', 'styblinski-tang'])(
    'keeps every racer from diverging on %s with the suggested rates',
    (name) => {
      const p = getProblem(name);
      const rates = suggestedRates(p, p.x0, p.domain);
      const rows = runRace(
        p,
        p.x0,
        classic.map(({ method }) => ({ method, lr: rates[method] })),
      );
      for (const r of rows) expect(r.message, r.method).not.toMatch(/^Diverged/);
    },
  );

  it('refuses a non-positive tolerance, naming it', () => {
    expect(() => runRace(quadratic, quadratic.x0, defaults, { gtol: 0 })).toThrow('Invalid tolerance: 0');
  });

  it('finds L = 4 and mu = 0.2 on 0.1 x^2 + 2 y^2, so gradient descent is stable for lr < 2/L = 0.5', () => {
    const { L, mu } = curvatures(quadratic, quadratic.x0);
    expect(L).toBeCloseTo(4, 12);
    expect(mu).toBeCloseTo(0.2, 12);
  });

  it("gives the closed-form 2 x 2 curvatures that the kernels' eigh finds, on a Hessian with a cross term", () => {
    // Rosenbrock at (-1, 2): H = [[1200x² − 400y + 2, −400x], [−400x, 200]] = [[402, 400], [400, 200]]
    const rosenbrock = getProblem('rosenbrock');
    const x = Float64Array.from([-1, 2]);
    const reference = Array.from(eigh(hessian(rosenbrock, x)).values, Math.abs);
    const { L, mu } = curvatures(rosenbrock, x);
    expect(L).toBeCloseTo(Math.max(...reference), 9);
    expect(mu).toBeCloseTo(Math.min(...reference), 9);
    expect(curvatures(rosenbrock, [Number.NaN, 0])).toEqual({ L: Number.NaN, mu: Number.NaN });
  });

  it('passes an optimizer option through: momentum 0 is plain gradient descent', () => {
    const [heavy, plain] = runRace(quadratic, quadratic.x0, [
      { method: 'momentum', lr: 0.4, options: { momentum: 0 } },
      { method: 'gd', lr: 0.4 },
    ]);
    expect(heavy.losses).toEqual(plain.losses);
  });

  it('accepts max steps up to MAX_STEPS and refuses more, naming the limit', () => {
    const [slow] = runRace(quadratic, quadratic.x0, [{ method: 'gd', lr: 1e-7 }], { maxIter: MAX_STEPS });
    expect(slow.iterations).toBe(MAX_STEPS);
    expect(slow.path).toHaveLength(MAX_STEPS + 1);
    expect(() => runRace(quadratic, quadratic.x0, defaults, { maxIter: MAX_STEPS + 1 })).toThrow(
      'Invalid max steps: 100001 (expected an integer from 1 to 100000)',
    );
  });
});
