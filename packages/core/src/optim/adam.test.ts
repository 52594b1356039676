import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { Adam } from './adam.js';
import { adamFamilyInvalidOptions } from './test-support/adam-family.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

const fixture = loadOptimFixture('torch_optim_sgd_adam.json');

describeOptimizerConformance({
  optimizer: 'Adam',
  fixture,
  create: (params, options) => new Adam(params, options),
  defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
  invalid: [...adamFamilyInvalidOptions, { options: { amsgrad: 1 }, message: /Invalid amsgrad value: 1/ }],
});

describe('Adam', () => {
  it('keeps step, expAvg and expAvgSq, plus maxExpAvgSq with amsgrad', () => {
    const a = param(new Float32Array([1, 2, 3]));
    const opt = new Adam([a], { amsgrad: true });
    a.grad.set([1, -1, 2]);
    opt.step();
    const s = opt.stateDict().state[0];
    expect(Object.keys(s).sort()).toEqual(['expAvg', 'expAvgSq', 'maxExpAvgSq', 'step']);
    expect(s.step).toBe(1);
    expect(s.expAvg).toBeInstanceOf(Float32Array);
  });

  it('frees its state buffers on resetState', () => {
    const a = param(new Float64Array(8));
    const opt = new Adam([a]);
    opt.step();
    const st = opt.state.get(a)!;
    opt.resetState();
    expect((st.expAvg as { freed: boolean }).freed).toBe(true);
    expect(opt.state.size).toBe(0);
  });
});
