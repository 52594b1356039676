import { readFileSync } from 'node:fs';
import {
  Adadelta,
  Adafactor,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  AdamW8bit,
  ASGD,
  LAMB,
  LBFGS,
  Lion,
  NAdam,
  type Param,
  Prodigy,
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

  it('refuses another optimizer, a file without the format and a stray tensor, changing nothing', () => {
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
    model.free();
  });

  it('refuses optimizers torch.optim lacks by name, on save and on load', () => {
    const ps = () => [param(Float64Array.of(1, 2, 3), { name: 'w' })];
    const st = bytes(optimizerToTorch(new Adam(ps(), { lr: 0.1 })));
    const others: AnyOptimizer[] = [
      new Lion(ps(), { lr: 0.1 }),
      new Adafactor(ps(), { lr: 0.1 }),
      new Prodigy(ps(), { lr: 1 }),
      new LAMB(ps(), { lr: 0.1 }),
      new AdamW8bit(ps(), { lr: 0.1 }),
    ] as never[];
    for (const opt of others) {
      const no = new RegExp(`${opt.name} has no torch.optim counterpart`);
      expect(() => optimizerToTorch(opt)).toThrow(no);
      const st2 = { ...st, metadata: { ...st.metadata, optimizer: opt.name } };
      expect(() => loadTorchOptimizerState(opt, st2)).toThrow(no);
    }
  });
});

/** Rosenbrock over the flat concatenation x of `ps`: Σ (1 - x_i)² + 10 (x_{i+1} - x_i²)², gradients set. */
function rosenbrock(ps: Param[]): () => number {
  return () => {
    const x = ps.flatMap((p) => Array.from(p.data));
    const g = new Array<number>(x.length).fill(0);
    let f = 0;
    for (let i = 0; i < x.length; i++) {
      f += (1 - x[i]) ** 2;
      g[i] -= 2 * (1 - x[i]);
      if (i + 1 < x.length) {
        const r = x[i + 1] - x[i] * x[i];
        f += 10 * r * r;
        g[i + 1] += 20 * r;
        g[i] -= 40 * r * x[i];
      }
    }
    let off = 0;
    for (const p of ps) {
      p.grad.set(g.slice(off, off + p.length));
      off += p.length;
    }
    return f;
  };
}

describe('LBFGS state in torch layout', () => {
  // lbfgs/ is written by test/fixtures/torch-handoff/lbfgs-side.mjs and generate.py lbfgs (torch
  // 1.13's LBFGS loads descent's file and steps once on the same Rosenbrock closure)
  const lbfgsDir = new URL('../../test/fixtures/torch-handoff/lbfgs/', import.meta.url);
  const torchRecord = JSON.parse(readFileSync(new URL('torch_step.json', lbfgsDir), 'utf8'));
  for (const [label, tol] of [
    ['f64-wolfe', 1e-12],
    ['f32-fixed', 1e-6],
  ] as const) {
    it(`${label}: a state saved by descent, loaded into torch 1.13's LBFGS and stepped once, equals descent's next step`, () => {
      const file = (name: string) => read(`../lbfgs/${label}/${name}`);
      const start = file('params.safetensors').tensors;
      const ps = [
        param((start.w.data as Float64Array).slice(), { name: 'w', shape: [2, 3] }),
        param((start.b.data as Float64Array).slice(), { name: 'b' }),
      ];
      const opt = new LBFGS(ps); // history size, line search, lr... come from the file
      loadTorchOptimizerState(opt as never, file('optimizer.safetensors'));
      expect(opt.stepsTaken).toBe(3);
      expect(opt.paramGroups[0].historySize).toBe(3);
      opt.step(rosenbrock(ps));
      const ours = file('descent_step.safetensors');
      const torch = file('torch_step.safetensors').tensors;
      const rec = torchRecord[label];
      expect([opt.nIter, opt.funcEvals]).toEqual([rec.nIter, rec.funcEvals]);
      expect([opt.nIter, opt.funcEvals].map(String)).toEqual([
        ours.metadata.n_iter,
        ours.metadata.func_evals,
      ]);
      expect(rec.historyLoaded).toBe(3);
      for (const [k, p] of [
        ['w', ps[0]],
        ['b', ps[1]],
      ] as const) {
        expect(p.data).toEqual(ours.tensors[k].data); // what descent recorded when it saved the state
        const t = torch[k].data as Float64Array;
        for (let i = 0; i < p.length; i++) expect(Math.abs(p.data[i] - t[i])).toBeLessThan(tol);
      }
      expect(rec.maxDiffFreshTorchVsDescent).toBeGreaterThan(0.1); // without the state, torch goes elsewhere
    });

    it(`${label}: torch's state after that step (written by a Python writer in the same layout) continues in descent as torch's second step`, () => {
      const file = (name: string) => read(`../lbfgs/${label}/${name}`);
      const at = file('torch_step.safetensors').tensors;
      const ps = [
        param((at.w.data as Float64Array).slice(), { name: 'w', shape: [2, 3] }),
        param((at.b.data as Float64Array).slice(), { name: 'b' }),
      ];
      const opt = new LBFGS(ps);
      loadTorchOptimizerState(opt as never, file('torch_state.safetensors'));
      const rec = torchRecord[label];
      expect([opt.nIter, opt.funcEvals]).toEqual([rec.nIter, rec.funcEvals]);
      opt.step(rosenbrock(ps));
      expect([opt.nIter, opt.funcEvals]).toEqual([rec.nIterAfterSecondStep, rec.funcEvalsAfterSecondStep]);
      const torch = file('torch_step2.safetensors').tensors;
      for (const [k, p] of [
        ['w', ps[0]],
        ['b', ps[1]],
      ] as const) {
        const t = torch[k].data as Float64Array;
        for (let i = 0; i < p.length; i++) expect(Math.abs(p.data[i] - t[i])).toBeLessThan(tol);
      }
    });
  }

  const make = (dtype: 'f32' | 'f64') => {
    const arr = (v: number[]) => (dtype === 'f32' ? Float32Array.from(v) : Float64Array.from(v));
    const ps = [
      param(arr([-1.2, 1, -0.5, 0.8, 1.5, -0.3]), { name: 'w', shape: [2, 3] }),
      param(arr([0.4, -1]), { name: 'b' }),
    ];
    const opt = new LBFGS(ps, { historySize: 3, maxIter: 4, lineSearchFn: 'strong_wolfe' });
    return { ps, opt, closure: rosenbrock(ps) };
  };

  it('round-trips bit-exactly through the bytes (f32 and f64), and the next step is the same', () => {
    for (const dtype of ['f32', 'f64'] as const) {
      const a = make(dtype);
      for (let t = 0; t < 3; t++) a.opt.step(a.closure);
      const b = make(dtype);
      b.ps.forEach((p, i) => {
        p.data.set(a.ps[i].data);
      });
      loadTorchOptimizerState(b.opt as never, bytes(optimizerToTorch(a.opt as never)));
      expect(b.opt.stateDict()).toEqual(a.opt.stateDict());
      expect(b.opt.stepsTaken).toBe(3);
      a.opt.step(a.closure);
      b.opt.step(b.closure);
      expect(b.opt.stateDict()).toEqual(a.opt.stateDict());
      b.ps.forEach((p, i) => {
        expect(p.data).toEqual(a.ps[i].data);
      });
    }
  });

  it('lays the lists out as state.0.<key>.<j> flat tensors, ro and H_diag as float64 scalars, counts and numbers in __metadata__', () => {
    const a = make('f32');
    for (let t = 0; t < 3; t++) a.opt.step(a.closure);
    const sd = a.opt.stateDict().state[0] as Record<string, number | number[] | Float32Array>;
    const k = (sd.ro as number[]).length;
    expect(k).toBe(3); // the history is full (historySize 3)
    const st = bytes(optimizerToTorch(a.opt as never));
    expect(JSON.parse(st.metadata.lists)).toEqual({
      'state.0.old_dirs': 3,
      'state.0.old_stps': 3,
      'state.0.ro': 3,
    });
    expect(JSON.parse(st.metadata.scalars)).toEqual({
      'state.0.func_evals': sd.funcEvals,
      'state.0.n_iter': sd.nIter,
      'state.0.t': sd.t,
      'state.0.prev_loss': sd.prevLoss,
    });
    const oldDirs = sd.oldDirs as Float32Array;
    for (let j = 0; j < k; j++) {
      expect(st.tensors[`state.0.old_dirs.${j}`]).toEqual({
        data: oldDirs.slice(8 * j, 8 * j + 8),
        shape: [8],
      });
      expect(st.tensors[`state.0.ro.${j}`]).toEqual({
        data: Float64Array.of((sd.ro as number[])[j]),
        shape: [],
      });
    }
    expect(st.tensors['state.0.d'].shape).toEqual([8]);
    expect(st.tensors['state.0.prev_flat_grad'].data).toBeInstanceOf(Float32Array);
    expect(st.tensors['state.0.H_diag']).toEqual({ data: Float64Array.of(sd.HDiag as number), shape: [] });
    expect(Object.keys(st.tensors)).toHaveLength(3 * k + 3);
    expect(JSON.parse(st.metadata.param_groups)[0]).toMatchObject({
      history_size: 3,
      max_iter: 4,
      line_search_fn: 'strong_wolfe',
      params: [0, 1],
    });
  });

  it('an LBFGS that has not stepped saves no state and loads back empty', () => {
    const a = make('f64');
    const st = bytes(optimizerToTorch(a.opt as never));
    expect(st.tensors).toEqual({});
    const b = make('f64');
    b.opt.step(b.closure);
    loadTorchOptimizerState(b.opt as never, st);
    expect(b.opt.stateDict()).toEqual(a.opt.stateDict());
  });

  it('reads non-finite and negative-zero Python numbers from their strings, and writes them back so', () => {
    const a = make('f64');
    a.opt.step(a.closure);
    const st = bytes(optimizerToTorch(a.opt as never));
    const scalars = {
      ...JSON.parse(st.metadata.scalars),
      'state.0.prev_loss': '-Infinity',
      'state.0.t': '-0',
    };
    const b = make('f64');
    loadTorchOptimizerState(b.opt as never, {
      ...st,
      metadata: { ...st.metadata, scalars: JSON.stringify(scalars) },
    });
    const s0 = b.opt.stateDict().state[0] as Record<string, number>;
    expect(s0.prevLoss).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(s0.t, -0)).toBe(true);
    expect(JSON.parse(optimizerToTorch(b.opt as never).metadata.scalars)).toEqual(scalars);
  });

  it('refuses a list without its tensors, a history tensor of the wrong length and a bad scalar, changing nothing', () => {
    const a = make('f64');
    for (let t = 0; t < 2; t++) a.opt.step(a.closure);
    const st = bytes(optimizerToTorch(a.opt as never));
    const b = make('f64');
    b.opt.step(b.closure);
    const before = b.opt.stateDict();
    const lists = JSON.stringify({ ...JSON.parse(st.metadata.lists), 'state.0.old_dirs': 9 });
    expect(() =>
      loadTorchOptimizerState(b.opt as never, { ...st, metadata: { ...st.metadata, lists } }),
    ).toThrow(/list state.0.old_dirs has no tensor state.0.old_dirs.3 \(length 9\)/);
    const short = { data: new Float64Array(7), shape: [7] };
    expect(() =>
      loadTorchOptimizerState(b.opt as never, {
        ...st,
        tensors: { ...st.tensors, 'state.0.old_stps.0': short },
      }),
    ).toThrow(/tensor state.0.old_stps.0 has 7 values, expected 8/);
    const scalars = JSON.stringify({ ...JSON.parse(st.metadata.scalars), 'state.0.t': 'fast' });
    expect(() =>
      loadTorchOptimizerState(b.opt as never, { ...st, metadata: { ...st.metadata, scalars } }),
    ).toThrow(/scalar state.0.t must be a number, got "fast"/);
    expect(b.opt.stateDict()).toEqual(before);
  });
});
