import { readFileSync } from 'node:fs';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  ASGD,
  LBFGS,
  NAdam,
  type Param,
  param,
  RAdam,
  RMSprop,
  Rprop,
  SGD,
} from '@descent/core';
import { describe, expect, it } from 'vitest';
import type { AnyOptimizer } from '../fit.js';
import { mlp } from '../mlp.js';
import { decodeSafetensors, encodeSafetensors, type Safetensors } from '../safetensors.js';
import { loadTorchOptimizerState, optimizerToTorch } from './optimizer.js';
import { loadTorchStateDict } from './state-dict.js';

// adam/ is written by test/fixtures/torch-handoff/descent-side.mjs (descent's side) and
// generate.py handoff (torch 1.13 loads it, sets the same gradients, takes one Adam step)
const dir = new URL('../../test/fixtures/torch-handoff/adam/', import.meta.url);
const read = (name: string) => decodeSafetensors(new Uint8Array(readFileSync(new URL(name, dir))));
const bytes = (st: {
  tensors: Safetensors['tensors'] | Record<string, { data: unknown }>;
  metadata?: object;
}) =>
  decodeSafetensors(encodeSafetensors(st.tensors as never, (st.metadata ?? {}) as Record<string, string>));

/** The fixture's model: mlp 64-32-16-10 with BatchNorm1d, torch modules 0, 1, 3, 4, 6 hold parameters. */
function fixtureModel() {
  const model = mlp({ sizes: [64, 32, 16, 10], batchNorm: true });
  loadTorchStateDict(model, read('model.safetensors').tensors);
  return model;
}

/** torch's parameter names of `model`: i.weight / i.bias by module index. */
const torchNames = (model: ReturnType<typeof mlp>): [string, Param][] =>
  model.layers.flatMap((l, i) =>
    l.parameters().map((p): [string, Param] => [`${i}.${p.name.split('.').pop()}`, p]),
  );

describe('optimizer state in torch layout', () => {
  it("an Adam state saved by descent, loaded into torch 1.13 and stepped once, equals descent's next step", () => {
    const model = fixtureModel();
    const opt = new Adam(model.parameters(), { lr: 0.5 }); // lr, betas, amsgrad... come from the file
    loadTorchOptimizerState(opt, read('optimizer.safetensors'));
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.01, weightDecay: 0.001, amsgrad: true });
    expect(opt.stepsTaken).toBe(29);
    const grads = read('grads.safetensors').tensors;
    const torchStep = read('torch_step.safetensors').tensors;
    const ours = read('descent_step.safetensors').tensors;
    const named = torchNames(model);
    for (const [name, p] of named) p.grad.set(grads[name].data as Float32Array);
    opt.step();
    for (const [name, p] of named) {
      expect(p.data).toEqual(ours[name].data); // what descent recorded when it saved the state
      const t = torchStep[name].data as Float32Array;
      for (let k = 0; k < p.length; k++) expect(Math.abs(p.data[k] - t[k])).toBeLessThan(1e-6);
    }
    model.free();
  });

  it('names the tensors state.<i>.<key> with the parameter shapes and a float32 step, groups in __metadata__', () => {
    const st = read('optimizer.safetensors');
    expect(st.tensors['state.0.exp_avg'].shape).toEqual([32, 64]);
    expect(st.tensors['state.0.max_exp_avg_sq'].shape).toEqual([32, 64]);
    expect(st.tensors['state.0.step']).toEqual({ data: Float32Array.of(29), shape: [] });
    expect(JSON.parse(st.metadata.param_groups)).toEqual([
      {
        lr: 0.01,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weight_decay: 0.001,
        amsgrad: true,
        maximize: false,
        params: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      },
    ]);
  });

  const factories: [string, (ps: Param[]) => AnyOptimizer][] = [
    ['SGD (nesterov)', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true })],
    ['Adam (amsgrad)', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true })],
    ['AdamW', (ps) => new AdamW(ps, { lr: 0.01 })],
    ['Adamax', (ps) => new Adamax(ps, { lr: 0.01 })],
    ['NAdam', (ps) => new NAdam(ps, { lr: 0.01 })],
    ['RAdam', (ps) => new RAdam(ps, { lr: 0.01 })],
    ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.01 })],
    ['Adadelta', (ps) => new Adadelta(ps, { lr: 1 })],
    ['RMSprop (centered, momentum)', (ps) => new RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.5 })],
    ['Rprop', (ps) => new Rprop(ps, { lr: 0.01 })],
    ['ASGD', (ps) => new ASGD(ps, { lr: 0.01 })],
  ];
  for (const [label, make] of factories) {
    it(`${label}: the state round-trips bit-exactly through the bytes (f32 and f64)`, () => {
      for (const dtype of ['f32', 'f64'] as const) {
        const arr = (v: number[]) => (dtype === 'f32' ? Float32Array.from(v) : Float64Array.from(v));
        const params = () => [
          param(arr([0.5, -1, 2, 0.25, 3, -2]), { name: 'w', shape: [2, 3] }),
          param(arr([0.1, -0.2]), { name: 'b' }),
        ];
        const a = params();
        const opt = make(a);
        for (let t = 1; t <= 3; t++) {
          for (const p of a) p.grad.set(arr(Array.from(p.data, (v, k) => Math.sin(t + k) * v + 0.1)));
          opt.step();
        }
        const torch = optimizerToTorch(opt);
        expect(torch.tensors['state.0.step']?.shape ?? []).toEqual([]);
        const other = make(params());
        loadTorchOptimizerState(other, bytes(torch));
        expect(other.stateDict()).toEqual(opt.stateDict());
      }
    });
  }

  it('refuses another optimizer, a file without the format, a stray tensor and LBFGS, changing nothing', () => {
    const model = fixtureModel();
    const st = read('optimizer.safetensors');
    const sgd = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    expect(() => loadTorchOptimizerState(sgd, st)).toThrow(/holds Adam state, the optimizer is SGD/);
    const adam = new Adam(model.parameters(), { lr: 0.5 });
    const before = adam.stateDict();
    expect(() => loadTorchOptimizerState(adam, { ...st, metadata: {} })).toThrow(
      /not a torch optimizer state/,
    );
    const stray = { ...st, tensors: { ...st.tensors, 'state.99.exp_avg': st.tensors['state.0.step'] } };
    expect(() => loadTorchOptimizerState(adam, stray)).toThrow(/optimizer state: .*99/);
    expect(() =>
      loadTorchOptimizerState(adam, {
        ...st,
        tensors: { ...st.tensors, exp_avg: st.tensors['state.0.step'] },
      }),
    ).toThrow(/tensor exp_avg is not named state.<index>.<key>/);
    expect(adam.stateDict()).toEqual(before);
    expect(() => optimizerToTorch(new LBFGS(model.parameters()) as never)).toThrow(/LBFGS's history/);
    model.free();
  });
});
