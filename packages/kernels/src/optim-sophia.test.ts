import { describe, it } from 'vitest';
import { fusedSophiaStep, sophiaHessianUpdate } from './optim-sophia.js';
import { expectBitExact } from './test-support/elementwise-step.js';

const cases = [
  { beta1: 0.965, gamma: 0.01, decay: 1, negStep: -0.1, maximize: false },
  { beta1: 0.9, gamma: 10, decay: 1 - 1e-3, negStep: -0.05, maximize: true },
];

describe.each(['f32', 'f64'] as const)('Sophia kernels (%s)', (dtype) => {
  it.each(cases)('fusedSophiaStep equals the naive update bit for bit for every length 0..35: %o', (o) => {
    expectBitExact(dtype, {
      states: 2,
      run: (p, g, [m, h]) => fusedSophiaStep(p, g, m, h, o),
      naive(i, p, g, [m, h], r) {
        const pv = r(r(o.decay) * p[i]);
        const d = o.maximize ? -g[i] : g[i];
        m[i] = r(r(r(o.beta1) * m[i]) + r(r(1 - r(o.beta1)) * d));
        const ratio = Math.min(r(Math.abs(m[i]) / r(r(r(o.gamma) * Math.max(h[i], 0)) + r(1e-12))), 1);
        p[i] = r(pv + r(r(o.negStep) * r(Math.sign(m[i]) * ratio)));
      },
    });
  });

  it('sophiaHessianUpdate is h = β2 h + (1 - β2) u ⊙ Hu bit for bit', () => {
    expectBitExact(dtype, {
      states: 2,
      run: (h, u, [hu]) => sophiaHessianUpdate(h, u, hu, 0.99),
      naive(i, h, u, [hu], r) {
        h[i] = r(r(r(0.99) * h[i]) + r(r(1 - r(0.99)) * r(u[i] * hu[i])));
      },
    });
  });
});
