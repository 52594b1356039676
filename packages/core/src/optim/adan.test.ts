import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { Adan } from './adan.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

describeOptimizerConformance({
  optimizer: 'Adan',
  fixture: loadOptimFixture('past-torch/adan.json'),
  create: (params, options) => new Adan(params as never, options),
  defaults: { lr: 1e-3, betas: [0.98, 0.92, 0.99], eps: 1e-8, weightDecay: 0, maxGradNorm: 0, noProx: false },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    {
      options: { betas: [0.9, 0.9] },
      message: 'Invalid betas value: [0.9,0.9] (expected [beta1, beta2, beta3])',
    },
    { options: { betas: [0.9, 0.9, -0.1] }, message: 'Invalid beta parameter at index 2: -0.1' },
    { options: { eps: -1 }, message: 'Invalid eps value: -1' },
    { options: { weightDecay: -1 }, message: 'Invalid weightDecay value: -1' },
    { options: { maxGradNorm: -1 }, message: 'Invalid maxGradNorm value: -1' },
    { options: { noProx: 1 }, message: 'Invalid noProx value: 1 (expected true or false)' },
  ],
});

describe('Adan', () => {
  it('takes an Adam-like first step: every coordinate moves by lr (1 + β2 · 0) g/|g|', () => {
    // k = 1: g_0 = g_1, so e = 0 and n = (1 - β3) g², m = (1 - β1) g: u = g/(|g| + ε) after correction
    const w = param(new Float64Array([1, 1]));
    w.grad.set([4, -0.01]);
    new Adan([w], { lr: 0.1, eps: 0 }).step();
    expect(w.data[0]).toBeCloseTo(0.9, 12);
    expect(w.data[1]).toBeCloseTo(1.1, 12);
  });

  it('leaves the gradients untouched when clipping', () => {
    const w = param(new Float64Array([1, 1]));
    w.grad.set([30, 40]);
    new Adan([w], { maxGradNorm: 1 }).step();
    expect(Array.from(w.grad)).toEqual([30, 40]);
  });
});
