/**
 * Strict contracts of every scheduler (table-driven): option typos and non-object options are
 * refused like the optimizers' constructors refuse them (RangeError naming the key and the closest
 * known name), and loadStateDict refuses unknown or missing keys, wrong types and wrong lengths
 * before anything changes (the scheduler then continues exactly like a twin that never saw the
 * refused state). A schedule that produces NaN is stopped by the optimizer's step-time checks.
 */
import { param, SGD } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { cosine } from '../schedules/cosine.js';
import { cyclic } from '../schedules/cyclic.js';
import { step } from '../schedules/step.js';
import { warmup } from '../schedules/warmup.js';
import { ChainedScheduler } from './chained-scheduler.js';
import { ConstantLR } from './constant-lr.js';
import { CosineAnnealingLR } from './cosine-annealing-lr.js';
import { CosineAnnealingWarmRestarts } from './cosine-annealing-warm-restarts.js';
import { CyclicLR } from './cyclic-lr.js';
import { ExponentialLR } from './exponential-lr.js';
import { LambdaLR } from './lambda-lr.js';
import { LinearLR } from './linear-lr.js';
import type { SchedulableOptimizer } from './lr-scheduler.js';
import { MultiStepLR } from './multi-step-lr.js';
import { MultiplicativeLR } from './multiplicative-lr.js';
import { OneCycleLR } from './one-cycle-lr.js';
import { PolynomialLR } from './polynomial-lr.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
import { SequentialLR } from './sequential-lr.js';
import { StepLR } from './step-lr.js';

const groups = (): SchedulableOptimizer => ({
  paramGroups: [
    { lr: 0.1, momentum: 0.9 },
    { lr: 0.01, momentum: 0.9 },
  ],
});

type Scheduler = {
  step(x?: number): void;
  stateDict(): Record<string, unknown>;
  loadStateDict(s: Record<string, unknown>): void;
};
// biome-ignore lint/suspicious/noExplicitAny: the table calls every constructor with its own options
type Ctor = new (opt: SchedulableOptimizer, options: any) => Scheduler;

/** Each scheduler with valid options, the name of one option, and a typo of it. */
const TABLE: Array<[string, Ctor, Record<string, unknown>, string, string]> = [
  ['StepLR', StepLR, { stepSize: 2 }, 'gama', 'gamma'],
  ['MultiStepLR', MultiStepLR, { milestones: [2, 4] }, 'milestone', 'milestones'],
  ['ExponentialLR', ExponentialLR, { gamma: 0.9 }, 'gama', 'gamma'],
  ['ConstantLR', ConstantLR, {}, 'totalIter', 'totalIters'],
  ['LinearLR', LinearLR, {}, 'startfactor', 'startFactor'],
  ['PolynomialLR', PolynomialLR, {}, 'powr', 'power'],
  ['CosineAnnealingLR', CosineAnnealingLR, { TMax: 5 }, 'eta_min', 'etaMin'],
  ['CosineAnnealingWarmRestarts', CosineAnnealingWarmRestarts, { T0: 3 }, 'T_mult', 'TMult'],
  ['CyclicLR', CyclicLR, { baseLr: 0.01, maxLr: 0.1 }, 'stepSizeUP', 'stepSizeUp'],
  ['OneCycleLR', OneCycleLR, { maxLr: 0.1, totalSteps: 20 }, 'pct_start', 'pctStart'],
  ['LambdaLR', LambdaLR, { lrLambda: (t: number) => 0.9 ** t }, 'lr_lambda', 'lrLambda'],
  ['MultiplicativeLR', MultiplicativeLR, { lrLambda: () => 0.9 }, 'lambda', 'lrLambda'],
  ['ReduceLROnPlateau', ReduceLROnPlateau as unknown as Ctor, {}, 'patiense', 'patience'],
];

describe('scheduler options are checked like optimizer options', () => {
  it.each(TABLE)('%s refuses a typo, naming it and the closest option', (name, Ctor, ok, typo, known) => {
    const opt = groups();
    const before = structuredClone(opt);
    expect(() => new Ctor(opt, { ...ok, [typo]: 0.5 })).toThrow(RangeError);
    expect(() => new Ctor(opt, { ...ok, [typo]: 0.5 })).toThrow(
      `Unknown ${name} option: ${typo} (did you mean ${known}?)`,
    );
    expect(opt).toEqual(before);
  });

  it.each(TABLE)('%s refuses options that are not an object', (_name, Ctor) => {
    for (const bad of [5, 'x', null, [1]]) expect(() => new Ctor(groups(), bad)).toThrow(TypeError);
  });

  it('the composites check their options too', () => {
    const opt = groups();
    const a = new ConstantLR(opt, { factor: 0.5, totalIters: 2 });
    const b = new ExponentialLR(opt, { gamma: 0.9 });
    expect(() => new SequentialLR(opt, { schedulers: [a, b], milestone: [2] } as never)).toThrow(
      /Unknown SequentialLR option: milestone \(did you mean milestones\?\)/,
    );
    expect(ChainedScheduler).toBeDefined();
  });

  it('the pure schedules refuse typos too', () => {
    expect(() => step({ lr: 0.1, stepSize: 2, gama: 0.5 } as never)).toThrow(
      /Unknown step option: gama \(did you mean gamma\?\)/,
    );
    expect(() => cosine({ lr: 0.1, TMax: 5, eta_min: 0 } as never)).toThrow(/did you mean etaMin\?/);
    expect(() => cyclic({ baseLr: 0.1, maxLr: 1, mode: 'triangular', stepsizeup: 3 } as never)).toThrow(
      /did you mean stepSizeUp\?/,
    );
    expect(() => warmup(step({ lr: 0.1, stepSize: 2 }), 5 as never)).toThrow(TypeError);
  });
});

describe('scheduler loadStateDict is strict and changes nothing when it refuses', () => {
  const stateful = TABLE.filter(([n]) => n !== 'ReduceLROnPlateau');
  /** A scheduler after 3 steps, a twin in the same state, their optimizers and the state dict. */
  function pair(Ctor: Ctor, ok: Record<string, unknown>) {
    const optA = groups();
    const optB = groups();
    const a = new Ctor(optA, ok);
    const b = new Ctor(optB, ok);
    for (let t = 0; t < 3; t++) {
      a.step();
      b.step();
    }
    return { a, b, optA, optB, sd: a.stateDict() };
  }
  function expectRefused(t: ReturnType<typeof pair>, bad: unknown, message: RegExp): void {
    expect(() => t.a.loadStateDict(bad as Record<string, unknown>)).toThrow(message);
    for (let k = 0; k < 4; k++) {
      t.a.step();
      t.b.step();
    }
    expect(t.optA.paramGroups.map((g) => g.lr)).toEqual(t.optB.paramGroups.map((g) => g.lr));
    expect(t.a.stateDict()).toEqual(t.b.stateDict());
  }

  it.each(stateful)('%s: an unknown key, with the closest name', (_n, Ctor, ok) => {
    const t = pair(Ctor, ok);
    expectRefused(t, { ...t.sd, lastEpok: 1 }, /'lastEpok' is not part of .* \(did you mean lastEpoch\?\)/);
  });

  it.each(stateful)('%s: every key missing in turn', (_n, Ctor, ok) => {
    const t = pair(Ctor, ok);
    for (const k of Object.keys(t.sd)) {
      const bad = { ...t.sd };
      delete bad[k];
      expect(() => t.a.loadStateDict(bad), k).toThrow(new RegExp(`missing '${k}'`));
    }
    expectRefused(t, {}, /missing/);
  });

  it.each(stateful)('%s: every key with a wrong type', (_n, Ctor, ok) => {
    const t = pair(Ctor, ok);
    for (const [k, v] of Object.entries(t.sd)) {
      const bad = { ...t.sd, [k]: typeof v === 'string' ? 1 : 'x' };
      expect(() => t.a.loadStateDict(bad), k).toThrow(new RegExp(`${k} must be`));
    }
    expectRefused(t, { ...t.sd, lastEpoch: '3' }, /lastEpoch must be a number, got '3'/);
  });

  it.each(stateful)('%s: per-group lists of the wrong length', (_n, Ctor, ok) => {
    const t = pair(Ctor, ok);
    expectRefused(t, { ...t.sd, baseLrs: [0.1] }, /baseLrs has 1 elements, expected 2/);
  });

  it("another scheduler's state is refused, naming the first foreign key", () => {
    const t = pair(ExponentialLR, { gamma: 0.9 });
    const foreign = new StepLR(groups(), { stepSize: 2 }).stateDict();
    expectRefused(t, foreign, /'stepSize' is not part of ExponentialLR's state/);
  });

  it('ReduceLROnPlateau: unknown keys, wrong types and a NaN are refused', () => {
    const opt = groups();
    const s = new ReduceLROnPlateau(opt, {});
    const sd = s.stateDict();
    expect(() => s.loadStateDict({ ...sd, patiense: 3 })).toThrow(/did you mean patience\?/);
    expect(() => s.loadStateDict({ ...sd, mode: 3 })).toThrow(/mode must be a string/);
    expect(() => s.loadStateDict({ ...sd, best: Number.NaN })).toThrow(/best is NaN/);
    expect(() => s.loadStateDict({ ...sd, best: 0.5 })).not.toThrow();
    expect(s.stateDict().best).toBe(0.5);
  });

  it("a composite's bad child state is refused before its own fields change", () => {
    const make = () => {
      const opt = groups();
      const a = new ConstantLR(opt, { factor: 0.5, totalIters: 2 });
      const b = new ExponentialLR(opt, { gamma: 0.9 });
      return new SequentialLR(opt, { schedulers: [a, b], milestones: [2] });
    };
    const s = make();
    for (let t = 0; t < 3; t++) s.step();
    const sd = s.stateDict() as { schedulers: Array<Record<string, unknown>>; lastEpoch: number };
    const bad = structuredClone(sd);
    bad.lastEpoch = 99;
    bad.schedulers[1].gama = 0.5;
    const fresh = make();
    const before = fresh.stateDict();
    expect(() => fresh.loadStateDict(bad)).toThrow(/'gama' is not part of .*did you mean gamma\?/);
    expect(fresh.stateDict()).toEqual(before);
  });
});

describe('a schedule gone wrong is stopped by the optimizer', () => {
  it('LambdaLR returning NaN: the next optimizer step throws, parameters unchanged', () => {
    const w = param(new Float64Array([1, 2, 3]));
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    const sched = new LambdaLR(opt, { lrLambda: (t) => (t >= 2 ? Number.NaN : 1) });
    const grad = () => w.grad.set([0.5, -0.5, 1]);
    grad();
    opt.step();
    sched.step();
    grad();
    opt.step();
    sched.step(); // lr = NaN from here
    const before = Array.from(w.data);
    const state = opt.stateDict();
    grad();
    expect(() => opt.step()).toThrow(/SGD.step: paramGroups\[0\]: Invalid learning rate: NaN/);
    expect(Array.from(w.data)).toEqual(before);
    expect(opt.stateDict()).toEqual(state);
  });
});
