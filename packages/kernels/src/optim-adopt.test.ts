import { describe, it } from 'vitest';
import { fusedAdoptStep } from './optim-adopt.js';
import { expectBitExact } from './test-support/elementwise-step.js';

const base = {
  lr: 1e-2,
  beta1: 0.9,
  beta2: 0.9999,
  eps: 1e-6,
  weightDecay: 0,
  decayCoef: 0,
  maximize: false,
  first: false,
};
const cases = [
  { ...base, clip: 2 ** 0.25 },
  { ...base, clip: null, weightDecay: 0.1, maximize: true },
  { ...base, clip: 0.5, decayCoef: -1e-3, beta1: 0.3 },
  { ...base, clip: 1, first: true, weightDecay: 0.2 },
];

describe.each(['f32', 'f64'] as const)('fusedAdoptStep (%s)', (dtype) => {
  it.each(cases)('equals the naive update bit for bit for every length 0..35: %o', (o) => {
    expectBitExact(dtype, {
      states: 2,
      initState: (u, k) => (k === 1 ? u * u : u),
      run: (p, g, [m, v]) => fusedAdoptStep(p, g, m, v, o),
      naive(i, p, g, [m, v], r) {
        let d = o.maximize ? -g[i] : g[i];
        if (o.weightDecay !== 0) d = r(d + r(r(o.weightDecay) * p[i]));
        if (o.first) {
          v[i] = r(v[i] + r(d * d));
          return;
        }
        let pv = p[i];
        if (o.decayCoef !== 0) pv = r(pv + r(r(o.decayCoef) * pv));
        let u = r(d / Math.max(r(Math.sqrt(v[i])), r(o.eps)));
        if (o.clip !== null) u = Math.min(Math.max(u, -r(o.clip)), r(o.clip));
        const w = 1 - o.beta1;
        m[i] = w >= 0.5 ? r(u - r(r(u - m[i]) * r(o.beta1))) : r(m[i] + r(r(w) * r(u - m[i])));
        p[i] = r(pv - r(r(o.lr) * m[i]));
        v[i] = r(r(r(o.beta2) * v[i]) + r(r(1 - o.beta2) * r(d * d)));
      },
    });
  });
});
