import { describe, it } from 'vitest';
import { fusedAdadeltaStep } from './optim-adadelta.js';
import { expectBitExact } from './test-support/elementwise-step.js';

const options = [
  { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false },
  { lr: 0.5, rho: 0.95, eps: 1e-4, weightDecay: 0.1, maximize: true },
];

describe.each(['f32', 'f64'] as const)('fusedAdadeltaStep (%s)', (dtype) => {
  it.each(options)('equals the naive update bit for bit for every length 0..35: %o', (o) => {
    expectBitExact(dtype, {
      states: 2,
      initState: (u) => u * u,
      run: (p, g, [v, u]) => fusedAdadeltaStep(p, g, v, u, o),
      naive(i, p, g, [v, u], r) {
        const rho = r(o.rho);
        const omr = r(1 - rho);
        const eps = r(o.eps);
        const gi = r(r((o.maximize ? -1 : 1) * g[i]) + r(r(o.weightDecay) * p[i]));
        v[i] = r(r(v[i] * rho) + r(r(omr * gi) * gi));
        const delta = r(r(r(Math.sqrt(r(u[i] + eps))) / r(Math.sqrt(r(v[i] + eps)))) * gi);
        u[i] = r(r(u[i] * rho) + r(r(omr * delta) * delta));
        p[i] = r(p[i] + r(r(-o.lr) * delta));
      },
    });
  });
});
