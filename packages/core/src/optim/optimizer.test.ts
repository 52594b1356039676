/** The base class's own contract, exercised through SGD and Adafactor. */
import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { Adafactor } from './adafactor.js';
import { NonFiniteGradientError } from './optimizer.js';
import { SGD } from './sgd.js';

function quadraticStep(opt: SGD, p: ReturnType<typeof param>): void {
  opt.zeroGrad();
  for (let i = 0; i < p.length; i++) p.grad[i] = 2 * p.data[i] - 1;
  opt.step();
}

describe('Optimizer base', () => {
  it('rejects a state array of the wrong length before changing anything', () => {
    const p = param(new Float64Array([1, 2, 3]), { name: 'w' });
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    quadraticStep(opt, p);
    const good = opt.stateDict();
    const bad = opt.stateDict();
    bad.state[0].momentumBuffer = new Float64Array(2);
    bad.paramGroups[0].lr = 0.5;
    expect(() => opt.loadStateDict(bad)).toThrow(/state 'momentumBuffer' of w has length 2, expected 3/);
    expect(opt.paramGroups[0].lr).toBe(0.1); // groups untouched too
    expect(opt.stateDict()).toEqual(good);
  });

  it('accepts factored Adafactor statistics of their own lengths, and rejects others', () => {
    const p = param(new Float32Array(12).fill(0.5), { name: 'W', shape: [3, 4] });
    const opt = new Adafactor([p], { lr: 0.01 });
    p.grad.fill(0.1);
    opt.step();
    const sd = opt.stateDict();
    const fresh = new Adafactor([p], { lr: 0.01 });
    fresh.loadStateDict(sd);
    expect(fresh.stateDict()).toEqual(sd);
    const bad = opt.stateDict();
    const key = Object.keys(bad.state[0]).find((k) => k === 'rowVar')!;
    bad.state[0][key] = new Float32Array(12);
    expect(() => fresh.loadStateDict(bad)).toThrow(/state 'rowVar' of W has length 12, expected/);
  });

  it('restores the step count, so errors after a resume name the right step', () => {
    const p = param(new Float64Array([1, 2]), { name: 'w' });
    const opt = new SGD([p], { lr: 0.1 });
    for (let t = 0; t < 5; t++) quadraticStep(opt, p);
    const resumed = new SGD([p], { lr: 0.1 });
    resumed.loadStateDict(structuredClone(opt.stateDict()));
    p.grad[1] = Number.NaN;
    let err: unknown;
    try {
      resumed.step();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NonFiniteGradientError);
    expect((err as NonFiniteGradientError).step).toBe(6);
  });

  it('refuses options that are not an object (SGD([w], 5)), for every kind of non-object', () => {
    const w = param(new Float64Array([1]));
    for (const bad of [5, 'fast', null, [0.1], true]) {
      expect(() => new SGD([w], bad as never), String(bad)).toThrow(TypeError);
      expect(() => new SGD([w], bad as never), String(bad)).toThrow(
        /Invalid SGD options: .* \(expected an object of options\)/,
      );
    }
    expect(() => new Adafactor([w], 5 as never)).toThrow(/Invalid Adafactor options: 5/);
  });

  it('names the closest option of a typo, in the constructor and in a group', () => {
    const w = param(new Float64Array([1]));
    expect(() => new SGD([w], { weight_decay: 0.1 } as never)).toThrow(
      /Unknown SGD option: weight_decay \(did you mean weightDecay\?\)/,
    );
    expect(() => new SGD([w], { momentun: 0.9 } as never)).toThrow(/did you mean momentum\?/);
    expect(() => new SGD([{ params: [w], lrr: 0.1 }] as never)).toThrow(
      /Unknown SGD option: lrr \(did you mean lr\?\)/,
    );
    expect(() => new SGD([w], { zzzzzz: 1 } as never)).toThrow(/Unknown SGD option: zzzzzz \(known: /);
  });

  it('refuses a parameter that appears in two groups', () => {
    const p = param(new Float64Array([1]), { name: 'shared' });
    expect(() => new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 })).toThrow(
      /Parameter shared appears in more than one parameter group/,
    );
  });
});
