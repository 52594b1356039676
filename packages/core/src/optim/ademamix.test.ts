import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { AdEMAMix, ademamixBeta3 } from './ademamix.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

describeOptimizerConformance({
  optimizer: 'AdEMAMix',
  fixture: loadOptimFixture('past-torch/ademamix.json'),
  create: (params, options) => new AdEMAMix(params as never, options),
  defaults: {
    lr: 1e-3,
    betas: [0.9, 0.999, 0.9999],
    alpha: 2,
    beta3Warmup: null,
    alphaWarmup: null,
    eps: 1e-8,
    weightDecay: 0,
  },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    {
      options: { betas: [0.9, 0.999] },
      message: 'Invalid betas value: [0.9,0.999] (expected [beta1, beta2, beta3])',
    },
    { options: { betas: [0.9, 0.999, 1] }, message: 'Invalid beta parameter at index 2: 1' },
    { options: { alpha: -1 }, message: 'Invalid alpha value: -1' },
    {
      options: { beta3Warmup: 0 },
      message: 'Invalid beta3Warmup value: 0 (expected null or a positive integer)',
    },
    {
      options: { alphaWarmup: 2.5 },
      message: 'Invalid alphaWarmup value: 2.5 (expected null or a positive integer)',
    },
    { options: { eps: -1 }, message: 'Invalid eps value: -1' },
    { options: { weightDecay: -1 }, message: 'Invalid weightDecay value: -1' },
  ],
});

describe('AdEMAMix', () => {
  it('warms β3 up from β1 to β3 with the half-life interpolated linearly', () => {
    // half-life h(β) = ln ½ / ln β: β1 = 0.9 -> 6.58 steps, β3 = 0.9999 -> 6931 steps
    const hl = (b: number) => Math.log(0.5) / Math.log(b);
    expect(ademamixBeta3(0, 0.9, 0.9999, 100)).toBeCloseTo(0.9, 6);
    expect(hl(ademamixBeta3(50, 0.9, 0.9999, 100))).toBeCloseTo((hl(0.9) + hl(0.9999)) / 2, 0);
    expect(ademamixBeta3(100, 0.9, 0.9999, 100)).toBe(0.9999);
  });

  it('is Adam (no decay, α = 0) with the slow EMA switched off', () => {
    const w = param(new Float64Array([1, -1]));
    const opt = new AdEMAMix([w], { lr: 0.1, alpha: 0 });
    w.grad.set([3, -0.5]);
    opt.step();
    // Adam's first step moves every coordinate by lr g/(|g| + ε)
    expect(w.data[0]).toBeCloseTo(0.9, 7);
    expect(w.data[1]).toBeCloseTo(-0.9, 7);
  });
});
