import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { RMSprop } from './rmsprop.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

describeOptimizerConformance({
  optimizer: 'RMSprop',
  fixture: loadOptimFixture('torch_optim_others.json'),
  create: (params, options) => new RMSprop(params as never, options),
  defaults: {
    lr: 1e-2,
    alpha: 0.99,
    eps: 1e-8,
    weightDecay: 0,
    momentum: 0,
    centered: false,
    maximize: false,
  },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    { options: { eps: -1 }, message: 'Invalid eps value: -1' },
    { options: { momentum: -0.9 }, message: 'Invalid momentum value: -0.9' },
    { options: { weightDecay: -1 }, message: 'Invalid weightDecay value: -1' },
    { options: { alpha: -0.5 }, message: 'Invalid alpha value: -0.5' },
    { options: { centered: 'yes' }, message: /Invalid centered value: yes/ },
  ],
});

describe('RMSprop', () => {
  it('keeps only the state its options need (squareAvg; gradAvg when centered; a buffer with momentum)', () => {
    const a = param(new Float64Array([1, 2, 3]));
    const b = param(new Float64Array([1, 2, 3]));
    a.grad.set([0.1, 0.2, 0.3]);
    b.grad.set([0.1, 0.2, 0.3]);
    const plain = new RMSprop([a]);
    const full = new RMSprop([b], { centered: true, momentum: 0.9 });
    plain.step();
    full.step();
    expect(Object.keys(plain.stateDict().state[0]).sort()).toEqual(['squareAvg', 'step']);
    expect(Object.keys(full.stateDict().state[0]).sort()).toEqual([
      'gradAvg',
      'momentumBuffer',
      'squareAvg',
      'step',
    ]);
  });
});
