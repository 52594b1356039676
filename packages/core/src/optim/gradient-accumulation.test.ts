import { describe, expect, it } from 'vitest';
import { AveragedParams } from '../averaging.js';
import { param } from '../param.js';
import { Adam } from './adam.js';
import { GradientAccumulation } from './gradient-accumulation.js';
import { Lookahead } from './lookahead.js';
import { NonFiniteGradientError } from './optimizer.js';
import { SGD } from './sgd.js';
import { expectIdentical } from './test-support/conformance.js';
import {
  expectAtCall,
  fillScaledGradients,
  TOL,
  wrapperCase,
  wrapperParams,
} from './test-support/wrappers-fixture.js';

/** The fixture's gradient at call c (0-based): (1 + 0.25 (c mod 3)) ∇f. */
const scaleAt = (c: number) => 1 + 0.25 * (c % 3);

describe('GradientAccumulation', () => {
  for (const dtype of ['f64', 'f32'] as const) {
    for (const name of ['multisteps-mean', 'multisteps-sum']) {
      it(`follows the NumPy transcription of optax.MultiSteps around Adam (${name}, ${dtype})`, () => {
        const c = wrapperCase(name);
        const params = wrapperParams(dtype);
        const opt = new GradientAccumulation(new Adam(params, { lr: 0.05 }), c.options);
        for (let t = 1; t <= c.trajectory.length; t++) {
          fillScaledGradients(params, scaleAt(t - 1));
          opt.step();
          expectAtCall(params, c, t, TOL[dtype]);
        }
      });
    }
  }

  it('steps once per everyK calls with the mean gradient, and gives back the caller’s gradients', () => {
    const w = param(new Float64Array([0]));
    const opt = new GradientAccumulation(new SGD([w], { lr: 1 }), { everyK: 3 });
    for (const g of [1, 2, 6]) {
      w.grad[0] = g;
      opt.step();
    }
    expect(w.data[0]).toBe(-3); // SGD with the mean 3
    expect(w.grad[0]).toBe(6);
    expect(opt.gradientStep).toBe(1);
    expect(opt.lastCallStepped).toBe(true);
  });

  it('resumes bit-identically from a state dict taken mid-cycle (through structuredClone)', () => {
    const run = (split: boolean) => {
      const params = wrapperParams('f64');
      let opt = new GradientAccumulation(new Adam(params, { lr: 0.05 }), { everyK: 3 });
      for (let c = 0; c < 14; c++) {
        if (split && c === 7) {
          const sd = structuredClone(opt.stateDict());
          opt = new GradientAccumulation(new Adam(params, { lr: 0.05 }), { everyK: 3 });
          opt.loadStateDict(sd);
        }
        fillScaledGradients(params, scaleAt(c));
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

  it('leaves accumulator and counters unchanged when the inner step throws, so a retry steps once', () => {
    const w = param(new Float64Array([0]));
    const opt = new GradientAccumulation(new SGD([w], { lr: 1 }), { everyK: 2 });
    w.grad[0] = 2;
    opt.step();
    opt.paramGroups[0].lr = -1;
    w.grad[0] = 4;
    expect(() => opt.step()).toThrow(/Invalid learning rate: -1/);
    expect(opt.miniStep).toBe(1);
    expect(w.data[0]).toBe(0);
    expect(w.grad[0]).toBe(4);
    opt.paramGroups[0].lr = 1;
    opt.step();
    expect(w.data[0]).toBe(-3);
    expect(opt.gradientStep).toBe(1);
  });

  it('refuses a NaN gradient naming the parameter (nothing accumulated), or skips the call', () => {
    const w = param(new Float64Array([0]), { name: 'w' });
    const opt = new GradientAccumulation(new SGD([w], { lr: 1 }), { everyK: 2 });
    w.grad[0] = Number.NaN;
    expect(() => opt.step()).toThrow(NonFiniteGradientError);
    expect(opt.miniStep).toBe(0);
    opt.inner.onNonFinite = 'skip';
    opt.step();
    expect(opt.skippedCalls).toBe(1);
    expect(opt.stateDict().accGrads[0][0]).toBe(0);
  });

  it('rejects invalid options and state dicts, naming them, and changes nothing', () => {
    const w = param(new Float64Array([1, 2]));
    const inner = new SGD([w], { lr: 0.1 });
    expect(() => new GradientAccumulation(inner, { everyK: 1.5 })).toThrow(
      'Invalid everyK value: 1.5 (expected a positive integer)',
    );
    expect(() => new GradientAccumulation(inner, { useGradMean: 'yes' as never })).toThrow(
      'Invalid useGradMean value: yes',
    );
    expect(() => new GradientAccumulation(inner, { every_k: 2 } as never)).toThrow(
      /Unknown GradientAccumulation option/,
    );
    const opt = new GradientAccumulation(inner, { everyK: 2 });
    w.grad.set([1, 1]);
    opt.step();
    const before = structuredClone(opt.stateDict());
    expect(() => opt.loadStateDict({ ...opt.stateDict(), miniStep: 2 })).toThrow(
      'miniStep must be an integer in [0, 1], got 2',
    );
    expect(() => opt.loadStateDict({ ...opt.stateDict(), accGrads: [new Float32Array(2)] })).toThrow(
      'accGrads[0] must be a Float64Array of length 2',
    );
    expect(() => opt.loadStateDict({ ...opt.stateDict(), extra: 1 } as never)).toThrow("unknown key 'extra'");
    expect(opt.stateDict()).toEqual(before);
  });

  it('composes with an EMA of the weights updated once per inner step', () => {
    const w = param(new Float64Array([0]));
    const opt = new GradientAccumulation(new SGD([w], { lr: 1 }), { everyK: 2 });
    const ema = new AveragedParams(w, { strategy: 'ema', decay: 0.5 });
    for (let c = 0; c < 6; c++) {
      w.grad[0] = 1;
      opt.step();
      if (opt.lastCallStepped) ema.update();
    }
    expect(w.data[0]).toBe(-3);
    // updates at -1, -2, -3: -1, then 0.5 (-1) + 0.5 (-2) = -1.5, then 0.5 (-1.5) + 0.5 (-3) = -2.25
    expect(ema.average(0)[0]).toBe(-2.25);
    ema.free();
  });

  it('composes with Lookahead either way round (closed form with SGD), and resumes through both', () => {
    // SGD lr 1, gradient 1: an accumulated step every 2 calls moves w by -1; Lookahead (k 2,
    // α 0.5) synchronizes after 2 such steps: slow = 0 + 0.5 (-2 - 0) = -1
    const trace = (outer: 'lookahead' | 'accumulation') => {
      const w = param(new Float64Array([0]));
      const opt =
        outer === 'lookahead'
          ? new Lookahead(new GradientAccumulation(new SGD([w], { lr: 1 }), { everyK: 2 }), {
              k: 2,
              alpha: 0.5,
            })
          : new GradientAccumulation(new Lookahead(new SGD([w], { lr: 1 }), { k: 2, alpha: 0.5 }), {
              everyK: 2,
            });
      const out: number[] = [];
      for (let c = 0; c < 6; c++) {
        w.grad[0] = 1;
        opt.step();
        out.push(w.data[0]);
      }
      return out;
    };
    expect(trace('lookahead')).toEqual([0, -1, -1, -1, -1, -2]);
    expect(trace('accumulation')).toEqual([0, -1, -1, -1, -1, -2]);
    const run = (split: boolean) => {
      const params = wrapperParams('f64');
      const make = () =>
        new Lookahead(new GradientAccumulation(new Adam(params, { lr: 0.05 }), { everyK: 3 }), { k: 2 });
      let opt = make();
      for (let c = 0; c < 17; c++) {
        if (split && c === 8) {
          const sd = structuredClone(opt.stateDict());
          opt = make();
          opt.loadStateDict(sd);
        }
        fillScaledGradients(params, scaleAt(c));
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
});
