import { describe, expect, it } from 'vitest';
import { hutchinsonTrace } from './hutchinson.js';
import { seededRandom } from './seeded-random.js';

/** A random PSD matrix A = G G^T / n (Wishart) and its product operator. */
function randomPsd(n: number, seed: number) {
  const r = seededRandom(seed);
  const G = Float64Array.from({ length: n * n }, () => r.normal());
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += G[i * n + k] * G[j * n + k];
      A[i * n + j] = s / n;
    }
  }
  const apply = (v: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j] * v[j];
      out[i] = s;
    }
    return out;
  };
  let trace = 0;
  for (let i = 0; i < n; i++) trace += A[i * n + i];
  return { apply, trace };
}

describe('hutchinsonTrace', () => {
  it.each([1, 2, 3])(
    'estimates the trace of a random PSD 100 x 100 matrix within 5%% with 100 probes (seed %i)',
    (seed) => {
      const { apply, trace } = randomPsd(100, seed);
      const est = hutchinsonTrace(apply, 100, { probes: 100, seed });
      expect(Math.abs(est.trace - trace) / trace).toBeLessThan(0.05);
      expect(est.standardError).toBeGreaterThan(0);
      expect(Math.abs(est.trace - trace)).toBeLessThan(4 * est.standardError);
    },
  );

  it('is exact for a diagonal matrix (z^T D z = tr D for every ±1 probe)', () => {
    const d = [1, -2, 5, 0.5];
    const est = hutchinsonTrace((v, out) => out.map((_, i) => d[i] * v[i]), 4, { probes: 7, seed: 1 });
    expect(est.trace).toBeCloseTo(4.5, 14);
    expect(est.standardError).toBeCloseTo(0, 14);
  });

  it('repeats with the same seed and rejects bad probe counts', () => {
    const { apply } = randomPsd(20, 4);
    expect(hutchinsonTrace(apply, 20, { seed: 5 })).toEqual(hutchinsonTrace(apply, 20, { seed: 5 }));
    expect(() => hutchinsonTrace(apply, 20, { probes: 0 })).toThrow(/Invalid probes: 0/);
  });
});
