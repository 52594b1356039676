import type { WasmArray } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { Adagrad } from './adagrad.js';
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
  optimizer: 'Adagrad',
  fixture,
  create: (params, options) => new Adagrad(params as never, options),
  defaults: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    { options: { lrDecay: -0.1 }, message: 'Invalid lrDecay value: -0.1' },
    { options: { weightDecay: -1 }, message: 'Invalid weightDecay value: -1' },
    { options: { initialAccumulatorValue: -1 }, message: 'Invalid initialAccumulatorValue value: -1' },
    { options: { eps: -1e-10 }, message: 'Invalid eps value: -1e-10' },
    { options: { maximize: 1 }, message: /Invalid maximize value: 1/ },
  ],
});

describe('Adagrad', () => {
  const groups = loadOptimFixture('torch_adagrad_groups.json');
  it.each(groups.cases.map((c) => [c.dtype, c] as const))(
    "ignores a group's initialAccumulatorValue and fills every sum from the constructor's, as torch (%s)",
    (_d, c) => {
      for (const impl of ['fused', 'reference']) {
        const ps = caseParams(c);
        const opt = new Adagrad(paramsInput(c, ps) as never, { ...c.options, impl } as never);
        expect(opt.paramGroups[0].initialAccumulatorValue).toBe(3); // kept in the group, unused
        for (const p of ps.flat())
          expect(Array.from((opt.state.get(p)!.sum as WasmArray).toArray())).toEqual(
            new Array(p.length).fill(0.5),
          );
        for (let k = 1; k <= c.steps; k++) {
          fillGradients(ps.flat());
          opt.step();
          const r = c.record.indexOf(k);
          if (r < 0) continue;
          ps.flat().forEach((p, j) => {
            expectClose(
              p.data,
              c.trajectory[r][j],
              c.dtype === 'f64' ? 1e-10 : 1e-5,
              `${impl} step ${k} ${p.name}`,
            );
          });
        }
      }
    },
  );

  it('moves every coordinate by about lr on the first step (G = g², so g/√G = ±1)', () => {
    const w = param(new Float64Array([3, -0.5, 1e-3]));
    w.grad.set([2, -7, 1e-2]);
    new Adagrad([w], { lr: 0.1 }).step();
    const want = [3 - 0.1, -0.5 + 0.1, 1e-3 - 0.1];
    w.data.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i], 7);
    });
  });

  it('creates its accumulators at construction, filled with initialAccumulatorValue, as torch', () => {
    const w = param(new Float32Array(3));
    const sd = new Adagrad([w], { initialAccumulatorValue: 0.5 }).stateDict();
    expect(sd.state[0].step).toBe(0);
    expect(Array.from(sd.state[0].sum as Float32Array)).toEqual([0.5, 0.5, 0.5]);
  });
});
