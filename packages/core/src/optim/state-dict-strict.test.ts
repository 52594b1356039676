/**
 * loadStateDict is strict, for every optimizer (table-driven): unknown keys, missing keys, wrong
 * types, wrong lengths, another optimizer's state, torch's layout and undecoded JSON are refused
 * with an error naming the key, before anything changes. "Nothing changed" is checked the strong
 * way: after the refused load the optimizer steps exactly as a twin that never saw it.
 */
import { describe, expect, it } from 'vitest';
import { type Param, param } from '../param.js';
import { Adadelta } from './adadelta.js';
import { Adafactor } from './adafactor.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Adamax } from './adamax.js';
import { AdamW } from './adamw.js';
import { ASGD } from './asgd.js';
import { LBFGS } from './lbfgs.js';
import { Lion } from './lion.js';
import { Muon } from './muon.js';
import { NAdam } from './nadam.js';
import type { Optimizer, ParamsInput } from './optimizer.js';
import { RAdam } from './radam.js';
import { RMSprop } from './rmsprop.js';
import { Rprop } from './rprop.js';
import { SGD } from './sgd.js';
import { encodeStateDict, type OptimizerStateDict } from './state-dict.js';

type AnyOptimizer = Optimizer<{ lr: number }>;
type Make = (params: ParamsInput<never>) => AnyOptimizer;

const OPTIMIZERS: Array<[string, Make]> = [
  ['SGD', (p) => new SGD(p, { lr: 0.1, momentum: 0.9 })],
  ['Adam', (p) => new Adam(p, { lr: 0.1, amsgrad: true })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.1 })],
  ['Adamax', (p) => new Adamax(p, { lr: 0.1 })],
  ['NAdam', (p) => new NAdam(p, { lr: 0.1 })],
  ['RAdam', (p) => new RAdam(p, { lr: 0.1 })],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.1 })],
  ['RMSprop', (p) => new RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 })],
  ['Adadelta', (p) => new Adadelta(p, { lr: 1 })],
  ['Rprop', (p) => new Rprop(p, { lr: 0.1 })],
  ['ASGD', (p) => new ASGD(p, { lr: 0.1 })],
  ['Lion', (p) => new Lion(p, { lr: 0.1 })],
  ['Adafactor', (p) => new Adafactor(p, { lr: 0.1 })],
  ['Muon', (p) => new Muon(p, { lr: 0.1 })],
  ['LBFGS', (p) => new LBFGS(p, { lr: 0.5, maxIter: 3 })],
];

/** One group of two 2 x 3 matrices (Muon takes only 2-D parameters; LBFGS only one group), f64. */
function build(make: Make) {
  const ps = [0, 1].map((j) =>
    param(
      Float64Array.from({ length: 6 }, (_, i) => Math.sin(1.7 * i + j) + 0.1),
      {
        name: `p${j}`,
        shape: [2, 3],
      },
    ),
  );
  return { opt: make(ps as never), ps };
}

/** One step of f(x) = Σ (x_i - 1)^2 / 2 + Σ x_i^4 / 4 (the same closure for every optimizer). */
function stepOnce(opt: AnyOptimizer, ps: Param[]): void {
  opt.step(() => {
    let f = 0;
    for (const p of ps) {
      for (let i = 0; i < p.length; i++) {
        const x = p.data[i];
        f += (x - 1) ** 2 / 2 + x ** 4 / 4;
        p.grad[i] = x - 1 + x ** 3;
      }
    }
    return f;
  });
}

/** An optimizer after two steps, its state dict, and a twin in the same state. */
function pair(make: Make) {
  const a = build(make);
  const b = build(make);
  for (let t = 0; t < 2; t++) {
    stepOnce(a.opt, a.ps);
    stepOnce(b.opt, b.ps);
  }
  return { a, b, sd: a.opt.stateDict() };
}

/** Loading `bad` throws `message`; then `a` steps bit-identically to its twin `b`. */
function expectRefused(
  { a, b }: ReturnType<typeof pair>,
  bad: unknown,
  message: RegExp,
  kind: typeof TypeError | typeof RangeError = Error,
): void {
  const before = a.opt.stateDict();
  expect(() => a.opt.loadStateDict(bad as OptimizerStateDict)).toThrow(kind);
  expect(() => a.opt.loadStateDict(bad as OptimizerStateDict)).toThrow(message);
  expect(a.opt.stateDict()).toEqual(before);
  for (let t = 0; t < 2; t++) {
    stepOnce(a.opt, a.ps);
    stepOnce(b.opt, b.ps);
  }
  a.ps.forEach((p, j) => {
    expect(Array.from(p.data)).toEqual(Array.from(b.ps[j].data));
  });
}

const names = OPTIMIZERS.map(([n]) => n);
const table = OPTIMIZERS.map(([n, make], i) => [n, make, OPTIMIZERS[(i + 1) % OPTIMIZERS.length]] as const);

describe('loadStateDict refuses, naming the key, and changes nothing', () => {
  it.each(table)('%s: an unknown top-level key', (_n, make) => {
    const t = pair(make);
    expectRefused(t, { ...t.sd, extra: 1 }, /unknown key 'extra'/, RangeError);
  });

  it.each(table)("%s: torch's top level (param_groups)", (_n, make) => {
    const t = pair(make);
    expectRefused(t, { state: {}, param_groups: [] }, /'param_groups'.*fromTorchStateDict/, RangeError);
  });

  it.each(table)('%s: a typo in a group (weight_decay, lrr)', (_n, make) => {
    const t = pair(make);
    const sd = structuredClone(t.sd);
    (sd.paramGroups[0] as Record<string, unknown>).lrr = 0.5;
    expectRefused(t, sd, /unknown key 'lrr' in paramGroups\[0\] \(did you mean lr\?\)/, RangeError);
  });

  it.each(table)('%s: a group missing an option', (_n, make) => {
    const t = pair(make);
    const sd = structuredClone(t.sd);
    delete (sd.paramGroups[0] as Record<string, unknown>).lr;
    expectRefused(t, sd, /paramGroups\[0\] is missing option 'lr'/, RangeError);
  });

  it.each(table)('%s: an invalid option value in a group', (_n, make) => {
    const t = pair(make);
    const sd = structuredClone(t.sd);
    sd.paramGroups[0].lr = -1;
    expectRefused(t, sd, /paramGroups\[0\]: Invalid learning rate: -1/, RangeError);
  });

  it.each(table)('%s: parameter indices out of order', (_n, make) => {
    const t = pair(make);
    const sd = structuredClone(t.sd);
    sd.paramGroups[0].params = [1, 0];
    expectRefused(t, sd, /params\[0\] is 1, expected 0/, RangeError);
  });

  it.each(table)('%s: undecoded JSON (encodeStateDict output)', (_n, make) => {
    const t = pair(make);
    const encoded = JSON.parse(JSON.stringify(encodeStateDict(t.sd)));
    if (Object.keys(t.sd.state).length === 0) return;
    expectRefused(t, encoded, /decodeStateDict|must be a Float64Array/, TypeError);
  });

  it.each(table)("%s: another optimizer's state", (_n, make, [other, makeOther]) => {
    const t = pair(make);
    const foreign = pair(makeOther).sd;
    expect(other).not.toBe(_n);
    expectRefused(t, foreign, /loadStateDict: /);
  });

  it.each(table)("%s: torch's snake_case state keys", (_n, make) => {
    const t = pair(make);
    const sd = structuredClone(t.sd);
    const s0 = sd.state[0] as Record<string, unknown>;
    const k = Object.keys(s0)[0];
    s0[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/^funcEvals$/, 'func_evals')] = s0[k];
    delete s0[k];
    if (Object.keys(s0).every((x) => !x.includes('_'))) s0.momentum_buffer = s0[Object.keys(s0)[0]];
    expectRefused(t, sd, /unknown .*(state|LBFGS state field)/, RangeError);
  });

  it.each(table)('%s: every state key missing in turn', (_n, make) => {
    const t = pair(make);
    for (const k of Object.keys(t.sd.state[0])) {
      const sd = structuredClone(t.sd);
      delete sd.state[0][k];
      const before = t.a.opt.stateDict();
      const optional = _n === 'LBFGS' && ['d', 't', 'HDiag', 'prevFlatGrad', 'prevLoss'].includes(k);
      if (optional) continue;
      expect(() => t.a.opt.loadStateDict(sd), `${_n} without ${k}`).toThrow(new RegExp(`${k}`));
      expect(t.a.opt.stateDict()).toEqual(before);
    }
    expectRefused(t, { ...t.sd, state: { 0: {} } }, /missing|LBFGS state/);
  });

  it.each(table)('%s: every state key with a wrong type or length', (_n, make) => {
    const t = pair(make);
    for (const [k, v] of Object.entries(t.sd.state[0])) {
      const wrong: unknown[] = ArrayBuffer.isView(v)
        ? [
            1,
            Array.from(v as Float64Array),
            new Float32Array((v as Float64Array).length),
            new Float64Array(1),
          ]
        : ['1', [1], null];
      if (ArrayBuffer.isView(v) && (v as Float64Array).length === 1) wrong.pop();
      for (const w of wrong) {
        const sd = structuredClone(t.sd);
        (sd.state[0] as Record<string, unknown>)[k] = w;
        expect(() => t.a.opt.loadStateDict(sd), `${_n} ${k} = ${String(w)}`).toThrow(
          new RegExp(`${k}|LBFGS state oldDirs`),
        );
      }
    }
    expectRefused(t, { ...t.sd, state: { 0: 5 } }, /must be an object|LBFGS/);
  });

  it.each(table)('%s: state for a parameter that does not exist', (_n, make) => {
    const t = pair(make);
    expectRefused(t, { ...t.sd, state: { ...t.sd.state, 7: t.sd.state[0] } }, /7/, RangeError);
  });

  it('covers every optimizer of the package', () => {
    expect(names.length).toBe(15);
  });
});
