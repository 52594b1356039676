import { describe, it } from 'vitest';
import { fusedAdEMAMixStep } from './optim-ademamix.js';
import { expectBitExact } from './test-support/elementwise-step.js';

const cases = [
  {
    lr: 1e-2,
    beta1: 0.9,
    beta2: 0.999,
    beta3: 0.9999,
    alpha: 2,
    bias1: 0.1,
    bias2Sqrt: Math.sqrt(0.001),
    eps: 1e-8,
    weightDecay: 0,
  },
  {
    lr: 3e-3,
    beta1: 0,
    beta2: 0.99,
    beta3: 0.95,
    alpha: 0.5,
    bias1: 1,
    bias2Sqrt: 0.3,
    eps: 1e-3,
    weightDecay: 0.1,
  },
];

describe.each(['f32', 'f64'] as const)('fusedAdEMAMixStep (%s)', (dtype) => {
  it.each(cases)('equals the naive update bit for bit for every length 0..35: %o', (o) => {
    expectBitExact(dtype, {
      states: 3,
      initState: (u, k) => (k === 2 ? u * u : u),
      run: (p, g, [a, b, v]) => fusedAdEMAMixStep(p, g, a, b, v, o),
      naive(i, p, g, [a, b, v], r) {
        const gv = g[i];
        a[i] = r(r(r(o.beta1) * a[i]) + r(r(1 - r(o.beta1)) * gv));
        b[i] = r(r(r(o.beta3) * b[i]) + r(r(1 - r(o.beta3)) * gv));
        v[i] = r(r(r(o.beta2) * v[i]) + r(r(1 - r(o.beta2)) * r(gv * gv)));
        const num = r(r(a[i] / r(o.bias1)) + r(r(o.alpha) * b[i]));
        let u = r(num / r(r(r(Math.sqrt(v[i])) / r(o.bias2Sqrt)) + r(o.eps)));
        if (o.weightDecay !== 0) u = r(u + r(r(o.weightDecay) * p[i]));
        p[i] = r(p[i] + r(r(-o.lr) * u));
      },
    });
  });
});
