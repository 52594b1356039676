import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { AdamW } from './adamw.js';
import { adamFamilyInvalidOptions } from './test-support/adam-family.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

describeOptimizerConformance({
  optimizer: 'AdamW',
  fixture: loadOptimFixture('torch_optim_sgd_adam.json'),
  create: (params, options) => new AdamW(params, options),
  defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false },
  invalid: [...adamFamilyInvalidOptions, { options: { maximize: 0 }, message: /Invalid maximize value: 0/ }],
});

describe('AdamW', () => {
  it("names itself AdamW in messages and defaults to torch's weightDecay 1e-2", () => {
    const a = param(new Float64Array(3));
    const opt = new AdamW([a]);
    expect(opt.name).toBe('AdamW');
    expect(opt.defaults.weightDecay).toBe(1e-2);
    expect(() => new AdamW([a], { weight_decay: 0 } as never)).toThrow(/Unknown AdamW option: weight_decay/);
  });

  it('decays a parameter with zero gradient by exactly (1 - lr λ) per step', () => {
    const a = param(new Float64Array([2]));
    const opt = new AdamW([a], { lr: 0.1, weightDecay: 0.5 });
    opt.step();
    opt.step();
    expect(a.data[0]).toBe(2 * 0.95 * 0.95);
  });
});
