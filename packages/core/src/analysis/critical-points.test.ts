import { describe, expect, it } from 'vitest';
import minimaFixture from '../../test/fixtures/analysis-minima.json' with { type: 'json' };
import { himmelblau } from '../problems/classic-2d.js';
import { rosenbrock } from '../problems/classic-nd.js';
import { fromExpression } from '../problems/expression.js';
import { cube, monkeySaddle, saddle } from '../problems/notes.js';
import { classifyCriticalPoint, findCriticalPoints } from './critical-points.js';
import { hessian } from './hessian.js';

const origin = (n: number) => new Float64Array(n);

describe('classifyCriticalPoint', () => {
  it('calls (0, 0) of x^2 - y^2 a saddle with eigenvalues (-2, 2) and escape direction y', () => {
    const c = classifyCriticalPoint(hessian(saddle(), origin(2)));
    expect(c.kind).toBe('saddle');
    expect(Array.from(c.eigenvalues)).toEqual([-2, 2]);
    expect(c.escapeDirections.length).toBe(1);
    expect(Array.from(c.escapeDirections[0])).toEqual([0, 1]);
    expect(c.condition).toBe(1);
  });

  it('calls 0 of x^3 degenerate', () => {
    const c = classifyCriticalPoint(hessian(cube(), origin(1)));
    expect(c.kind).toBe('degenerate');
    expect(c.condition).toBe(Number.POSITIVE_INFINITY);
  });

  it("calls the monkey saddle's origin degenerate, with an exact or a finite-difference Hessian", () => {
    const p = monkeySaddle();
    expect(classifyCriticalPoint(hessian(p, origin(2))).kind).toBe('degenerate');
    expect(classifyCriticalPoint(hessian((x, out) => p.grad(x, out), origin(2))).kind).toBe('degenerate');
  });

  it("calls Rosenbrock's (1, 1) a minimum with condition number ≈ 2508", () => {
    const c = classifyCriticalPoint(hessian(rosenbrock(2), new Float64Array([1, 1])));
    // H = [[802, -400], [-400, 200]]: eigenvalues 501 ± sqrt(301^2 + 400^2).
    const d = Math.sqrt(301 ** 2 + 400 ** 2);
    expect(c.kind).toBe('minimum');
    expect(c.eigenvalues[0]).toBeCloseTo(501 - d, 10);
    expect(c.eigenvalues[1]).toBeCloseTo(501 + d, 10);
    expect(c.condition).toBeCloseTo((501 + d) / (501 - d), 6);
    expect(Math.round(c.condition)).toBe(2508);
    expect(c.escapeDirections).toEqual([]);
  });

  it('calls the top of -(x^2 + 3y^2) a maximum with both axes as escape directions', () => {
    const c = classifyCriticalPoint([
      [-2, 0],
      [0, -6],
    ]);
    expect(c.kind).toBe('maximum');
    expect(c.escapeDirections.map((v) => Array.from(v))).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it('calls a point with mixed signs and a zero eigenvalue a saddle (it has a descent direction)', () => {
    expect(
      classifyCriticalPoint([
        [1, 0, 0],
        [0, -1, 0],
        [0, 0, 0],
      ]).kind,
    ).toBe('saddle');
  });

  it('returns orthonormal eigenvectors with H q = λ q', () => {
    const H = [
      [4, 1, -2],
      [1, 3, 0.5],
      [-2, 0.5, 1],
    ];
    const c = classifyCriticalPoint(H);
    for (const [j, q] of c.eigenvectors.entries()) {
      for (let i = 0; i < 3; i++) {
        const Hq = H[i].reduce((s, h, k) => s + h * q[k], 0);
        expect(Hq).toBeCloseTo(c.eigenvalues[j] * q[i], 12);
      }
    }
  });

  it.each([
    [
      'a non-symmetric matrix',
      [
        [1, 2],
        [0, 1],
      ],
      /H must be symmetric: H\[1\]\[0\] = 0 but H\[0\]\[1\] = 2/,
    ],
    ['a ragged matrix', [[1, 2], [3]], /H must be square: row 1 has length 1, expected 2/],
    [
      'a non-finite entry',
      [
        [1, Number.NaN],
        [Number.NaN, 1],
      ],
      /H has a non-finite entry NaN at \(0, 1\)/,
    ],
  ])('rejects %s', (_what, H, message) => {
    expect(() => classifyCriticalPoint(H as number[][])).toThrow(message);
  });
});

describe('findCriticalPoints', () => {
  it("finds Himmelblau's four minima, one maximum and four saddles", () => {
    const points = findCriticalPoints(himmelblau());
    const kinds = points.map((p) => p.kind);
    expect(kinds.filter((k) => k === 'minimum').length).toBe(4);
    expect(kinds.filter((k) => k === 'maximum').length).toBe(1);
    expect(kinds.filter((k) => k === 'saddle').length).toBe(4);
    expect(points.length).toBe(9);
    // Each matches a critical point polished with 40-digit Newton (test/fixtures/analysis-minima.py).
    const reference = minimaFixture.himmelblau as [number[], number][];
    for (const p of points) {
      const match = reference.find(([x]) => Math.hypot(x[0] - p.x[0], x[1] - p.x[1]) < 1e-9);
      expect(match).toBeDefined();
      expect(p.f).toBeCloseTo(match?.[1] as number, 8);
      expect(p.gradNorm).toBeLessThan(1e-8);
    }
    const max = points.find((p) => p.kind === 'maximum');
    expect(max?.f).toBeCloseTo(181.6165215225827, 9);
  });

  it('finds the saddle of a formula without a hand-written Hessian, and nothing outside the box', () => {
    const points = findCriticalPoints(fromExpression('x^2 - y^2 + 0.1 x^4'), [
      [-1, 1],
      [-1, 1],
    ]);
    expect(points.map((p) => p.kind)).toEqual(['saddle']);
    expect(Math.hypot(...points[0].x)).toBeLessThan(1e-12);
  });

  it('rejects a domain of the wrong size', () => {
    expect(() => findCriticalPoints(himmelblau(), [[-1, 1]])).toThrow(
      /domain has length 1, expected problem.dim = 2/,
    );
  });
});
