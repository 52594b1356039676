import { describe, it } from 'vitest';
import { fusedAdanStep } from './optim-adan.js';
import { expectBitExact } from './test-support/elementwise-step.js';

const base = { beta1: 0.98, beta2: 0.92, beta3: 0.99, bias3Sqrt: Math.sqrt(1 - 0.99 ** 3), eps: 1e-8 };
const cases = [
  {
    ...base,
    stepSize: 0.01 / (1 - 0.98 ** 3),
    stepSizeDiff: (0.01 * 0.92) / (1 - 0.92 ** 3),
    clip: 1,
    lr: 0.01,
    weightDecay: 0,
    noProx: false,
    first: false,
  },
  {
    ...base,
    stepSize: 0.05,
    stepSizeDiff: 0.04,
    clip: 0.5,
    lr: 0.05,
    weightDecay: 0.02,
    noProx: true,
    first: true,
  },
  {
    ...base,
    stepSize: 0.05,
    stepSizeDiff: 0.04,
    clip: 0.7,
    lr: 0.05,
    weightDecay: 0.02,
    noProx: false,
    first: false,
  },
];

describe.each(['f32', 'f64'] as const)('fusedAdanStep (%s)', (dtype) => {
  it.each(cases)('equals the naive update bit for bit for every length 0..35: %o', (o) => {
    expectBitExact(dtype, {
      states: 4,
      initState: (u, k) => (k === 2 ? u * u : u),
      run: (p, g, [m, e, n, q]) => fusedAdanStep(p, g, m, e, n, q, o),
      naive(i, p, g, [m, e, n, q], r) {
        const decay = r(1 - o.lr * o.weightDecay);
        const div = r(1 + o.lr * o.weightDecay);
        const qv = o.first ? r(g[i] * r(-o.clip)) : q[i];
        const gv = r(g[i] * r(o.clip));
        let delta = r(qv + gv);
        m[i] = r(r(r(o.beta1) * m[i]) + r(r(1 - r(o.beta1)) * gv));
        e[i] = r(r(r(o.beta2) * e[i]) + r(r(1 - r(o.beta2)) * delta));
        delta = r(r(delta * r(o.beta2)) + gv);
        n[i] = r(r(r(o.beta3) * n[i]) + r(r(1 - r(o.beta3)) * r(delta * delta)));
        const denom = r(r(r(Math.sqrt(n[i])) / r(o.bias3Sqrt)) + r(o.eps));
        let pv = p[i];
        if (o.noProx) pv = r(pv * decay);
        pv = r(pv + r(r(-o.stepSize) * r(m[i] / denom)));
        pv = r(pv + r(r(-o.stepSizeDiff) * r(e[i] / denom)));
        if (!o.noProx) pv = r(pv / div);
        p[i] = pv;
        q[i] = -gv;
      },
    });
  });
});
