import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { ADOPT } from './adopt.js';
import { adamFamilyInvalidOptions } from './test-support/adam-family.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

describeOptimizerConformance({
  optimizer: 'ADOPT',
  fixture: loadOptimFixture('past-torch/adopt.json'),
  create: (params, options) => new ADOPT(params as never, options),
  defaults: {
    lr: 1e-3,
    betas: [0.9, 0.9999],
    eps: 1e-6,
    clip: true,
    weightDecay: 0,
    decouple: false,
    maximize: false,
  },
  invalid: [
    ...adamFamilyInvalidOptions,
    { options: { clip: 'yes' }, message: 'Invalid clip value: yes (expected true or false)' },
    { options: { decouple: 0 }, message: 'Invalid decouple value: 0 (expected true or false)' },
  ],
});

describe('ADOPT', () => {
  it('only initializes v = g² on the first step (the parameter does not move)', () => {
    const w = param(new Float64Array([1, -2, 3]));
    w.grad.set([0.5, -3, 2]);
    const opt = new ADOPT([w], { lr: 0.1 });
    opt.step();
    expect(Array.from(w.data)).toEqual([1, -2, 3]);
    expect(Array.from(opt.stateDict().state[0].expAvgSq as Float64Array)).toEqual([0.25, 9, 4]);
  });

  it('moves by lr (1 - β1) · clip(g_1/|g_0|, ±1) on the second step', () => {
    const w = param(new Float64Array([0, 0]));
    const opt = new ADOPT([w], { lr: 0.1, betas: [0.9, 0.5] });
    w.grad.set([2, -1]);
    opt.step();
    w.grad.set([1, -5]); // u = [0.5, -5] clipped at 1^{1/4} = 1
    opt.step();
    expect(w.data[0]).toBeCloseTo(-0.1 * 0.1 * 0.5, 15);
    expect(w.data[1]).toBeCloseTo(0.1 * 0.1 * 1, 15);
  });
});
