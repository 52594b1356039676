import { describe, expect, it } from 'vitest';
import { AveragedParams } from '../averaging.js';
import { param } from '../param.js';
import { Adam } from './adam.js';
import { Lookahead } from './lookahead.js';
import { SGD } from './sgd.js';
import { expectIdentical } from './test-support/conformance.js';
import {
  expectAtCall,
  fillScaledGradients,
  TOL,
  wrapperCase,
  wrapperParams,
} from './test-support/wrappers-fixture.js';

describe('Lookahead', () => {
  for (const dtype of ['f64', 'f32'] as const) {
    for (const name of ['lookahead', 'lookahead-reset']) {
      it(`follows the NumPy transcription of optax.lookahead around Adam (${name}, ${dtype})`, () => {
        const c = wrapperCase(name);
        const params = wrapperParams(dtype);
        const opt = new Lookahead(new Adam(params, { lr: 0.05 }), c.options);
        for (let t = 1; t <= c.trajectory.length; t++) {
          fillScaledGradients(params);
          opt.step();
          expectAtCall(params, c, t, TOL[dtype]);
        }
      });
    }
  }

  it('moves the parameters to slow + α (fast - slow) on the k-th step (SGD, closed form)', () => {
    const w = param(new Float64Array([1]));
    const opt = new Lookahead(new SGD([w], { lr: 0.1 }), { k: 2, alpha: 0.5 });
    w.grad[0] = 1;
    opt.step(); // fast 0.9
    expect(w.data[0]).toBeCloseTo(0.9, 15);
    opt.step(); // fast 0.8, slow 1 + 0.5 (0.8 - 1) = 0.9
    expect(w.data[0]).toBeCloseTo(0.9, 15);
    expect(opt.slowValues(0)[0]).toBeCloseTo(0.9, 15);
  });

  it('resumes bit-identically from a state dict taken mid-cycle (through structuredClone)', () => {
    const run = (split: boolean) => {
      const params = wrapperParams('f64');
      let opt = new Lookahead(new Adam(params, { lr: 0.05 }), { k: 3 });
      for (let t = 1; t <= 13; t++) {
        if (split && t === 8) {
          const sd = structuredClone(opt.stateDict());
          opt = new Lookahead(new Adam(params, { lr: 0.05 }), { k: 3 });
          opt.loadStateDict(sd);
        }
        fillScaledGradients(params);
        opt.step();
      }
      return params.map((p) => p.data.slice());
    };
    const a = run(false);
    const b = run(true);
    a.forEach((x, j) => {
      expectIdentical(b[j], x, `param ${j}`);
    });
  });

  it('rejects invalid options and foreign state dicts, naming them, and changes nothing', () => {
    const w = param(new Float64Array([1, 2]));
    const inner = new Adam([w]);
    expect(() => new Lookahead(inner, { k: 0 })).toThrow('Invalid k value: 0 (expected a positive integer)');
    expect(() => new Lookahead(inner, { alpha: 1.5 })).toThrow(
      'Invalid alpha value: 1.5 (expected 0 <= alpha <= 1)',
    );
    expect(() => new Lookahead(inner, { resetState: 1 as never })).toThrow('Invalid resetState value: 1');
    expect(() => new Lookahead(inner, { kk: 2 } as never)).toThrow(/Unknown Lookahead option: kk/);
    expect(() => new Lookahead({} as never)).toThrow(TypeError);
    const opt = new Lookahead(inner, { k: 3 });
    w.grad.set([1, 1]);
    opt.step();
    const before = structuredClone(opt.stateDict());
    const bad = { ...opt.stateDict(), stepsSinceSync: 3 };
    expect(() => opt.loadStateDict(bad)).toThrow('stepsSinceSync must be an integer in [0, 2], got 3');
    const badSlow = { ...opt.stateDict(), slow: [new Float64Array(3)] };
    expect(() => opt.loadStateDict(badSlow)).toThrow('slow[0] must be a Float64Array of length 2');
    const badInner = { ...opt.stateDict(), inner: { ...(opt.stateDict().inner as object), stepsTaken: -1 } };
    expect(() => opt.loadStateDict(badInner)).toThrow(/stepsTaken/);
    expect(opt.stateDict()).toEqual(before);
  });

  it('counts nothing for a step the inner optimizer skips (onNonFinite: skip)', () => {
    const w = param(new Float64Array([1]));
    const opt = new Lookahead(new SGD([w], { lr: 0.1 }), { k: 2 });
    (opt.inner as SGD).onNonFinite = 'skip';
    w.grad[0] = Number.NaN;
    opt.step();
    expect(opt.stepsSinceSync).toBe(0);
    expect(w.data[0]).toBe(1);
  });

  it('composes with an EMA of the weights: AveragedParams sees the synchronized weights', () => {
    const w = param(new Float64Array([1]));
    const opt = new Lookahead(new SGD([w], { lr: 0.1 }), { k: 2, alpha: 0.5 });
    const ema = new AveragedParams(w, { strategy: 'ema', decay: 0.9 });
    let want = 0;
    const fast: number[] = [0.9, 0.9, 0.8, 0.8]; // closed form: steps of 0.1, sync halves each pair
    for (let t = 0; t < 4; t++) {
      w.grad[0] = 1;
      opt.step();
      ema.update();
      want = t === 0 ? w.data[0] : 0.9 * want + 0.1 * w.data[0];
      expect(w.data[0]).toBeCloseTo(fast[t], 14);
    }
    expect(ema.average(0)[0]).toBeCloseTo(want, 14);
    expect(want).toBeCloseTo(0.9 * (0.9 * (0.9 * 0.9 + 0.1 * 0.9) + 0.1 * 0.8) + 0.1 * 0.8, 14);
    ema.free();
  });
});
