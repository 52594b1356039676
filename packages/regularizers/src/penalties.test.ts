import { param } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { elasticNet, l1, l2 } from './elastic-net.js';
import { groupLasso, maxNorm } from './group-lasso.js';
import type { Penalty } from './penalty.js';

/** Seeded uniform values in [-1, 1) away from 0 (where |x| is not differentiable). */
function randomPoint(n: number, seed: number): Float64Array {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  return Float64Array.from({ length: n }, () => {
    const v = next();
    return Math.abs(v) < 0.05 ? v + 0.1 * Math.sign(v || 1) : v;
  });
}

const rows = 4;
const cols = 3;
const table: [string, Penalty, (x: Float64Array) => number][] = [
  ['l1', l1(0.3), (x) => 0.3 * x.reduce((a, v) => a + Math.abs(v), 0)],
  ['l2 (notes)', l2(0.3), (x) => 0.3 * x.reduce((a, v) => a + v * v, 0)],
  ['l2 (torch)', l2(0.3, { convention: 'torch' }), (x) => 0.15 * x.reduce((a, v) => a + v * v, 0)],
  ['elastic net', elasticNet(0.2, 0.7), (x) => x.reduce((a, v) => a + 0.2 * Math.abs(v) + 0.7 * v * v, 0)],
  [
    'group lasso (rows)',
    groupLasso(0.4),
    (x) => {
      let s = 0;
      for (let i = 0; i < rows; i++) s += Math.hypot(...x.slice(i * cols, i * cols + cols));
      return 0.4 * s;
    },
  ],
  [
    'group lasso (columns, weighted)',
    groupLasso(0.4, { groups: 'columns', weightBySize: true }),
    (x) => {
      let s = 0;
      for (let j = 0; j < cols; j++)
        s += Math.hypot(...Array.from({ length: rows }, (_, i) => x[i * cols + j]));
      return 0.4 * Math.sqrt(rows) * s;
    },
  ],
];

describe.each(table)('%s penalty', (_name, penalty, closedForm) => {
  it('has the value of its formula', () => {
    const x = randomPoint(rows * cols, 7);
    const p = param(x, { shape: [rows, cols] });
    expect(penalty.value(p)).toBeCloseTo(closedForm(x), 12);
  });

  it('adds a gradient equal to central finite differences of its value', () => {
    for (const seed of [1, 2, 3]) {
      const x = randomPoint(rows * cols, seed);
      const p = param(x, { shape: [rows, cols] });
      p.grad.fill(0.25); // the gradient is added to what is there
      const value = penalty.addGradient(p);
      expect(value).toBeCloseTo(closedForm(x), 12);
      const h = 1e-6;
      for (let i = 0; i < x.length; i++) {
        const xp = Float64Array.from(x);
        const xm = Float64Array.from(x);
        xp[i] += h;
        xm[i] -= h;
        const fd = (closedForm(xp) - closedForm(xm)) / (2 * h);
        expect(p.grad[i] - 0.25).toBeCloseTo(fd, 7);
      }
    }
  });
});

describe('penalty validation', () => {
  it.each([
    ['l1', () => l1(-1), /Invalid L1 lambda: -1/],
    ['l1 NaN', () => l1(Number.NaN), /Invalid L1 lambda: NaN/],
    ['l2', () => l2(-0.5), /Invalid L2 lambda: -0.5/],
    ['l2 convention', () => l2(0.1, { convention: 'keras' as 'torch' }), /Invalid L2 convention: keras/],
    ['elastic net', () => elasticNet(0.1, Number.POSITIVE_INFINITY), /Invalid elastic net l2: Infinity/],
    ['group lasso', () => groupLasso(-2), /Invalid group lasso lambda: -2/],
    ['group lasso groups', () => groupLasso(1, { groups: 'diagonal' as 'rows' }), /Invalid groups: diagonal/],
    ['max-norm', () => maxNorm(0), /Invalid max-norm bound c: 0/],
  ])('%s rejects a bad value with a RangeError naming it', (_n, make, message) => {
    expect(make).toThrow(RangeError);
    expect(make).toThrow(message);
  });

  it('rejects a negative prox step and leaves the parameter unchanged', () => {
    const p = param(new Float64Array([1, -2, 3]));
    expect(() => l1(0.1).prox(p, -1)).toThrow(/Invalid proximal step t: -1/);
    expect(Array.from(p.data)).toEqual([1, -2, 3]);
  });
});
