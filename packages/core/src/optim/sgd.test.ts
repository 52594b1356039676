import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { SGD } from './sgd.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

const fixture = loadOptimFixture('torch_optim_sgd_adam.json');

describeOptimizerConformance({
  optimizer: 'SGD',
  fixture,
  create: (params, options) => new SGD(params, options),
  defaults: { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    { options: { lr: NaN }, message: 'Invalid learning rate: NaN' },
    { options: { momentum: -0.5 }, message: 'Invalid momentum value: -0.5' },
    { options: { dampening: 1.5 }, message: /Invalid dampening value: 1.5/ },
    { options: { weightDecay: -1e-4 }, message: 'Invalid weightDecay value: -0.0001' },
    { options: { nesterov: true }, message: /Nesterov momentum requires a momentum and zero dampening/ },
    { options: { nesterov: true, momentum: 0.9, dampening: 0.1 }, message: /Invalid nesterov value: true/ },
    { options: { maximize: 'yes' }, message: /Invalid maximize value: yes/ },
  ],
});

describe('SGD', () => {
  it('keeps no state without momentum, and a momentum buffer with it', () => {
    const a = param(new Float64Array([1, 2, 3]));
    const plain = new SGD([a], { lr: 0.1 });
    a.grad.set([1, 1, 1]);
    plain.step();
    expect(plain.state.size).toBe(0);
    expect(Array.from(a.data)).toEqual([0.9, 1.9, 2.9]);
    const withMomentum = new SGD([a], { lr: 0.1, momentum: 0.9 });
    withMomentum.step();
    expect(Object.keys(withMomentum.stateDict().state[0])).toEqual(['momentumBuffer']);
  });

  it('takes the first momentum buffer undampened, as torch does', () => {
    const a = param(new Float64Array([0]));
    const opt = new SGD([a], { lr: 1, momentum: 0.9, dampening: 0.5 });
    a.grad[0] = 1;
    opt.step();
    expect(a.data[0]).toBe(-1); // b_1 = g, not (1 - 0.5) g
    opt.step();
    expect(a.data[0]).toBeCloseTo(-1 - (0.9 + 0.5), 15); // b_2 = 0.9 b_1 + 0.5 g
  });

  it('reads lr from its group at every step (what schedulers change)', () => {
    const a = param(new Float64Array([1]));
    const opt = new SGD([a], { lr: 0.1 });
    a.grad[0] = 1;
    opt.paramGroups[0].lr = 0.5;
    opt.step();
    expect(a.data[0]).toBe(0.5);
  });
});
