import { describe, expect, it } from 'vitest';
import { constant } from '../schedules/constant.js';
import { cosine } from '../schedules/cosine.js';
import { cyclic } from '../schedules/cyclic.js';
import { exponential } from '../schedules/exponential.js';
import { linear } from '../schedules/linear.js';
import { multiStep } from '../schedules/multi-step.js';
import { polynomial } from '../schedules/polynomial.js';
import type { Schedule } from '../schedules/schedule.js';
import { step } from '../schedules/step.js';
import { ChainedScheduler } from './chained-scheduler.js';
import { ConstantLR } from './constant-lr.js';
import { CosineAnnealingLR } from './cosine-annealing-lr.js';
import { CosineAnnealingWarmRestarts } from './cosine-annealing-warm-restarts.js';
import { CyclicLR } from './cyclic-lr.js';
import { ExponentialLR } from './exponential-lr.js';
import { LinearLR } from './linear-lr.js';
import type { LRScheduler, SchedulableOptimizer } from './lr-scheduler.js';
import { MultiStepLR } from './multi-step-lr.js';
import { OneCycleLR } from './one-cycle-lr.js';
import { PolynomialLR } from './polynomial-lr.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
import { SequentialLR } from './sequential-lr.js';
import { StepLR } from './step-lr.js';

const sgd = (): SchedulableOptimizer => ({
  paramGroups: [
    { lr: 0.1, momentum: 0.9 },
    { lr: 0.01, momentum: 0.9 },
  ],
});

describe('LRScheduler', () => {
  it('records each group’s starting rate as initialLr, and keeps one that is already there', () => {
    const opt = sgd();
    opt.paramGroups[1].initialLr = 0.05;
    const s = new StepLR(opt, { stepSize: 2 });
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.05]);
    expect(s.baseLrs).toEqual([0.1, 0.05]);
  });

  it('getLastLr returns a copy of the rates of the last step', () => {
    const s = new ExponentialLR(sgd(), { gamma: 0.5 });
    s.step();
    const last = s.getLastLr();
    last[0] = 99;
    expect(s.getLastLr()).toEqual([0.05, 0.005]);
  });

  it('resuming with lastEpoch continues the rates without jumping a step (current torch)', () => {
    const a = sgd();
    const sa = new ExponentialLR(a, { gamma: 0.9 });
    for (let k = 0; k < 10; k++) sa.step();
    const b = structuredClone(a);
    const sb = new ExponentialLR(b, { gamma: 0.9, lastEpoch: 10 });
    expect(b.paramGroups.map((g) => g.lr)).toEqual(a.paramGroups.map((g) => g.lr));
    for (let k = 0; k < 5; k++) {
      sa.step();
      sb.step();
    }
    expect(b.paramGroups.map((g) => g.lr)).toEqual(a.paramGroups.map((g) => g.lr));
  });
});

/** step(epoch) jumps to the closed form; it must equal the pure schedule at that epoch. */
const JUMPS: Array<
  [name: string, make: (o: SchedulableOptimizer) => LRScheduler, pure: (lr: number) => Schedule]
> = [
  [
    'StepLR',
    (o) => new StepLR(o, { stepSize: 7, gamma: 0.5 }),
    (lr) => step({ lr, stepSize: 7, gamma: 0.5 }),
  ],
  [
    'MultiStepLR',
    (o) => new MultiStepLR(o, { milestones: [3, 9, 20] }),
    (lr) => multiStep({ lr, milestones: [3, 9, 20] }),
  ],
  [
    'ConstantLR',
    (o) => new ConstantLR(o, { factor: 0.5, totalIters: 12 }),
    (lr) => constant({ lr, factor: 0.5, totalIters: 12 }),
  ],
  [
    'LinearLR',
    (o) => new LinearLR(o, { startFactor: 0.2, totalIters: 30 }),
    (lr) => linear({ lr, startFactor: 0.2, totalIters: 30 }),
  ],
  ['ExponentialLR', (o) => new ExponentialLR(o, { gamma: 0.93 }), (lr) => exponential({ lr, gamma: 0.93 })],
  [
    'PolynomialLR',
    (o) => new PolynomialLR(o, { totalIters: 40, power: 1.5 }),
    (lr) => polynomial({ lr, totalIters: 40, power: 1.5 }),
  ],
  [
    'CosineAnnealingLR',
    (o) => new CosineAnnealingLR(o, { TMax: 25, etaMin: 0.001 }),
    (lr) => cosine({ lr, TMax: 25, etaMin: 0.001 }),
  ],
];

describe('step(epoch) uses the closed form, which is the pure schedule', () => {
  it.each(JUMPS)('%s', (_name, make, pure) => {
    const opt = sgd();
    const s = make(opt);
    for (const epoch of [17, 4, 33, 0, 50]) {
      s.step(epoch);
      expect(s.lastEpoch).toBe(epoch);
      opt.paramGroups.forEach((g, i) => {
        expect(g.lr).toBeCloseTo(pure(s.baseLrs[i])(epoch), 15);
      });
    }
  });
});

describe('SequentialLR', () => {
  it('may start with a ChainedScheduler, and then hands over to the next scheduler at the milestone', () => {
    const opt = { paramGroups: [{ lr: 1 }] };
    const warm = new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
    const decay = new ExponentialLR(opt, { gamma: 0.5 });
    const chain = new ChainedScheduler([warm, decay]);
    const after = new StepLR(opt, { stepSize: 1, gamma: 0.1 });
    const s = new SequentialLR(opt, { schedulers: [chain, after], milestones: [3] });
    const lrs = [opt.paramGroups[0].lr];
    for (let k = 0; k < 5; k++) {
      s.step();
      lrs.push(opt.paramGroups[0].lr);
    }
    // the chain's initial step is not flagged initial for its children (current torch):
    // ExponentialLR already halves at the first step, LinearLR starts at 0.5
    expect(lrs.map((v) => +v.toPrecision(12))).toEqual([0.25, 0.1875, 0.125, 1, 0.1, 0.01]);
  });
});

describe('CosineAnnealingLR', () => {
  it('rescales a rate changed by hand (recursive form), where the closed form would ignore it', () => {
    const opt = { paramGroups: [{ lr: 0.1 }] };
    const s = new CosineAnnealingLR(opt, { TMax: 20 });
    const closed = cosine({ lr: 0.1, TMax: 20 });
    for (let k = 0; k < 5; k++) s.step();
    opt.paramGroups[0].lr *= 0.5;
    for (let k = 0; k < 5; k++) s.step();
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.5 * closed(10), 15);
    s.step(11);
    expect(opt.paramGroups[0].lr).toBeCloseTo(closed(11), 15);
  });
});

describe('CosineAnnealingWarmRestarts', () => {
  it('resumed far past a restart wraps T_cur modulo the cycle (current torch; 1.13 subtracted once)', () => {
    const opt = sgd();
    for (const g of opt.paramGroups) g.initialLr = g.lr;
    const s = new CosineAnnealingWarmRestarts(opt, { T0: 10, etaMin: 0.001, lastEpoch: 25 });
    expect(s.Tcur).toBe(6);
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.001 + (0.099 * (1 + Math.cos((Math.PI * 6) / 10))) / 2, 15);
  });

  it('rejects a negative epoch and changes nothing', () => {
    const opt = sgd();
    const s = new CosineAnnealingWarmRestarts(opt, { T0: 10 });
    s.step();
    const before = structuredClone(opt.paramGroups);
    expect(() => s.step(-1)).toThrow(/Invalid epoch: -1/);
    expect(opt.paramGroups).toEqual(before);
    expect(s.lastEpoch).toBe(1);
  });
});

describe('OneCycleLR', () => {
  it('steps up to totalSteps, then throws and changes nothing', () => {
    const opt = sgd();
    const s = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10 });
    for (let k = 0; k < 10; k++) s.step();
    const before = structuredClone(opt.paramGroups);
    expect(() => s.step()).toThrow(/tried to step 11 times, but totalSteps is 10/);
    expect(opt.paramGroups).toEqual(before);
    expect(s.lastEpoch).toBe(10);
  });

  it('records initialLr, maxLr, minLr and the momentum bounds in each group', () => {
    const opt = sgd();
    new OneCycleLR(opt, { maxLr: [1, 0.5], totalSteps: 10, divFactor: 10, finalDivFactor: 4 });
    expect(opt.paramGroups[1]).toMatchObject({
      initialLr: 0.05,
      maxLr: 0.5,
      minLr: 0.0125,
      maxMomentum: 0.95,
    });
    expect(opt.paramGroups[1].baseMomentum).toBe(0.85);
  });
});

describe('CyclicLR', () => {
  it('a custom scaleFn by iterations gives the pure cyclic schedule', () => {
    const opt = sgd();
    const scaleFn = (x: number) => 1 / (1 + x / 50);
    const s = new CyclicLR(opt, {
      baseLr: 0.01,
      maxLr: 0.1,
      stepSizeUp: 5,
      stepSizeDown: 7,
      scaleFn,
      scaleMode: 'iterations',
      cycleMomentum: false,
    });
    const pure = cyclic({
      baseLr: 0.01,
      maxLr: 0.1,
      stepSizeUp: 5,
      stepSizeDown: 7,
      scaleFn,
      scaleMode: 'iterations',
    });
    for (let t = 0; t < 60; t++) {
      expect(opt.paramGroups[0].lr).toBeCloseTo(pure(t), 15);
      s.step();
    }
    expect(opt.paramGroups[0].momentum).toBe(0.9);
  });
});

describe('ReduceLROnPlateau', () => {
  it('reduces after patience bad steps, never below minLr and never up to it', () => {
    const opt = sgd();
    const s = new ReduceLROnPlateau(opt, { factor: 0.5, patience: 1, minLr: 0.03 });
    for (const m of [1, 0.5, 0.6]) s.step(m);
    expect(s.getLastLr()).toEqual([0.1, 0.01]);
    s.step(0.7); // second bad step in a row: more than patience 1
    expect(s.getLastLr()).toEqual([0.05, 0.01]); // 0.01 is already below minLr: left alone
    s.step(0.8);
    s.step(0.9);
    expect(s.getLastLr()).toEqual([0.03, 0.01]);
  });

  it('rejects a NaN metric and changes nothing', () => {
    const opt = sgd();
    const s = new ReduceLROnPlateau(opt, { patience: 0 });
    s.step(1);
    const state = s.stateDict();
    expect(() => s.step(Number.NaN)).toThrow(/Invalid metric: NaN/);
    expect(s.stateDict()).toEqual(state);
  });

  it('keeps "no best yet" through JSON as null', () => {
    const s = new ReduceLROnPlateau(sgd(), { mode: 'max' });
    const state = JSON.parse(JSON.stringify(s.stateDict()));
    expect(state.best).toBeNull();
    const t = new ReduceLROnPlateau(sgd(), { mode: 'max' });
    t.loadStateDict(state);
    expect(t.best).toBe(Number.NEGATIVE_INFINITY);
  });
});
