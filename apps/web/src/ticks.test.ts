import { describe, expect, it } from 'vitest';
import { formatNumber, niceTicks } from './ticks.js';

describe('axis ticks', () => {
  it.each([
    { lo: -2, hi: 2, count: 4, ticks: [-2, -1, 0, 1, 2] },
    { lo: -12, hi: 12, count: 5, ticks: [-10, -5, 0, 5, 10] },
    { lo: 0, hi: 0.1, count: 5, ticks: [0, 0.02, 0.04, 0.06, 0.08, 0.1] },
    { lo: -4.5, hi: 4.5, count: 5, ticks: [-4, -2, 0, 2, 4] },
  ])('puts ticks at multiples of a 1-2-5 step in [$lo, $hi]', ({ lo, hi, count, ticks }) => {
    const got = niceTicks(lo, hi, count);
    expect(got.length).toBe(ticks.length);
    got.forEach((t, k) => {
      expect(t).toBeCloseTo(ticks[k], 12);
    });
  });

  it('writes numbers with a few significant digits, exponent form at the extremes', () => {
    expect([0, 1.23456, -2.5e-7, 123456, 0.05].map((v) => formatNumber(v))).toEqual([
      '0',
      '1.235',
      '-2.50e-7',
      '1.23e5',
      '0.05',
    ]);
  });
});
