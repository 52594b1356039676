import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { LAMB } from './lamb.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

describeOptimizerConformance({
  optimizer: 'LAMB',
  fixture: loadOptimFixture('past-torch/lamb.json'),
  create: (params, options) => new LAMB(params as never, options),
  defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-6, epsRoot: 0, weightDecay: 0 },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    { options: { betas: [0.9, 1] }, message: 'Invalid beta parameter at index 1: 1' },
    { options: { eps: -1 }, message: 'Invalid eps value: -1' },
    { options: { epsRoot: -1 }, message: 'Invalid epsRoot value: -1' },
    { options: { weightDecay: -1 }, message: 'Invalid weightDecay value: -1' },
  ],
});

describe('LAMB', () => {
  it('moves each parameter by lr times its own norm on the first step, whatever the gradient scale', () => {
    // step 1: u = g/(|g| + ε) ≈ sign(g), so the step is lr ‖θ‖ sign(g)/‖sign(g)‖
    for (const scale of [1e-3, 1, 1e3]) {
      const big = param(new Float64Array([30, -40]), { shape: [2] });
      const small = param(new Float64Array([0.3, 0.4]), { shape: [2] });
      big.grad.set([scale, scale]);
      small.grad.set([-scale, scale]);
      new LAMB([big, small], { lr: 0.1, eps: 0 }).step();
      const moved = (p: typeof big, before: number[]) =>
        Math.hypot(p.data[0] - before[0], p.data[1] - before[1]);
      expect(moved(big, [30, -40])).toBeCloseTo(0.1 * 50, 10);
      expect(moved(small, [0.3, 0.4])).toBeCloseTo(0.1 * 0.5, 10);
    }
  });

  it('uses a trust ratio of 1 for a zero parameter', () => {
    const w = param(new Float64Array([0, 0]));
    w.grad.set([2, -2]);
    new LAMB([w], { lr: 0.1, eps: 0 }).step();
    expect(Array.from(w.data)).toEqual([-0.1, 0.1]);
  });
});
