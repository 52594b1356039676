import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { NAdam } from './nadam.js';
import { adamFamilyInvalidOptions } from './test-support/adam-family.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

describeOptimizerConformance({
  optimizer: 'NAdam',
  fixture: loadOptimFixture('torch_optim_sgd_adam.json'),
  create: (params, options) => new NAdam(params, options),
  defaults: {
    lr: 2e-3,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay: 0,
    momentumDecay: 4e-3,
    decoupledWeightDecay: false,
    maximize: false,
  },
  invalid: [
    ...adamFamilyInvalidOptions,
    { options: { momentumDecay: -1 }, message: 'Invalid momentumDecay value: -1' },
    { options: { decoupledWeightDecay: 'no' }, message: /Invalid decoupledWeightDecay value: no/ },
  ],
});

describe('NAdam', () => {
  it('keeps the product of the momentum schedule in float32, as torch does', () => {
    const a = param(new Float64Array([1, -1]));
    const opt = new NAdam([a]);
    a.grad.set([0.5, 0.25]);
    let want = 1;
    for (let t = 1; t <= 3; t++) {
      opt.step();
      want = Math.fround(want * Math.fround(0.9 * (1 - 0.5 * 0.96 ** (t * 4e-3))));
    }
    expect(opt.stateDict().state[0].muProduct).toBe(want);
  });
});
