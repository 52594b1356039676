import { describe, it } from 'vitest';
import { fusedAsgdStep, fusedRpropStep } from './optim-rprop-asgd.js';
import { expectBitExact } from './test-support/elementwise-step.js';

const rpropOptions = [
  { etaMinus: 0.5, etaPlus: 1.2, stepMin: 1e-6, stepMax: 50, maximize: false },
  { etaMinus: 0.3, etaPlus: 1.5, stepMin: 0.05, stepMax: 0.4, maximize: true },
];

describe.each(['f32', 'f64'] as const)('fusedRpropStep (%s)', (dtype) => {
  it.each(rpropOptions)('equals the naive update bit for bit for every length 0..35: %o', (o) => {
    expectBitExact(dtype, {
      states: 2,
      // prev: signed values (and some exact zeros); stepSize: positive
      initState: (u, k) => (k === 0 ? (Math.abs(u) < 0.2 ? 0 : u) : 0.01 + Math.abs(u)),
      run: (p, g, [prev, step]) => fusedRpropStep(p, g, prev, step, o),
      naive(i, p, g, [prev, step], r) {
        let gi = r((o.maximize ? -1 : 1) * g[i]);
        const q = r(gi * prev[i]);
        const f = q > 0 ? r(o.etaPlus) : q < 0 ? r(o.etaMinus) : 1;
        step[i] = Math.min(Math.max(r(step[i] * f), r(o.stepMin)), r(o.stepMax));
        if (q < 0) gi = 0;
        p[i] = r(p[i] - r(Math.sign(gi) * step[i]));
        prev[i] = gi;
      },
    });
  });
});

const asgdOptions = [
  { eta: 0.01, lambd: 1e-4, mu: 1, weightDecay: 0, maximize: false },
  { eta: 0.05, lambd: 1e-2, mu: 0.25, weightDecay: 0.1, maximize: true },
];

describe.each(['f32', 'f64'] as const)('fusedAsgdStep (%s)', (dtype) => {
  it.each(asgdOptions)('equals the naive update bit for bit for every length 0..35: %o', (o) => {
    expectBitExact(dtype, {
      states: 1,
      run: (p, g, [ax]) => fusedAsgdStep(p, g, ax, o),
      naive(i, p, g, [ax], r) {
        const gi = r(r((o.maximize ? -1 : 1) * g[i]) + r(r(o.weightDecay) * p[i]));
        p[i] = r(r(p[i] * r(1 - o.lambd * o.eta)) + r(r(-o.eta) * gi));
        ax[i] = o.mu === 1 ? p[i] : r(ax[i] + r(r(p[i] - ax[i]) * r(o.mu)));
      },
    });
  });
});
