import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { LARS } from './lars.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

describeOptimizerConformance({
  optimizer: 'LARS',
  fixture: loadOptimFixture('past-torch/lars.json'),
  create: (params, options) => new LARS(params as never, options),
  defaults: {
    lr: 1,
    weightDecay: 0,
    trustCoefficient: 0.001,
    eps: 0,
    trustRatio: true,
    momentum: 0.9,
    nesterov: false,
  },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    { options: { weightDecay: -1 }, message: 'Invalid weightDecay value: -1' },
    { options: { trustCoefficient: 0 }, message: 'Invalid trustCoefficient value: 0' },
    { options: { eps: -1 }, message: 'Invalid eps value: -1' },
    { options: { trustRatio: 1 }, message: 'Invalid trustRatio value: 1 (expected true or false)' },
    { options: { momentum: 1 }, message: 'Invalid momentum value: 1 (expected 0 <= momentum < 1)' },
    { options: { nesterov: 'no' }, message: 'Invalid nesterov value: no (expected true or false)' },
  ],
});

describe('LARS', () => {
  it('steps by lr · c · ‖θ‖ in the direction of -g on the first step', () => {
    const w = param(new Float64Array([3, 4]));
    w.grad.set([10, 0]);
    new LARS([w], { lr: 2, trustCoefficient: 0.01 }).step();
    expect(w.data[0]).toBeCloseTo(3 - 2 * 0.01 * 5, 12);
    expect(w.data[1]).toBe(4);
  });

  it('is SGD with momentum (optax trace) on a group without the trust ratio', () => {
    const w = param(new Float64Array([1]));
    const opt = new LARS([w], { lr: 0.1, trustRatio: false, momentum: 0.5 });
    w.grad[0] = 1;
    opt.step(); // t = -0.1
    opt.step(); // t = -0.1 + 0.5 (-0.1) = -0.15
    expect(w.data[0]).toBeCloseTo(1 - 0.1 - 0.15, 15);
  });
});
