import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { DAdaptAdam } from './dadapt-adam.js';
import {
  caseParams,
  describeOptimizerConformance,
  type FixtureCase,
  fillGradients,
  loadOptimFixture,
  paramsInput,
} from './test-support/conformance.js';

const fixture = loadOptimFixture('past-torch/dadapt_adam.json');

describeOptimizerConformance({
  optimizer: 'DAdaptAdam',
  fixture,
  create: (params, options) => new DAdaptAdam(params as never, options),
  defaults: {
    lr: 1,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay: 0,
    decouple: false,
    d0: 1e-6,
    growthRate: Number.POSITIVE_INFINITY,
  },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    { options: { betas: [0.9, 1] }, message: 'Invalid beta parameter at index 1: 1' },
    { options: { eps: -1 }, message: 'Invalid eps value: -1' },
    { options: { weightDecay: -1 }, message: 'Invalid weightDecay value: -1' },
    { options: { decouple: 1 }, message: 'Invalid decouple value: 1 (expected true or false)' },
    { options: { d0: -1e-6 }, message: 'Invalid d0 value: -0.000001' },
    {
      options: { growthRate: Number.NaN },
      message: 'Invalid growthRate value: NaN (expected > 0, Infinity allowed)',
    },
  ],
});

describe('DAdaptAdam', () => {
  it.each(fixture.cases.map((c) => [`${c.name} (${c.dtype})`, c] as const))(
    "ends with the reference's estimate d: %s",
    (_l, c) => {
      const fc = c as FixtureCase & { d: number };
      for (const impl of ['fused', 'reference'] as const) {
        const groups = caseParams(fc);
        const opt = new DAdaptAdam(paramsInput(fc, groups) as never, { ...fc.options, impl });
        for (let k = 0; k < fc.steps; k++) {
          fillGradients(groups.flat());
          opt.step();
        }
        expect(Math.abs(opt.d - fc.d)).toBeLessThanOrEqual((fc.dtype === 'f64' ? 1e-10 : 1e-5) * fc.d);
      }
    },
  );

  it('refuses groups with different lrs, changing nothing', () => {
    const a = param(new Float64Array([1, 2]));
    const b = param(new Float64Array([3]));
    const opt = new DAdaptAdam([{ params: [a] }, { params: [b], lr: 0.5 }]);
    expect(() => opt.step()).toThrow(
      /paramGroups\[1\]\.lr is 0.5, but every group must use paramGroups\[0\]'s lr \(1\)/,
    );
    expect(opt.state.size).toBe(0);
  });

  it('keeps d (and moves nothing) when every gradient is zero', () => {
    const a = param(new Float64Array([1, -2]));
    const opt = new DAdaptAdam([a]);
    opt.step();
    expect(opt.d).toBe(1e-6);
    expect(Array.from(a.data)).toEqual([1, -2]);
  });

  it('grows d from 1e-6 to the scale of the distance to the minimum on a quadratic', () => {
    // f(x) = ½ Σ h_i (x_i - c_i)², the minimum at distance ~1 per coordinate from x = 0
    const n = 10;
    const h = Array.from({ length: n }, (_, i) => 1 + i);
    const c = Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + 0.3));
    const w = param(new Float64Array(n));
    const opt = new DAdaptAdam([w]);
    for (let k = 0; k < 300; k++) {
      for (let i = 0; i < n; i++) w.grad[i] = h[i] * (w.data[i] - c[i]);
      opt.step();
    }
    expect(opt.d).toBeGreaterThan(1e-2);
    expect(opt.d).toBeLessThan(10);
    const loss = h.reduce((s, hi, i) => s + 0.5 * hi * (w.data[i] - c[i]) ** 2, 0);
    const start = h.reduce((s, hi, i) => s + 0.5 * hi * c[i] ** 2, 0);
    expect(loss).toBeLessThan(1e-2 * start);
  });
});
