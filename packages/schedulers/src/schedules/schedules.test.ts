import { describe, expect, it } from 'vitest';
import { fixture } from '../test-support/torch-cases.js';
import { chained } from './chained.js';
import { constant } from './constant.js';
import { cosine } from './cosine.js';
import { cosineWarmRestarts } from './cosine-warm-restarts.js';
import { cyclic } from './cyclic.js';
import { exponential } from './exponential.js';
import { inverseTime } from './inverse-time.js';
import { linear } from './linear.js';
import { multiStep } from './multi-step.js';
import { oneCycle } from './one-cycle.js';
import { polynomial } from './polynomial.js';
import { type Schedule, sample } from './schedule.js';
import { sequential } from './sequential.js';
import { step } from './step.js';
import { warmup } from './warmup.js';

const close = (a: number, e: number, rel = 1e-12) => Math.abs(a - e) <= rel * Math.abs(e) + 1e-15;

describe("the notes' closed forms", () => {
  it('exponential with alpha is eta0 * e^(-alpha t), and gamma = e^(-alpha) gives the same curve', () => {
    const eta0 = 0.3;
    const alpha = 0.045;
    const notes = exponential({ lr: eta0, alpha });
    const torchForm = exponential({ lr: eta0, gamma: Math.exp(-alpha) });
    for (let t = 0; t <= 200; t++) {
      expect(notes(t)).toBe(eta0 * Math.exp(-alpha * t));
      expect(close(torchForm(t), eta0 * Math.exp(-alpha * t), 1e-13)).toBe(true);
    }
  });

  it('exponential counts time in units of decaySteps, in whole units with staircase (TF ExponentialDecay)', () => {
    const smooth = exponential({ lr: 1, gamma: 0.5, decaySteps: 10 });
    const stairs = exponential({ lr: 1, alpha: Math.LN2, decaySteps: 10, staircase: true });
    expect(smooth(5)).toBe(0.5 ** 0.5);
    expect(smooth(20)).toBe(0.25);
    expect(stairs(19)).toBeCloseTo(0.5, 15);
    expect(stairs(20)).toBeCloseTo(0.25, 15);
  });

  it('inverseTime is eta0 / (1 + alpha t), and in staircase mode uses whole units of decaySteps', () => {
    const s = inverseTime({ lr: 0.2, alpha: 0.5 });
    for (let t = 0; t <= 100; t++) expect(s(t)).toBe(0.2 / (1 + 0.5 * t));
    const stairs = inverseTime({ lr: 0.2, alpha: 0.5, decaySteps: 10, staircase: true });
    expect(stairs(9)).toBe(0.2);
    expect(stairs(10)).toBe(0.2 / 1.5);
    expect(stairs(25)).toBe(0.2 / 2);
    expect(inverseTime({ lr: 0.2, alpha: 0.5, decaySteps: 10 })(5)).toBe(0.2 / 1.25);
  });

  it('cosineWarmRestarts follows the per-cycle formula with decaying peak and floor', () => {
    const lr = 0.1;
    const etaMin = 0.01;
    const T0 = 5;
    const TMult = 2;
    const peakDecay = 0.7;
    const floorDecay = 0.5;
    const s = cosineWarmRestarts({ lr, T0, TMult, etaMin, peakDecay, floorDecay });
    // an independent walk over the cycles: [0,5), [5,15), [15,35), [35,75), ...
    for (let k = 0; k <= 1500; k++) {
      const t = k / 10;
      let start = 0;
      let Ti = T0;
      let i = 0;
      while (t >= start + Ti) {
        start += Ti;
        Ti *= TMult;
        i++;
      }
      const hi = lr * peakDecay ** i;
      const lo = etaMin * floorDecay ** i;
      const expected = lo + 0.5 * (hi - lo) * (1 + Math.cos((Math.PI * (t - start)) / Ti));
      expect(close(s(t), expected, 1e-13), `t = ${t}`).toBe(true);
    }
    // each restart begins at that cycle's peak
    expect(s(0)).toBe(lr);
    expect(close(s(5), lr * 0.7)).toBe(true);
    expect(close(s(15), lr * 0.49)).toBe(true);
    expect(close(s(35), lr * 0.343)).toBe(true);
    // and the end of a cycle approaches that cycle's floor
    expect(Math.abs(s(14.999) - etaMin * 0.5)).toBeLessThan(1e-8);
  });

  it('the simple decays take their textbook values at known steps', () => {
    expect(step({ lr: 1, stepSize: 10, gamma: 0.5 })(29)).toBe(0.25);
    expect(multiStep({ lr: 1, milestones: [3, 8], gamma: 0.1 })(8)).toBeCloseTo(0.01, 15);
    expect(polynomial({ lr: 1, totalIters: 10, power: 2 })(5)).toBe(0.25);
    expect(polynomial({ lr: 1, totalIters: 10, power: 1, endLr: 0.1 })(5)).toBeCloseTo(0.55, 15);
    expect(polynomial({ lr: 1, totalIters: 10 })(50)).toBe(0);
    expect(linear({ lr: 2, startFactor: 0.5, endFactor: 1, totalIters: 4 })(2)).toBe(1.5);
    expect(cosine({ lr: 1, TMax: 10, etaMin: 0.2 })(5)).toBeCloseTo(0.6, 15);
    expect(cosine({ lr: 1, TMax: 10, etaMin: 0.2 })(10)).toBe(0.2);
    expect(constant({ lr: 0.1 })(1000)).toBe(0.1);
    expect(oneCycle({ maxLr: 1, totalSteps: 100 })(29)).toBe(1);
    expect(cyclic({ baseLr: 0, maxLr: 1, stepSizeUp: 4 })(2)).toBe(0.5);
  });
});

/**
 * Where a pure schedule's closed form is mathematically the torch class's sequence, the two agree
 * to rounding (the classes recurse, the schedules don't): per group, with that group's base rate.
 */
const COINCIDE: Array<[caseName: string, make: (lr: number, group: number) => Schedule]> = [
  ['StepLR, stepSize 7, gamma 0.5', (lr) => step({ lr, stepSize: 7, gamma: 0.5 })],
  ['StepLR, stepSize 30, default gamma', (lr) => step({ lr, stepSize: 30 })],
  [
    'MultiStepLR, milestones 10 25 60 100, gamma 0.3',
    (lr) => multiStep({ lr, milestones: [10, 25, 60, 100], gamma: 0.3 }),
  ],
  ['ConstantLR, factor 0.25 for 20 steps', (lr) => constant({ lr, factor: 0.25, totalIters: 20 })],
  ['ConstantLR, defaults', (lr) => constant({ lr, factor: 1 / 3, totalIters: 5 })],
  ['LinearLR, warm-up 0.1 to 1 over 30 steps', (lr) => linear({ lr, startFactor: 0.1, totalIters: 30 })],
  [
    'LinearLR, decay 1 to 0.05 over 80 steps',
    (lr) => linear({ lr, startFactor: 1, endFactor: 0.05, totalIters: 80 }),
  ],
  ['ExponentialLR, gamma 0.97', (lr) => exponential({ lr, gamma: 0.97 })],
  ['PolynomialLR, power 2 over 90 steps', (lr) => polynomial({ lr, totalIters: 90, power: 2 })],
  ['PolynomialLR, power 0.9 over 50 steps', (lr) => polynomial({ lr, totalIters: 50, power: 0.9 })],
  [
    'CosineAnnealingLR, TMax 40, past TMax for three half-periods',
    (lr) => cosine({ lr, TMax: 40, etaMin: 0.001 }),
  ],
  ['CosineAnnealingLR, TMax 100, etaMin 0', (lr) => cosine({ lr, TMax: 100 })],
  ['CosineAnnealingWarmRestarts, T0 10, TMult 1', (lr) => cosineWarmRestarts({ lr, T0: 10, etaMin: 0.0005 })],
  [
    'CosineAnnealingWarmRestarts, T0 5, TMult 2',
    (lr) => cosineWarmRestarts({ lr, T0: 5, TMult: 2, etaMin: 0.0001 }),
  ],
  [
    'CosineAnnealingWarmRestarts, T0 3, TMult 2, stepped with fractional epochs',
    (lr) => cosineWarmRestarts({ lr, T0: 3, TMult: 2, etaMin: 0.001 }),
  ],
  [
    'CyclicLR, triangular, momentum cycling (SGD)',
    () => cyclic({ baseLr: 0.001, maxLr: 0.1, stepSizeUp: 10 }),
  ],
  [
    'CyclicLR, triangular2, asymmetric steps, per-group bounds',
    (_lr, g) =>
      cyclic({
        baseLr: [0.001, 0.0001][g],
        maxLr: [0.1, 0.02][g],
        stepSizeUp: 8,
        stepSizeDown: 12,
        mode: 'triangular2',
      }),
  ],
  [
    'CyclicLR, exp_range gamma 0.99, no momentum cycling',
    () => cyclic({ baseLr: 0.01, maxLr: 0.2, stepSizeUp: 15, mode: 'exp_range', gamma: 0.99 }),
  ],
  ['OneCycleLR, cos, momentum cycling (SGD)', () => oneCycle({ maxLr: 0.5, totalSteps: 120 })],
  [
    'OneCycleLR, linear, three-phase, per-group maxLr',
    (_lr, g) =>
      oneCycle({
        maxLr: [0.4, 0.04][g],
        totalSteps: 130,
        annealStrategy: 'linear',
        threePhase: true,
        pctStart: 0.25,
        divFactor: 10,
        finalDivFactor: 100,
      }),
  ],
  [
    'OneCycleLR, cos, beta1 cycling (Adam), epochs x stepsPerEpoch',
    () => oneCycle({ maxLr: 0.01, totalSteps: 120, pctStart: 0.4 }),
  ],
  [
    'OneCycleLR, cos, three-phase, no momentum cycling',
    () => oneCycle({ maxLr: 0.3, totalSteps: 110, threePhase: true }),
  ],
  [
    'SequentialLR, LinearLR warm-up then ExponentialLR',
    (lr) => warmup(exponential({ lr, gamma: 0.95 }), { warmupSteps: 15, startFactor: 0.1 }),
  ],
  [
    'SequentialLR, ConstantLR, CosineAnnealingLR, StepLR',
    (lr) =>
      sequential(
        [
          constant({ lr, factor: 0.5, totalIters: 10 }),
          cosine({ lr, TMax: 50, etaMin: 0.0001 }),
          step({ lr, stepSize: 20, gamma: 0.5 }),
        ],
        [10, 60],
      ),
  ],
  [
    'ChainedScheduler, ConstantLR and ExponentialLR',
    (lr) =>
      chained(lr, [constant({ lr: 1, factor: 0.1, totalIters: 20 }), exponential({ lr: 1, gamma: 0.98 })]),
  ],
  [
    'ChainedScheduler, LinearLR warm-up and CosineAnnealingLR',
    (lr) => chained(lr, [linear({ lr: 1, startFactor: 0.2, totalIters: 10 }), cosine({ lr: 1, TMax: 60 })]),
  ],
];

describe('pure schedules equal the torch scheduler sequences where they coincide', () => {
  it.each(COINCIDE)('%s', (name, make) => {
    const c = fixture.cases.find((x) => x.name === name);
    expect(c, name).toBeDefined();
    c!.groups.forEach((group, g) => {
      const s = make(group.lr, g);
      c!.lr.forEach((row, k) => {
        // row k is the rate after k steps; with fractional calls, after step(calls[k - 1])
        const t = k === 0 || !c!.calls ? k : c!.calls[k - 1]!;
        expect(close(s(t), row[g]), `${name}, group ${g}, step ${k}: ${s(t)} vs ${row[g]}`).toBe(true);
      });
    });
  });

  it('the sequential form also matches SequentialLR for the warm-up case', () => {
    const c = fixture.cases.find((x) => x.name === 'SequentialLR, LinearLR warm-up then ExponentialLR')!;
    const lr = c.groups[0].lr;
    const s = sequential(
      [linear({ lr, startFactor: 0.1, totalIters: 15 }), exponential({ lr, gamma: 0.95 })],
      [15],
    );
    c.lr.forEach((row, t) => {
      expect(close(s(t), row[0])).toBe(true);
    });
  });
});

describe('sample', () => {
  it('returns schedule(start + i) for i < n as a Float64Array', () => {
    const s = cosine({ lr: 1, TMax: 8 });
    const curve = sample(s, 5, 3);
    expect(curve).toBeInstanceOf(Float64Array);
    expect(Array.from(curve)).toEqual([3, 4, 5, 6, 7].map(s));
    expect(sample(s, 0).length).toBe(0);
  });

  it('rejects a negative or fractional length', () => {
    expect(() => sample(constant({ lr: 1 }), -1)).toThrow(/Invalid n: -1/);
    expect(() => sample(constant({ lr: 1 }), 2.5)).toThrow(RangeError);
  });
});

describe('warmup, sequential and chained', () => {
  it('warmup climbs linearly from startFactor * peak and then runs the schedule shifted by W', () => {
    const base = exponential({ lr: 0.1, gamma: 0.9 });
    const s = warmup(base, { warmupSteps: 4, startFactor: 0 });
    expect([0, 1, 2, 3].map(s)).toEqual([0, 0.025, 0.05, 0.075].map((v) => expect.closeTo(v, 15)));
    expect(s(4)).toBe(base(0));
    expect(s(10)).toBe(base(6));
    expect(warmup(base, { warmupSteps: 0 })(3)).toBe(base(3));
  });

  it('sequential restarts each schedule at its own step 0', () => {
    const s = sequential([constant({ lr: 1 }), step({ lr: 0.5, stepSize: 2, gamma: 0.5 })], [3]);
    expect([0, 1, 2, 3, 4, 5, 6].map(s)).toEqual([1, 1, 1, 0.5, 0.5, 0.25, 0.25]);
  });

  it('chained multiplies the base rate by every factor', () => {
    const s = chained(2, [
      constant({ lr: 1, factor: 0.5, totalIters: 2 }),
      exponential({ lr: 1, gamma: 0.5 }),
    ]);
    expect([0, 1, 2, 3].map(s)).toEqual([1, 0.5, 0.5, 0.25]);
  });
});

const INVALID: Array<[what: string, make: () => unknown, message: RegExp]> = [
  ['a negative lr', () => constant({ lr: -1 }), /Invalid lr: -1/],
  ['a fractional stepSize', () => step({ lr: 1, stepSize: 2.5 }), /Invalid stepSize: 2.5/],
  ['gamma <= 0', () => step({ lr: 1, stepSize: 2, gamma: 0 }), /Invalid gamma: 0/],
  ['milestones out of order', () => multiStep({ lr: 1, milestones: [5, 3] }), /Invalid milestones: \[5,3\]/],
  ['both gamma and alpha', () => exponential({ lr: 1, gamma: 0.9, alpha: 0.1 } as never), /Invalid gamma/],
  ['neither gamma nor alpha', () => exponential({ lr: 1 } as never), /Invalid gamma/],
  ['a negative alpha', () => inverseTime({ lr: 1, alpha: -0.1 }), /Invalid alpha: -0.1/],
  ['decaySteps 0', () => exponential({ lr: 1, gamma: 0.9, decaySteps: 0 }), /Invalid decaySteps: 0/],
  ['totalIters 0', () => polynomial({ lr: 1, totalIters: 0 }), /Invalid totalIters: 0/],
  ['TMax 0', () => cosine({ lr: 1, TMax: 0 }), /Invalid TMax: 0/],
  ['a negative T0', () => cosineWarmRestarts({ lr: 1, T0: -3 }), /Invalid T0: -3/],
  ['a fractional T0', () => cosineWarmRestarts({ lr: 1, T0: 2.5 }), /Invalid T0: 2.5/],
  ['TMult < 1', () => cosineWarmRestarts({ lr: 1, T0: 3, TMult: 0 }), /Invalid TMult: 0/],
  ['peakDecay 0', () => cosineWarmRestarts({ lr: 1, T0: 3, peakDecay: 0 }), /Invalid peakDecay: 0/],
  [
    'an unknown cyclic mode',
    () => cyclic({ baseLr: 0, maxLr: 1, mode: 'sine' as never }),
    /Invalid mode: 'sine'/,
  ],
  ['pctStart > 1', () => oneCycle({ maxLr: 1, totalSteps: 10, pctStart: 1.5 }), /Invalid pctStart: 1.5/],
  [
    'an unknown anneal strategy',
    () => oneCycle({ maxLr: 1, totalSteps: 10, annealStrategy: 'exp' as never }),
    /Invalid annealStrategy: 'exp'/,
  ],
  ['a negative warm-up', () => warmup(constant({ lr: 1 }), { warmupSteps: -2 }), /Invalid warmupSteps: -2/],
  ['milestones not matching schedules', () => sequential([constant({ lr: 1 })], [3]), /Invalid milestones/],
  [
    'a zero milestone',
    () => sequential([constant({ lr: 1 }), constant({ lr: 2 })], [0]),
    /Invalid milestones/,
  ],
];

describe('invalid options throw a RangeError naming the option', () => {
  it.each(INVALID)('%s', (_what, make, message) => {
    expect(make).toThrow(RangeError);
    expect(make).toThrow(message);
  });
});
