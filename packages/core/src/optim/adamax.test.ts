import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { Adamax } from './adamax.js';
import { adamFamilyInvalidOptions } from './test-support/adam-family.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

describeOptimizerConformance({
  optimizer: 'Adamax',
  fixture: loadOptimFixture('torch_optim_sgd_adam.json'),
  create: (params, options) => new Adamax(params, options),
  defaults: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false },
  invalid: adamFamilyInvalidOptions,
});

describe('Adamax', () => {
  it('keeps the infinity norm u = max(beta2 u, |g| + eps)', () => {
    const a = param(new Float64Array([0, 0]));
    const opt = new Adamax([a], { eps: 0.5 });
    a.grad.set([2, -0.1]);
    opt.step();
    a.grad.set([0, 0]);
    opt.step();
    const u = opt.stateDict().state[0].expInf as Float64Array;
    expect(Array.from(u)).toEqual([Math.max(0.999 * 2.5, 0.5), Math.max(0.999 * 0.6, 0.5)]);
  });
});
