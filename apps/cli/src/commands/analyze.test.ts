import { describe, expect, it } from 'vitest';
import { descent, expectRefused, json } from '../test-support/descent.js';

interface AnalyzeJson {
  f: number;
  gradient: number[];
  hessian: number[][];
  eigenvalues: number[];
  classification: string;
  critical: boolean;
  conditionNumber: number;
  convexity: {
    verdict: string;
    counterexample: { x: number[]; y: number[]; alpha: number; lhs: number; rhs: number } | null;
  };
  criticalPoints: { x: number[]; f: number; kind: string }[];
}

describe.concurrent('descent analyze', () => {
  it('gives the closed-form gradient and Hessian of x^3 + x*y at (1, 2), and a checkable Jensen counterexample', async () => {
    const r = json<AnalyzeJson>(await descent(['analyze', '--expr', 'x^3 + x*y', '--at', '1,2', '--json']));
    expect(r.f).toBeCloseTo(3, 14);
    expect(r.gradient).toEqual([5, 1]); // (3x^2 + y, x)
    expect(r.hessian).toEqual([
      [6, 1],
      [1, 0],
    ]);
    const disc = Math.sqrt(36 + 4); // eigenvalues of [[6, 1], [1, 0]]: 3 -+ sqrt(10)
    expect(r.eigenvalues[0]).toBeCloseTo((6 - disc) / 2, 12);
    expect(r.eigenvalues[1]).toBeCloseTo((6 + disc) / 2, 12);
    expect(r.critical).toBe(false);
    expect(r.convexity.verdict).toBe('not convex');
    const c = r.convexity.counterexample;
    expect(c).not.toBeNull();
    const f = ([x, y]: number[]) => x ** 3 + x * y;
    const z = c!.x.map((xi, i) => c!.alpha * xi + (1 - c!.alpha) * c!.y[i]);
    expect(f(z)).toBeGreaterThan(c!.alpha * f(c!.x) + (1 - c!.alpha) * f(c!.y));
    // x^3 + xy has one critical point, (0, 0), a saddle (H = [[0, 1], [1, 0]])
    expect(r.criticalPoints).toHaveLength(1);
    expect(r.criticalPoints[0].kind).toBe('saddle');
    expect(Math.hypot(...r.criticalPoints[0].x)).toBeLessThan(1e-9);
  });

  it("finds Himmelblau's four minima (f = 0, one at (3, 2)), four saddles and one maximum", async () => {
    const r = json<AnalyzeJson>(
      await descent(['analyze', '--problem', 'himmelblau', '--at', '3,2', '--json']),
    );
    expect(r.critical).toBe(true);
    expect(r.classification).toBe('minimum');
    const kinds = r.criticalPoints.map((p) => p.kind);
    expect(kinds.filter((k) => k === 'minimum')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'saddle')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'maximum')).toHaveLength(1);
    for (const p of r.criticalPoints.filter((q) => q.kind === 'minimum')) expect(p.f).toBeLessThan(1e-20);
    expect(r.criticalPoints.some((p) => Math.abs(p.x[0] - 3) < 1e-9 && Math.abs(p.x[1] - 2) < 1e-9)).toBe(
      true,
    );
  });

  it.each([
    [['--problem', 'himmelblau', '--at', '1,2,3'], /--at has 3 coordinates, but himmelblau has 2 variables/],
    [['--problem', 'booth', '--expr', 'x^2'], /Give either --problem or --expr, not both/],
  ])('refuses %j with exit code 2 and nothing on stdout', async (args, message) => {
    expectRefused(await descent(['analyze', ...args]), message);
  });
});
