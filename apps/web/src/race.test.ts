import { getProblem } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { pathInside, raceMethods, runRace, suggestedRates } from './race.js';

const quadratic = getProblem('ill-conditioned');
const defaults = raceMethods.map(({ method, lr }) => ({ method, lr }));

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
        raceMethods.map(({ method }) => ({ method, lr: rates[method] })),
      );
      for (const r of rows) expect(r.message, r.method).not.toMatch(/^Diverged/);
    },
  );

  it('refuses a non-positive tolerance, naming it', () => {
    expect(() => runRace(quadratic, quadratic.x0, defaults, { gtol: 0 })).toThrow('Invalid tolerance: 0');
  });

  it('cuts a diverging path where it leaves the enlarged plotting box', () => {
    const path = [0, 1, 50, 1e9].map((v) => Float64Array.from([v, 0]));
    expect(
      pathInside(path, [
        [-2, 2],
        [-2, 2],
      ]).length,
    ).toBe(2);
  });
});
