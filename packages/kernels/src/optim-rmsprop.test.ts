import { describe, expect, it } from 'vitest';
import { alloc } from './arena.js';
import { fusedRmspropStep } from './optim-rmsprop.js';
import { expectBitExact } from './test-support/elementwise-step.js';

const options = [
  { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, maximize: false, centered: false },
  { lr: 0.02, alpha: 0.9, eps: 1e-4, weightDecay: 0.1, momentum: 0, maximize: true, centered: true },
  { lr: 0.01, alpha: 0.95, eps: 1e-8, weightDecay: 0, momentum: 0.9, maximize: false, centered: false },
  { lr: 0.005, alpha: 0.8, eps: 1e-6, weightDecay: 0.3, momentum: 0.5, maximize: true, centered: true },
];

describe.each(['f32', 'f64'] as const)('fusedRmspropStep (%s)', (dtype) => {
  it.each(options)('equals the naive update bit for bit for every length 0..35: %o', (o) => {
    expectBitExact(dtype, {
      states: 3,
      // squareAvg must dominate gradAvg² for the centered square root
      initState: (u, k) => (k === 0 ? 1 + u * u : u),
      run: (p, g, [squareAvg, gradAvg, momentumBuffer]) =>
        fusedRmspropStep(p, g, { squareAvg, gradAvg: o.centered ? gradAvg : undefined, momentumBuffer }, o),
      naive(i, p, g, [v, ga, b], r) {
        const a = r(o.alpha);
        const oma = r(1 - a);
        const gi = r(r((o.maximize ? -1 : 1) * g[i]) + r(r(o.weightDecay) * p[i]));
        v[i] = r(r(v[i] * a) + r(r(oma * gi) * gi));
        let d: number;
        if (o.centered) {
          ga[i] = r(r(ga[i] * a) + r(oma * gi));
          d = r(r(Math.sqrt(r(v[i] - r(ga[i] * ga[i])))) + r(o.eps));
        } else {
          d = r(r(Math.sqrt(v[i])) + r(o.eps));
        }
        if (o.momentum > 0) {
          b[i] = r(r(b[i] * r(o.momentum)) + r(gi / d));
          p[i] = r(p[i] + r(r(-o.lr) * b[i]));
        } else {
          p[i] = r(p[i] + r(r(r(-o.lr) * gi) / d));
        }
      },
    });
  });
});

describe('fusedRmspropStep', () => {
  it('needs a momentum buffer when momentum > 0', () => {
    const p = alloc('f64', 2);
    expect(() =>
      fusedRmspropStep(
        p,
        alloc('f64', 2),
        { squareAvg: alloc('f64', 2) },
        {
          lr: 0.1,
          alpha: 0.9,
          eps: 1e-8,
          weightDecay: 0,
          momentum: 0.9,
          maximize: false,
        },
      ),
    ).toThrow(/momentumBuffer/);
  });
});
