import { describe, expect, it } from 'vitest';
import { seededRandom } from '../analysis/seeded-random.js';
import { fromExpression } from '../expression.js';
import { himmelblau, sixHumpCamel } from './classic-2d.js';
import { rosenbrock } from './classic-nd.js';
import { monkeySaddle, saddle } from './notes.js';
import type { Problem } from './problem.js';

const cases: [string, string, Problem][] = [
  ['the saddle', 'x^2 - y^2', saddle()],
  ['the monkey saddle', 'x^3 - 3 x y^2', monkeySaddle()],
  ['Rosenbrock', '(1 - x)^2 + 100 (y - x^2)^2', rosenbrock(2)],
  ['Himmelblau', '(x^2 + y - 11)^2 + (x + y^2 - 7)^2', himmelblau()],
  ['the six-hump camel', '(4 - 2.1 x^2 + x^4 / 3) x^2 + x y + (-4 + 4 y^2) y^2', sixHumpCamel()],
];

describe('fromExpression', () => {
  it.each(cases)(
    'derives the exact gradient and Hessian of %s (matches the hand-written problem)',
    (_n, text, ref) => {
      const p = fromExpression(text);
      expect(p.variables).toEqual(['x', 'y']);
      const r = seededRandom(3);
      const g = new Float64Array(2);
      const gRef = new Float64Array(2);
      const H = new Float64Array(4);
      const HRef = new Float64Array(4);
      for (let k = 0; k < 10; k++) {
        const x = Float64Array.from(ref.domain, ([lo, hi]) => lo + r.uniform() * (hi - lo));
        const fRef = ref.f(x);
        expect(p.f(x)).toBeCloseTo(fRef, 9);
        p.grad(x, g);
        ref.grad(x, gRef);
        p.hessian?.(x, H);
        ref.hessian?.(x, HRef);
        for (let i = 0; i < 2; i++)
          expect(Math.abs(g[i] - gRef[i])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(gRef[i])));
        for (let i = 0; i < 4; i++)
          expect(Math.abs(H[i] - HRef[i])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(HRef[i])));
      }
    },
  );

  it('gives the derivatives as text', () => {
    const p = fromExpression('x^2 - y^2');
    expect(p.gradientExpressions).toEqual(['2 * x', '-(2 * y)']);
    expect(p.hessianExpressions).toEqual([
      ['2', '0'],
      ['0', '-2'],
    ]);
  });

  it('orders variables by first appearance and leaves out constants and function names', () => {
    expect(fromExpression('y * x + z').variables).toEqual(['y', 'x', 'z']);
    expect(fromExpression('pi * b + e^a + sin(b)').variables).toEqual(['b', 'a']);
    expect(fromExpression('log(exp(x1) + exp(x2) + exp(x3))').variables).toEqual(['x1', 'x2', 'x3']);
  });

  it('uses the given variable order, including variables the formula does not use', () => {
    const p = fromExpression('a + 2 b', { variables: ['b', 'a', 'c'] });
    expect(p.dim).toBe(3);
    expect(Array.from(p.grad(new Float64Array([0, 0, 0]), new Float64Array(3)))).toEqual([2, 1, 0]);
  });

  it('evaluates log-sum-exp with the softmax as its gradient', () => {
    const p = fromExpression('log(exp(x) + exp(y) + exp(z))');
    const x = new Float64Array([0.3, -1, 2]);
    const s = Array.from(x, Math.exp);
    const total = s[0] + s[1] + s[2];
    expect(p.f(x)).toBeCloseTo(Math.log(total), 14);
    const g = p.grad(x, new Float64Array(3));
    for (let i = 0; i < 3; i++) expect(g[i]).toBeCloseTo(s[i] / total, 14);
  });

  it('returns NaN where the real formula is undefined instead of a complex number', () => {
    expect(fromExpression('sqrt(x)').f(new Float64Array([-1]))).toBeNaN();
  });

  it.each([
    [
      'an incomplete formula',
      'x^2 -',
      undefined,
      /Invalid expression "x\^2 -" at position 6: Unexpected end of expression/,
    ],
    ['an unclosed parenthesis', 'x * (y + 1', undefined, /Invalid expression "x \* \(y \+ 1" at position 11/],
    [
      'an unknown function',
      'x + foo(y)',
      undefined,
      /Unknown function "foo" in expression "x \+ foo\(y\)" at position 5/,
    ],
    ['an assignment', 'x = 3', undefined, /unsupported syntax \(AssignmentNode\)/],
    ['an empty string', '  ', undefined, /Invalid expression " {2}"/],
    ['a constant', '2 * pi', undefined, /has no variables/],
    [
      'a function without a derivative rule',
      'max(x, y)',
      undefined,
      /Cannot differentiate "max\(x, y\)" with respect to x/,
    ],
    [
      'a symbol missing from the variables',
      'x + y',
      ['x'],
      /Unknown variable "y" in expression "x \+ y" at position 5 \(variables: x\)/,
    ],
    ['repeated variables', 'x', ['x', 'x'], /names must be distinct/],
  ])('rejects %s with an error naming the expression', (_what, text, variables, message) => {
    expect(() => fromExpression(text, variables ? { variables } : {})).toThrow(message);
  });

  it('rejects an x0 of the wrong length', () => {
    expect(() => fromExpression('x + y', { x0: [1] })).toThrow(
      /x0 has length 1, expected the number of variables = 2/,
    );
  });
});
