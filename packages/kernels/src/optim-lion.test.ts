import { describe, it } from 'vitest';
import { fusedLionStep } from './optim-lion.js';
import { expectBitExact } from './test-support/elementwise-step.js';

const options = [
  { lr: 1e-2, beta1: 0.9, beta2: 0.99, weightDecay: 0, maximize: false },
  { lr: 3e-3, beta1: 0.95, beta2: 0.98, weightDecay: 0.5, maximize: true },
];

describe.each(['f32', 'f64'] as const)('fusedLionStep (%s)', (dtype) => {
  it.each(options)('equals the naive update bit for bit for every length 0..35: %o', (o) => {
    expectBitExact(dtype, {
      states: 1,
      run: (p, g, [m]) => fusedLionStep(p, g, m, o),
      naive(i, p, g, [m], r) {
        const b1 = r(o.beta1);
        const b2 = r(o.beta2);
        const gi = r((o.maximize ? -1 : 1) * g[i]);
        const c = r(r(m[i] * b1) + r(r(1 - b1) * gi));
        p[i] = r(r(p[i] * r(1 - o.lr * o.weightDecay)) + r(r(-o.lr) * Math.sign(c)));
        m[i] = r(r(m[i] * b2) + r(r(1 - b2) * gi));
      },
    });
  });
});
