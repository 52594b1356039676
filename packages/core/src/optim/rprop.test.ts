import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { Rprop } from './rprop.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

describeOptimizerConformance({
  optimizer: 'Rprop',
  fixture: loadOptimFixture('torch_optim_others.json'),
  create: (params, options) => new Rprop(params as never, options),
  defaults: { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    { options: { etas: [1.5, 1.2] }, message: /Invalid etas values: 1.5, 1.2/ },
    { options: { etas: [0.5, 0.9] }, message: /Invalid etas values: 0.5, 0.9/ },
    { options: { stepSizes: [1, 0.1] }, message: /Invalid stepSizes values: 1, 0.1/ },
    { options: { stepSizes: [-1, 1] }, message: /Invalid stepSizes values: -1, 1/ },
  ],
});

describe('Rprop', () => {
  it('grows the step by η+ while the sign holds, shrinks it by η- and rests once on a flip', () => {
    const w = param(new Float64Array([0]));
    const opt = new Rprop([w], { lr: 0.1 });
    const steps: number[] = [];
    for (const g of [1, 1, -1, -1, -1]) {
      w.grad[0] = g;
      const before = w.data[0];
      opt.step();
      steps.push(w.data[0] - before);
    }
    // Δ: 0.1 (first step, no history), 0.12, flip -> 0.06 and no move, then 0.06 (product 0), 0.072
    const want = [-0.1, -0.12, 0, 0.06, 0.072];
    steps.forEach((s, i) => {
      expect(s).toBeCloseTo(want[i], 12);
    });
  });
});
