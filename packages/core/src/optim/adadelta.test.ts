import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { Adadelta } from './adadelta.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

describeOptimizerConformance({
  optimizer: 'Adadelta',
  fixture: loadOptimFixture('torch_optim_others.json'),
  create: (params, options) => new Adadelta(params as never, options),
  defaults: { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    { options: { rho: 1.5 }, message: 'Invalid rho value: 1.5 (expected 0 <= rho <= 1)' },
    { options: { rho: -0.1 }, message: /Invalid rho value: -0.1/ },
    { options: { eps: -1 }, message: 'Invalid eps value: -1' },
    { options: { weightDecay: -1 }, message: 'Invalid weightDecay value: -1' },
  ],
});

describe('Adadelta', () => {
  it('takes a first step of √ε/√((1-ρ)g² + ε)·g, independent of the scale of lr = 1', () => {
    const w = param(new Float64Array([0.5]));
    w.grad[0] = 2;
    new Adadelta([w]).step();
    const expected = 0.5 - (Math.sqrt(1e-6) / Math.sqrt(0.1 * 4 + 1e-6)) * 2;
    expect(w.data[0]).toBeCloseTo(expected, 14);
  });
});
