import { describe, expect, it } from 'vitest';
import { heavyBallRadius, heavyBallRate, polyakOptimum } from './momentum-region.js';

/** The spectral radius of M = [[1 + β − a, −β], [1, 0]] by powering it: ‖M^k v‖^(1/k). */
function poweredRadius(a: number, beta: number, k = 4000): number {
  let [x, y] = [1, 0.3];
  let logScale = 0;
  for (let i = 0; i < k; i++) {
    [x, y] = [(1 + beta - a) * x - beta * y, x];
    const n = Math.hypot(x, y);
    logScale += Math.log(n);
    x /= n;
    y /= n;
  }
  return Math.exp(logScale / k);
}

describe('heavy-ball momentum on a quadratic', () => {
  it('has the spectral radius that powering the iteration matrix shows', () => {
    for (const [a, beta] of [
      [0.5, 0],
      [1.5, 0.3],
      [0.1, 0.9],
      [3.5, 0.8],
      [2.5, 0.1],
    ]) {
      expect(heavyBallRadius(a, beta)).toBeCloseTo(poweredRadius(a, beta), 2);
    }
  });

  it('is plain gradient descent at β = 0, |1 − a|, and reaches 1 on the edge a = 2(1 + β)', () => {
    expect(heavyBallRadius(0.3, 0)).toBeCloseTo(0.7, 12);
    expect(heavyBallRadius(2.2, 0)).toBeCloseTo(1.2, 12);
    for (const beta of [0, 0.4, 0.9]) expect(heavyBallRadius(2 * (1 + beta), beta)).toBeCloseTo(1, 12);
    expect(heavyBallRadius(2 * (1 + 0.4) + 0.01, 0.4)).toBeGreaterThan(1);
  });

  it("reaches Polyak's rate (√κ − 1)/(√κ + 1) at the optimum, and nothing nearby does better", () => {
    const [L, mu] = [4, 0.2]; // the ill-conditioned quadratic, κ = 20
    const best = polyakOptimum(L, mu);
    const k = Math.sqrt(L / mu);
    expect(best.rate).toBeCloseTo((k - 1) / (k + 1), 12);
    expect(heavyBallRate(best.alpha, best.beta, L, mu)).toBeCloseTo(best.rate, 6);
    for (const [da, db] of [
      [0.02, 0],
      [-0.02, 0],
      [0, 0.02],
      [0, -0.02],
    ]) {
      expect(heavyBallRate(best.alpha * (1 + da), best.beta + db, L, mu)).toBeGreaterThanOrEqual(
        best.rate - 1e-12,
      );
    }
  });
});
