import { describe, expect, it } from 'vitest';
import { goldsteinPrice } from '../problems/classic-2d.js';
import { rosenbrock } from '../problems/classic-nd.js';
import { biggsExp6 } from '../problems/more-garbow-hillstrom.js';
import type { Problem } from '../problems/problem.js';
import { hessian, hessianFromValues, hvp, hvpOperator } from './hessian.js';
import { seededRandom } from './seeded-random.js';

const randomPoint = (p: Problem, seed: number) => {
  const r = seededRandom(seed);
  return Float64Array.from(p.domain, ([lo, hi]) => lo + (0.2 + 0.6 * r.uniform()) * (hi - lo));
};
const gradientOnly = (p: Problem) => (x: Float64Array, out: Float64Array) => p.grad(x, out);
const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe.each([rosenbrock(4), goldsteinPrice(), biggsExp6()].map((p) => [p.name, p] as const))(
  'hessian of %s',
  (_n, p) => {
    it("is the problem's exact Hessian when it has one", () => {
      const x = randomPoint(p, 1);
      const H = hessian(p, x);
      expect(H.rows).toBe(p.dim);
      expect(Array.from(H.data)).toEqual(Array.from(p.hessian?.(x, new Float64Array(p.dim ** 2)) ?? []));
    });

    it('matches the exact Hessian to ~1e-7 (relative) from central differences of a gradient function', () => {
      for (const seed of [2, 3, 4]) {
        const x = randomPoint(p, seed);
        const exact = p.hessian?.(x, new Float64Array(p.dim ** 2)) ?? new Float64Array(0);
        const fd = hessian(gradientOnly(p), x).data;
        for (let i = 0; i < exact.length; i++)
          expect(Math.abs(fd[i] - exact[i])).toBeLessThanOrEqual(1e-7 * Math.max(1, maxAbs(exact)));
        for (let i = 0; i < p.dim; i++)
          for (let j = 0; j < i; j++) expect(fd[i * p.dim + j]).toBe(fd[j * p.dim + i]);
      }
    });

    it('matches the exact Hessian to ~1e-5 (relative) from function values alone', () => {
      const x = randomPoint(p, 5);
      const exact = p.hessian?.(x, new Float64Array(p.dim ** 2)) ?? new Float64Array(0);
      const fd = hessianFromValues((y) => p.f(y), x).data;
      const scale = Math.max(1, maxAbs(exact), Math.abs(p.f(x)));
      for (let i = 0; i < exact.length; i++)
        expect(Math.abs(fd[i] - exact[i])).toBeLessThanOrEqual(1e-5 * scale);
    });

    it('gives Hessian-vector products equal to H v, exactly and by differences of the gradient', () => {
      const x = randomPoint(p, 6);
      const r = seededRandom(7);
      const v = Float64Array.from({ length: p.dim }, () => r.normal());
      const H = p.hessian?.(x, new Float64Array(p.dim ** 2)) ?? new Float64Array(0);
      const Hv = Float64Array.from({ length: p.dim }, (_, i) =>
        v.reduce((s, vj, j) => s + H[i * p.dim + j] * vj, 0),
      );
      const exact = hvp(p, x, v);
      const fd = hvpOperator(gradientOnly(p), x)(v, new Float64Array(p.dim));
      const scale = Math.max(1, maxAbs(Hv)) * Math.max(1, maxAbs(H));
      for (let i = 0; i < p.dim; i++) {
        expect(Math.abs(exact[i] - Hv[i])).toBeLessThanOrEqual(1e-12 * scale);
        expect(Math.abs(fd[i] - Hv[i])).toBeLessThanOrEqual(1e-6 * scale);
      }
    });
  },
);

describe('hessian and hvp arguments', () => {
  it.each([
    [
      'a non-finite x',
      () => hessian(rosenbrock(2), new Float64Array([1, Number.NaN])),
      /x has a non-finite entry NaN at index 1/,
    ],
    [
      'a plain array x',
      () => hessian(rosenbrock(2), [1, 2] as unknown as Float64Array),
      /x must be a Float64Array/,
    ],
    [
      'v of another length',
      () => hvp(rosenbrock(2), new Float64Array(2), new Float64Array(3)),
      /v has length 3, expected x.length = 2/,
    ],
    ['no gradient', () => hessian({} as never, new Float64Array(2)), /Expected a problem/],
  ])('rejects %s', (_what, call, message) => {
    expect(call).toThrow(message);
  });

  it('returns zeros for a zero direction', () => {
    expect(Array.from(hvp(gradientOnly(rosenbrock(2)), new Float64Array(2), new Float64Array(2)))).toEqual([
      0, 0,
    ]);
  });
});

describe('hvpOperator', () => {
  it("gives the same products from a problem's exact Hessian (formed once) and from its gradient alone", () => {
    const p = rosenbrock(6);
    const x = Float64Array.from({ length: 6 }, (_, i) => 0.3 * i - 0.5);
    const exact = hvpOperator(p, x);
    const fd = hvpOperator(gradientOnly(p), x);
    x.fill(0); // the operators keep their own copy of the point
    const v = Float64Array.from([1, -2, 0.5, 3, 0, -1]);
    const a = exact(v, new Float64Array(6));
    const b = fd(v, new Float64Array(6));
    for (let i = 0; i < 6; i++)
      expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, maxAbs(a)));
    expect(() => exact(new Float64Array(5), new Float64Array(6))).toThrow(/length x.length = 6/);
  });
});
