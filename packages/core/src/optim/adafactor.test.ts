import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { Adafactor } from './adafactor.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

describeOptimizerConformance({
  optimizer: 'Adafactor',
  fixture: loadOptimFixture('torch_optim_others.json'),
  create: (params, options) => new Adafactor(params as never, options),
  defaults: { lr: 1e-2, beta2Decay: -0.8, eps: [null, 1e-3], d: 1, weightDecay: 0, maximize: false },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    { options: { beta2Decay: 0.5 }, message: 'Invalid beta2Decay value: 0.5 (expected beta2Decay <= 0)' },
    { options: { eps: [-1, 1e-3] }, message: 'Invalid eps[0] (epsilon1) value: -1' },
    { options: { eps: [null, -1] }, message: 'Invalid eps[1] (epsilon2) value: -1' },
    { options: { eps: 1e-3 }, message: /Invalid eps value: 0.001/ },
    { options: { d: 0.5 }, message: 'Invalid d value: 0.5 (expected clipping threshold d >= 1)' },
    { options: { weightDecay: -1 }, message: 'Invalid weightDecay value: -1' },
  ],
});

describe('Adafactor', () => {
  it('keeps rows + cols second-moment numbers for a matrix and a full vector for a vector', () => {
    const m = param(new Float64Array(12).fill(0.5), { shape: [3, 4] });
    const v = param(new Float64Array(5).fill(0.5));
    m.grad.fill(0.1);
    v.grad.fill(0.1);
    const opt = new Adafactor([m, v]);
    opt.step();
    const sd = opt.stateDict().state;
    expect((sd[0].rowVar as Float64Array).length).toBe(3);
    expect((sd[0].colVar as Float64Array).length).toBe(4);
    expect((sd[1].variance as Float64Array).length).toBe(5);
  });

  it('clips the update to RMS d: the first step moves every coordinate by α = max(ε2, RMS(θ))·min(lr, 1)', () => {
    // t = 1: β̂2 = 0, so V̂ = G² exactly (rank 1 for a constant-magnitude gradient): U = ±1, RMS(U) = 1.
    const w = param(new Float64Array([1, -1, 1, -1, 1, -1]), { shape: [2, 3] });
    w.grad.set([3, -3, 3, 3, -3, 3]);
    new Adafactor([w], { lr: 0.1 }).step();
    const want = [1 - 0.1, -1 + 0.1, 1 - 0.1, -1 - 0.1, 1 + 0.1, -1 - 0.1];
    w.data.forEach((x, i) => {
      expect(x).toBeCloseTo(want[i], 12);
    });
  });
});
