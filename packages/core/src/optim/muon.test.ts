import { memoryStats } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { Muon, muonAdjustedLr } from './muon.js';
import { describeOptimizerConformance, loadOptimFixture } from './test-support/conformance.js';

describeOptimizerConformance({
  optimizer: 'Muon',
  fixture: loadOptimFixture('torch_optim_others.json'),
  create: (params, options) => new Muon(params as never, options),
  defaults: {
    lr: 1e-3,
    weightDecay: 0.1,
    momentum: 0.95,
    nesterov: true,
    nsCoefficients: [3.4445, -4.775, 2.0315],
    eps: 1e-7,
    nsSteps: 5,
    adjustLrFn: null,
  },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    { options: { momentum: -0.1 }, message: 'Invalid momentum value: -0.1' },
    { options: { weightDecay: -1 }, message: 'Invalid weightDecay value: -1' },
    { options: { nsSteps: 100 }, message: 'Invalid nsSteps value: 100 (expected an integer from 1 to 99)' },
    { options: { nsCoefficients: [1, 2] }, message: /Invalid nsCoefficients value: \[1,2\]/ },
    { options: { adjustLrFn: 'rms' }, message: /Invalid adjustLrFn value: rms/ },
    { options: { nesterov: 0 }, message: /Invalid nesterov value: 0/ },
  ],
  // the gemm path and the plain-loop path sum in different orders inside Newton-Schulz
  fusedVsReference: { f64: 1e-11, f32: 1e-5 },
});

describe('Muon', () => {
  it('rejects parameters that are not 2-D, naming them, as torch does', () => {
    const v = param(new Float64Array(4), { name: 'bias' });
    const m = param(new Float64Array(4), { name: 'w', shape: [2, 2] });
    expect(() => new Muon([m, v])).toThrow(
      'Muon only supports 2-D parameters; bias has shape [4] (use AdamW for it)',
    );
    const opt = new Muon([m]);
    expect(() => opt.addParamGroup({ params: [v] })).toThrow(RangeError);
    expect(opt.paramGroups.length).toBe(1);
  });

  it("scales the step by torch's lr adjustments", () => {
    expect(muonAdjustedLr(0.02, null, 8, 2)).toBeCloseTo(0.04, 15);
    expect(muonAdjustedLr(0.02, 'original', 2, 8)).toBe(0.02);
    expect(muonAdjustedLr(0.02, 'match_rms_adamw', 2, 8)).toBeCloseTo(0.02 * 0.2 * Math.sqrt(8), 15);
  });

  it('frees every temporary of a step (momentum output, Newton-Schulz work space): memory in use does not grow', () => {
    const w = param(new Float32Array(24 * 40).fill(0.1), { shape: [24, 40] });
    const opt = new Muon([w], { lr: 0.02 });
    const step = () => {
      w.data.forEach((x, i) => {
        w.grad[i] = Math.sin(i + x);
      });
      opt.step();
    };
    step();
    const inUse = memoryStats().bytesInUse;
    for (let k = 0; k < 5; k++) step();
    // <=: the garbage collector may release unrelated arrays meanwhile, never add any
    expect(memoryStats().bytesInUse).toBeLessThanOrEqual(inUse);
  });
});
