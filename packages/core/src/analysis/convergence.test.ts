import { describe, expect, it } from 'vitest';
import { convergenceExperiment, type LipschitzObjective } from './convergence.js';

/** f(theta) = L (sqrt(1 + |theta - c|^2) - 1): smooth, convex, L-Lipschitz, minimum 0 at c. */
function pseudoHuber(c: number[], L: number): LipschitzObjective {
  return {
    f: (x) => L * (Math.sqrt(1 + x.reduce((s, v, i) => s + (v - c[i]) ** 2, 0)) - 1),
    grad: (x, out) => {
      const r = Math.sqrt(1 + x.reduce((s, v, i) => s + (v - c[i]) ** 2, 0));
      for (let i = 0; i < x.length; i++) out[i] = (L * (x[i] - c[i])) / r;
      return out;
    },
    fStar: 0,
    xStar: Float64Array.from(c),
  };
}

describe('convergenceExperiment', () => {
  it('keeps the average suboptimality of gradient descent under R L / sqrt(T) for every T from 10 to 1e5 (the cone)', () => {
    const data = convergenceExperiment({ L: 2, R: 3, seed: 1 });
    expect(data.T[0]).toBe(10);
    expect(data.T[data.T.length - 1]).toBe(100000);
    for (let k = 0; k < data.T.length; k++) {
      expect(data.eta[k]).toBeCloseTo(3 / (2 * Math.sqrt(data.T[k])), 14);
      expect(data.bound[k]).toBeCloseTo(6 / Math.sqrt(data.T[k]), 14);
      expect(data.averageGap[k]).toBeGreaterThan(0);
      // (1 + 1e-12): the cone attains the bound exactly when sqrt(T) is an integer (T = 100, 10^4),
      // since it walks to 0 in sqrt(T) steps and then oscillates by eta L: equality up to rounding.
      expect(data.averageGap[k]).toBeLessThanOrEqual(data.bound[k] * (1 + 1e-12));
    }
    // The bound is tight and the rate is O(1/sqrt T), not faster: gap / bound stays in a band up to 1.
    const ratios = data.averageGap.map((g, k) => g / data.bound[k]);
    expect(Math.min(...ratios)).toBeGreaterThan(0.2);
    expect(Math.max(...ratios)).toBeGreaterThan(1 - 1e-9);
  });

  it('keeps a smooth Lipschitz objective under the bound too', () => {
    const data = convergenceExperiment({
      L: 1,
      R: 5,
      objective: pseudoHuber([1, -2, 0.5], 1),
      horizons: [10, 100, 1000, 10000, 100000],
    });
    for (let k = 0; k < data.T.length; k++) expect(data.averageGap[k]).toBeLessThanOrEqual(data.bound[k]);
  });

  it.each([
    ['L', { L: 0 }, /Invalid Lipschitz constant L: 0/],
    ['R', { R: -1 }, /Invalid radius R: -1/],
    ['a horizon', { horizons: [10, 2.5] }, /Invalid horizon T: 2.5/],
  ])('rejects a bad %s', (_what, options, message) => {
    expect(() => convergenceExperiment(options)).toThrow(message);
  });
});
