import { describe, expect, it } from 'vitest';
import { RAdam, radamRectification } from './radam.js';
import { adamFamilyInvalidOptions } from './test-support/adam-family.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

describeOptimizerConformance({
  optimizer: 'RAdam',
  fixture: loadOptimFixture('torch_optim_sgd_adam.json'),
  create: (params, options) => new RAdam(params, options),
  defaults: {
    lr: 1e-3,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay: 0,
    decoupledWeightDecay: false,
    maximize: false,
  },
  invalid: [
    ...adamFamilyInvalidOptions,
    { options: { decoupledWeightDecay: 1 }, message: /Invalid decoupledWeightDecay value: 1/ },
  ],
});

describe('RAdam rectification', () => {
  it('starts rectifying at step 6 with beta2 = 0.999 (rho_t > 5) and tends to 1', () => {
    const flags = [1, 2, 3, 4, 5, 6].map((t) => radamRectification(0.999, t).rectify);
    expect(flags).toEqual([false, false, false, false, false, true]);
    expect(radamRectification(0.999, 1e6).rect).toBeCloseTo(1, 6);
  });

  it('matches the closed form rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)', () => {
    const b = 0.99;
    const rhoInf = 2 / (1 - b) - 1;
    expect(radamRectification(b, 10).rhoT).toBeCloseTo(rhoInf - (20 * b ** 10) / (1 - b ** 10), 12);
  });
});
