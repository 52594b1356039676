import { describe, expect, it } from 'vitest';
import { alloc, fromArray } from './arena.js';
import { fusedAdagradStep } from './optim-adagrad.js';
import { expectBitExact } from './test-support/elementwise-step.js';

const options = [
  { clr: 0.1, eps: 1e-10, weightDecay: 0, maximize: false },
  { clr: 0.03, eps: 1e-3, weightDecay: 0.2, maximize: true },
];

describe.each(['f32', 'f64'] as const)('fusedAdagradStep (%s)', (dtype) => {
  it.each(options)('equals the naive update bit for bit for every length 0..35: %o', (o) => {
    expectBitExact(dtype, {
      states: 1,
      initState: (u) => u * u,
      run: (p, g, [sum]) => fusedAdagradStep(p, g, sum, o),
      naive(i, p, g, [sum], r) {
        const gi = r(r((o.maximize ? -1 : 1) * g[i]) + r(r(o.weightDecay) * p[i]));
        sum[i] = r(sum[i] + r(gi * gi));
        const std = r(r(Math.sqrt(sum[i])) + r(o.eps));
        p[i] = r(p[i] + r(r(r(-o.clr) * gi) / std));
      },
    });
  });
});

describe('fusedAdagradStep', () => {
  it('names the arrays at fault: lengths, dtypes, overlap', () => {
    const p = alloc('f64', 4);
    const s = { clr: 0.1, eps: 1e-10, weightDecay: 0, maximize: false };
    expect(() => fusedAdagradStep(p, alloc('f64', 3), alloc('f64', 4), s)).toThrow(
      /param has 4 elements, grad has 3/,
    );
    expect(() => fusedAdagradStep(p, alloc('f64', 4), alloc('f32', 4), s)).toThrow(/sum has dtype f32/);
    expect(() => fusedAdagradStep(p, fromArray(new Float64Array(4)), p, s)).toThrow(/overlaps/);
  });
});
