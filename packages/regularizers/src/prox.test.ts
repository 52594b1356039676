import { param } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { elasticNet, l1, l2 } from './elastic-net.js';
import { groupLasso, maxNorm } from './group-lasso.js';

/** argmin over z in [lo, hi] of h(z) by a dense grid refined around the best point. */
function bruteMin1d(h: (z: number) => number, lo = -4, hi = 4): number {
  let best = lo;
  let step = (hi - lo) / 4000;
  for (let round = 0; round < 6; round++) {
    let bestVal = Number.POSITIVE_INFINITY;
    const from = round === 0 ? lo : best - 20 * step;
    const to = round === 0 ? hi : best + 20 * step;
    for (let z = from; z <= to; z += step) {
      const v = h(z);
      if (v < bestVal) {
        bestVal = v;
        best = z;
      }
    }
    if (h(0) <= bestVal) best = 0;
    step /= 20;
  }
  return best;
}

/** argmin over z in R^2 of h(z) by refined grids. */
function bruteMin2d(h: (a: number, b: number) => number): [number, number] {
  let best: [number, number] = [0, 0];
  let radius = 4;
  for (let round = 0; round < 8; round++) {
    let bestVal = h(0, 0);
    const center = best;
    if (round === 0) best = [0, 0];
    for (let i = -40; i <= 40; i++) {
      for (let j = -40; j <= 40; j++) {
        const a = center[0] + (i / 40) * radius;
        const b = center[1] + (j / 40) * radius;
        const v = h(a, b);
        if (v < bestVal) {
          bestVal = v;
          best = [a, b];
        }
      }
    }
    radius /= 8;
  }
  return best;
}

describe('proximal operators against brute-force minimization of 1/2 (z - x)^2 + t Ω(z)', () => {
  const xs = [-2.3, -0.4, -0.05, 0, 0.12, 0.9, 3.1];
  const t = 0.5;
  const cases = [
    ['l1(0.6)', l1(0.6), (z: number) => 0.6 * Math.abs(z)],
    ['l2(0.6) notes', l2(0.6), (z: number) => 0.6 * z * z],
    ['l2(0.6) torch', l2(0.6, { convention: 'torch' }), (z: number) => 0.3 * z * z],
    ['elasticNet(0.6, 0.8)', elasticNet(0.6, 0.8), (z: number) => 0.6 * Math.abs(z) + 0.8 * z * z],
  ] as const;
  it.each(cases)('%s', (_n, penalty, omega) => {
    const p = param(Float64Array.from(xs));
    penalty.prox(p, t);
    xs.forEach((x, i) => {
      const want = bruteMin1d((z) => 0.5 * (z - x) ** 2 + t * omega(z));
      expect(p.data[i]).toBeCloseTo(want, 6);
    });
  });

  it('l1 prox is soft-thresholding: exact zeros inside [-tλ, tλ]', () => {
    const p = param(Float64Array.from(xs));
    l1(0.6).prox(p, t); // threshold 0.3
    expect(Array.from(p.data).map((v, i) => [xs[i], v === 0])).toEqual(
      xs.map((x) => [x, Math.abs(x) <= 0.3]),
    );
  });

  it('group lasso prox (rows of a 3x2 matrix) is group soft-thresholding', () => {
    const x = new Float64Array([1.2, -0.8, 0.1, 0.15, -2, 0.5]);
    const p = param(x, { shape: [3, 2] });
    groupLasso(0.7).prox(p, t);
    for (let r = 0; r < 3; r++) {
      const [a, b] = bruteMin2d(
        (u, v) => 0.5 * ((u - x[2 * r]) ** 2 + (v - x[2 * r + 1]) ** 2) + t * 0.7 * Math.hypot(u, v),
      );
      expect(p.data[2 * r]).toBeCloseTo(a, 5);
      expect(p.data[2 * r + 1]).toBeCloseTo(b, 5);
    }
    expect([p.data[2], p.data[3]]).toEqual([0, 0]); // the small row is removed exactly
  });

  it('max-norm prox is the projection onto the ball of radius c (brute force nearest point)', () => {
    const x = new Float64Array([3, 4, 0.3, -0.2]);
    const p = param(x, { shape: [2, 2] });
    maxNorm(1).prox(p, t);
    const [a, b] = bruteMin2d((u, v) =>
      Math.hypot(u, v) <= 1 ? Math.hypot(u - 3, v - 4) : Number.POSITIVE_INFINITY,
    );
    expect(p.data[0]).toBeCloseTo(a, 4);
    expect(p.data[1]).toBeCloseTo(b, 4);
    expect([p.data[2], p.data[3]]).toEqual([x[2], x[3]]); // inside the ball: unchanged
  });
});
