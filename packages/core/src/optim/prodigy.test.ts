import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { Adam } from './adam.js';
import { Prodigy } from './prodigy.js';
import {
  caseParams,
  describeOptimizerConformance,
  type FixtureCase,
  fillGradients,
  loadOptimFixture,
  paramsInput,
} from './test-support/conformance.js';

const fixture = loadOptimFixture('past-torch/prodigy.json');

describeOptimizerConformance({
  optimizer: 'Prodigy',
  fixture,
  create: (params, options) => new Prodigy(params as never, options),
  defaults: {
    lr: 1,
    betas: [0.9, 0.999],
    beta3: null,
    eps: 1e-8,
    weightDecay: 0,
    decouple: true,
    useBiasCorrection: false,
    safeguardWarmup: false,
    d0: 1e-6,
    dCoef: 1,
    growthRate: Number.POSITIVE_INFINITY,
  },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    { options: { betas: [1, 0.999] }, message: 'Invalid beta parameter at index 0: 1' },
    { options: { beta3: 1 }, message: 'Invalid beta3 value: 1 (expected null or 0 <= beta3 < 1)' },
    { options: { eps: -1 }, message: 'Invalid eps value: -1' },
    { options: { weightDecay: -1 }, message: 'Invalid weightDecay value: -1' },
    { options: { decouple: 'yes' }, message: 'Invalid decouple value: yes (expected true or false)' },
    { options: { d0: 0 }, message: 'Invalid d0 value: 0' },
    { options: { dCoef: -1 }, message: 'Invalid dCoef value: -1' },
    { options: { growthRate: 0 }, message: 'Invalid growthRate value: 0 (expected > 0, Infinity allowed)' },
  ],
});

describe('Prodigy', () => {
  it.each(fixture.cases.map((c) => [`${c.name} (${c.dtype})`, c] as const))(
    "ends with the reference's estimate d: %s",
    (_l, c) => {
      const fc = c as FixtureCase & { d: number };
      for (const impl of ['fused', 'reference'] as const) {
        const groups = caseParams(fc);
        const opt = new Prodigy(paramsInput(fc, groups) as never, { ...fc.options, impl });
        for (let k = 0; k < fc.steps; k++) {
          fillGradients(groups.flat());
          opt.step();
        }
        expect(Math.abs(opt.d - fc.d)).toBeLessThanOrEqual((fc.dtype === 'f64' ? 1e-10 : 1e-5) * fc.d);
      }
    },
  );

  it('refuses groups whose lr is neither the largest nor 0, changing nothing', () => {
    const a = param(new Float64Array([1, 2]));
    const b = param(new Float64Array([3]));
    const opt = new Prodigy([{ params: [a] }, { params: [b], lr: 0.5 }]);
    a.grad.set([1, 1]);
    b.grad.set([1]);
    expect(() => opt.step()).toThrow(
      /paramGroups\[1\]\.lr is 0.5, but groups may only use the largest lr \(1\) or 0/,
    );
    expect(opt.state.size).toBe(0);
    opt.paramGroups[1].lr = 0;
    opt.step();
    expect(b.data[0]).toBe(3);
  });

  it('estimates a step size near the best hand-tuned Adam lr on a quadratic', () => {
    // f(x) = ½ Σ h_i (x_i - c_i)², h_i in [1, 10], from x = 0, 300 steps
    const n = 10;
    const h = Array.from({ length: n }, (_, i) => 1 + i);
    const c = Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + 0.3));
    const loss = (x: ArrayLike<number>) => h.reduce((s, hi, i) => s + 0.5 * hi * (x[i] - c[i]) ** 2, 0);
    const run = (make: (w: ReturnType<typeof param>) => { step(): void }) => {
      const w = param(new Float64Array(n));
      const opt = make(w);
      for (let k = 0; k < 300; k++) {
        for (let i = 0; i < n; i++) w.grad[i] = h[i] * (w.data[i] - c[i]);
        opt.step();
      }
      return { w, opt };
    };
    const lrs = Array.from({ length: 31 }, (_, j) => 10 ** (-3 + j / 10));
    const losses = lrs.map((lr) => loss(run((w) => new Adam([w], { lr })).w.data));
    const best = lrs[losses.indexOf(Math.min(...losses))];
    const { w, opt } = run((p) => new Prodigy([p]));
    const d = (opt as Prodigy).d;
    expect(d).toBeGreaterThan(best / 3);
    expect(d).toBeLessThan(best * 3);
    expect(loss(w.data)).toBeLessThan(1e-3 * loss(new Float64Array(n)));
  });
});
