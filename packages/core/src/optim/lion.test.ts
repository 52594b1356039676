import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { Lion } from './lion.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

describeOptimizerConformance({
  optimizer: 'Lion',
  fixture: loadOptimFixture('torch_optim_others.json'),
  create: (params, options) => new Lion(params as never, options),
  defaults: { lr: 1e-4, betas: [0.9, 0.99], weightDecay: 0, maximize: false },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    { options: { betas: [1.0, 0.99] }, message: 'Invalid beta parameter at index 0: 1' },
    { options: { betas: [0.9, -0.1] }, message: 'Invalid beta parameter at index 1: -0.1' },
    { options: { weightDecay: -1 }, message: 'Invalid weightDecay value: -1' },
  ],
});

describe('Lion', () => {
  it('moves every coordinate by exactly lr (the sign update), whatever the gradient scale', () => {
    const w = param(new Float64Array([0, 0, 0, 0, 0]));
    w.grad.set([1e-8, -3, 1e6, -1e-300, 0]);
    new Lion([w], { lr: 0.25 }).step();
    expect(Array.from(w.data)).toEqual([-0.25, 0.25, -0.25, 0.25, 0]);
  });

  it('applies decoupled decay θ(1 - ηλ) before the sign step', () => {
    const w = param(new Float64Array([2]));
    w.grad[0] = 1;
    new Lion([w], { lr: 0.1, weightDecay: 0.5 }).step();
    expect(w.data[0]).toBeCloseTo(2 * (1 - 0.05) - 0.1, 15);
  });
});
