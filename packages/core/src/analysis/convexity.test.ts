import { describe, expect, it } from 'vitest';
import { booth } from '../problems/classic-2d.js';
import { rosenbrock } from '../problems/classic-nd.js';
import { fromExpression } from '../problems/expression.js';
import { checkConvexity } from './convexity.js';

const logSumExp = (x: Float64Array) => {
  const m = Math.max(...x);
  return m + Math.log(x.reduce((s, v) => s + Math.exp(v - m), 0));
};
const box = (n: number, lo: number, hi: number) =>
  Array.from({ length: n }, () => [lo, hi] as [number, number]);

describe('checkConvexity', () => {
  it.each([
    ['x^2', (x: Float64Array) => x[0] * x[0], box(1, -3, 3), 'strictly convex'],
    ['exp(x)', (x: Float64Array) => Math.exp(x[0]), box(1, -3, 3), 'strictly convex'],
    ['log-sum-exp (flat along (1, 1, 1))', logSumExp, box(3, -3, 3), 'convex'],
    [
      '|x|_1 + x^2 kink-free part',
      (x: Float64Array) => x[0] ** 2 + x[1] ** 2,
      box(2, -1, 1),
      'strictly convex',
    ],
  ])('calls %s %s', (_name, f, domain, verdict) => {
    const report = checkConvexity(f, domain, { seed: 1 });
    expect(report.verdict).toBe(verdict);
    expect(report.counterexample).toBeUndefined();
  });

  it.each([
    ['cos(x)', (x: Float64Array) => Math.cos(x[0]), box(1, -3, 3)],
    ['x cos(2x)', (x: Float64Array) => x[0] * Math.cos(2 * x[0]), box(1, -3, 3)],
    ['x^2 - y^2', (x: Float64Array) => x[0] ** 2 - x[1] ** 2, box(2, -1, 1)],
  ])(
    "calls %s not convex, with a counterexample that really violates Jensen's inequality",
    (_name, f, domain) => {
      const report = checkConvexity(f, domain, { seed: 2 });
      expect(report.verdict).toBe('not convex');
      const c = report.counterexample;
      expect(c).toBeDefined();
      if (!c) return;
      const z = c.x.map((xi, i) => c.alpha * xi + (1 - c.alpha) * c.y[i]);
      expect(f(z)).toBeGreaterThan(c.alpha * f(c.x) + (1 - c.alpha) * f(c.y));
      expect(c.alpha).toBeGreaterThan(0);
      expect(c.alpha).toBeLessThan(1);
      for (const p of [c.x, c.y])
        for (const [i, v] of p.entries()) expect(v >= domain[i][0] && v <= domain[i][1]).toBe(true);
    },
  );

  it('finds a counterexample from the Hessian when random segments miss a small non-convex region', () => {
    // Convex except in a sliver around 0 where the bump -exp(-(x/0.01)^2)/10^4 makes f'' < 0.
    const f = (x: Float64Array) => x[0] ** 2 * 1e-6 - 1e-4 * Math.exp(-((x[0] / 0.01) ** 2));
    const report = checkConvexity(f, box(1, -1, 1), { seed: 3, segments: 0, hessianSamples: 400 });
    expect(report.verdict).toBe('not convex');
    const c = report.counterexample;
    expect(
      c &&
        f(c.x.map((xi, i) => c.alpha * xi + (1 - c.alpha) * c.y[i])) >
          c.alpha * f(c.x) + (1 - c.alpha) * f(c.y),
    ).toBe(true);
  });

  it("uses a problem's own Hessian and domain: Booth is strictly convex, Rosenbrock is not", () => {
    expect(checkConvexity(booth()).verdict).toBe('strictly convex');
    expect(checkConvexity(rosenbrock(2)).verdict).toBe('not convex');
    expect(checkConvexity(fromExpression('log(exp(x) + exp(y))'), box(2, -2, 2)).verdict).toBe('convex');
  });

  it('gives the same report for the same seed', () => {
    const f = (x: Float64Array) => Math.cos(x[0]);
    expect(checkConvexity(f, box(1, -3, 3), { seed: 9 })).toEqual(
      checkConvexity(f, box(1, -3, 3), { seed: 9 }),
    );
  });

  it.each([
    ['no domain for a function', () => checkConvexity((x) => x[0]), /needs a domain/],
    ['an empty interval', () => checkConvexity((x) => x[0], [[1, 1]]), /Invalid domain\[0\]: \[1,1\]/],
    [
      'a domain of the wrong size for a problem',
      () => checkConvexity(booth(), box(3, 0, 1)),
      /domain has length 3, expected problem.dim = 2/,
    ],
    [
      'a negative sample count',
      () => checkConvexity((x) => x[0], box(1, 0, 1), { segments: -1 }),
      /Invalid segments: -1/,
    ],
  ])('rejects %s', (_what, call, message) => {
    expect(call).toThrow(message);
  });
});
