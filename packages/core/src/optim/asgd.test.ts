import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { ASGD } from './asgd.js';
import {
  caseParams,
  describeOptimizerConformance,
  expectClose,
  fillGradients,
  loadOptimFixture,
  paramsInput,
} from './test-support/conformance.js';

const fixture = loadOptimFixture('torch_optim_others.json');

describeOptimizerConformance({
  optimizer: 'ASGD',
  fixture,
  create: (params, options) => new ASGD(params as never, options),
  defaults: { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    { options: { lambd: -1 }, message: 'Invalid lambd value: -1' },
    { options: { alpha: -1 }, message: 'Invalid alpha value: -1' },
    { options: { t0: -5 }, message: 'Invalid t0 value: -5' },
    { options: { weightDecay: -1 }, message: 'Invalid weightDecay value: -1' },
  ],
});

describe('ASGD', () => {
  const cases = fixture.cases.filter((c) => c.optimizer === 'ASGD');
  it.each(
    cases.flatMap((c) =>
      (['fused', 'reference'] as const).map((impl) => [c.name, c.dtype, impl, c] as const),
    ),
  )("matches torch's average ax after 40 steps: %s (%s, %s)", (_n, dtype, impl, c) => {
    const groups = caseParams(c);
    const opt = new ASGD(paramsInput(c, groups) as never, { ...c.options, impl });
    const params = groups.flat();
    for (let k = 0; k < c.steps; k++) {
      fillGradients(params);
      opt.step();
    }
    const want = (c as unknown as { ax: number[][] }).ax;
    params.forEach((p, j) => {
      expectClose(opt.averages(p)!, want[j], dtype === 'f64' ? 1e-10 : 1e-5, `${c.name} ax ${j}`);
    });
  });

  it('averages the iterates from t0 on: ax is their mean (closed form on a constant gradient)', () => {
    // With lambd = 0 and alpha = 0, eta = lr for ever; g = 1 gives θ_t = -t·lr.
    const w = param(new Float64Array([0]));
    const opt = new ASGD([w], { lr: 0.5, lambd: 0, alpha: 0, t0: 3 });
    const iterates: number[] = [];
    for (let t = 1; t <= 10; t++) {
      w.grad[0] = 1;
      opt.step();
      iterates.push(w.data[0]);
    }
    // step t uses μ_{t-1} = 1 / max(1, t - 1 - t0): ax = θ_5 at step 5, then the mean of θ_5 .. θ_t
    const tail = iterates.slice(4);
    const mean = tail.reduce((a, b) => a + b, 0) / tail.length;
    expect(opt.averages(w)![0]).toBeCloseTo(mean, 12);
  });
});
