import { describe, expect, it } from 'vitest';
import { subgradientExperiment } from './convergence.js';

const Ts = [10, 30, 100, 300, 1000, 3000, 10000];

/** The least-squares slope of log gap against log T. */
function slope(rows: { T: number; gap: number }[]): number {
  const xs = rows.map((r) => Math.log(r.T));
  const ys = rows.map((r) => Math.log(r.gap));
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i] - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

describe('the O(1/√T) experiment', () => {
  it('stays under the bound R G/√T at every T, with and without noise (without, it meets it at large T)', () => {
    for (const sigma of [0, 1]) {
      for (const r of subgradientExperiment(Ts, sigma)) {
        expect(r.gap, `σ ${sigma}, T ${r.T}`).toBeLessThanOrEqual(r.bound * (1 + 1e-9));
      }
    }
  });

  it('falls like 1/√T: a slope near −½ on a log-log plot', () => {
    expect(slope(subgradientExperiment(Ts, 1))).toBeGreaterThan(-0.75);
    expect(slope(subgradientExperiment(Ts, 1))).toBeLessThan(-0.35);
  });

  it('uses the step η = R/(G√T) of the theorem, R = √2 and G² = 2 + 2σ²', () => {
    const [row] = subgradientExperiment([100], 0.5);
    expect(row.eta).toBeCloseTo(Math.SQRT2 / (Math.sqrt(2.5) * 10), 15);
    expect(row.bound).toBeCloseTo((Math.SQRT2 * Math.sqrt(2.5)) / 10, 15);
  });

  it('refuses a negative σ and a T that is not a positive integer, naming them', () => {
    expect(() => subgradientExperiment([10], -1)).toThrow('Invalid σ: -1');
    expect(() => subgradientExperiment([0], 1)).toThrow('Invalid T: 0');
  });
});
