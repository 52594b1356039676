/**
 * Invalid configurations: a RangeError naming the option and its value, thrown before anything is
 * written, so the optimizer's groups are exactly as they were (no lr, momentum or initialLr changed).
 */
import { describe, expect, it } from 'vitest';
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

type Make = (opt: SchedulableOptimizer) => unknown;

const INVALID: Array<[what: string, make: Make, message: RegExp]> = [
  ['StepLR with stepSize 0', (o) => new StepLR(o, { stepSize: 0 }), /Invalid stepSize: 0/],
  ['StepLR with a fractional stepSize', (o) => new StepLR(o, { stepSize: 2.5 }), /Invalid stepSize: 2.5/],
  ['StepLR with gamma 0', (o) => new StepLR(o, { stepSize: 3, gamma: 0 }), /Invalid gamma: 0/],
  ['StepLR with a negative gamma', (o) => new StepLR(o, { stepSize: 3, gamma: -0.5 }), /Invalid gamma: -0.5/],
  [
    'MultiStepLR with milestones out of order',
    (o) => new MultiStepLR(o, { milestones: [30, 10] }),
    /Invalid milestones: \[30,10\]/,
  ],
  [
    'MultiStepLR with repeated milestones',
    (o) => new MultiStepLR(o, { milestones: [5, 5] }),
    /Invalid milestones/,
  ],
  [
    'MultiStepLR with a negative milestone',
    (o) => new MultiStepLR(o, { milestones: [-1, 4] }),
    /Invalid milestones/,
  ],
  ['ConstantLR with factor > 1', (o) => new ConstantLR(o, { factor: 1.5 }), /Invalid factor: 1.5/],
  ['ConstantLR with factor 0', (o) => new ConstantLR(o, { factor: 0 }), /Invalid factor: 0/],
  ['ConstantLR with totalIters -1', (o) => new ConstantLR(o, { totalIters: -1 }), /Invalid totalIters: -1/],
  ['LinearLR with startFactor 0', (o) => new LinearLR(o, { startFactor: 0 }), /Invalid startFactor: 0/],
  ['LinearLR with endFactor 2', (o) => new LinearLR(o, { endFactor: 2 }), /Invalid endFactor: 2/],
  ['ExponentialLR with gamma 0', (o) => new ExponentialLR(o, { gamma: 0 }), /Invalid gamma: 0/],
  ['ExponentialLR with gamma NaN', (o) => new ExponentialLR(o, { gamma: Number.NaN }), /Invalid gamma: NaN/],
  ['PolynomialLR with totalIters 0', (o) => new PolynomialLR(o, { totalIters: 0 }), /Invalid totalIters: 0/],
  ['PolynomialLR with a negative power', (o) => new PolynomialLR(o, { power: -1 }), /Invalid power: -1/],
  ['CosineAnnealingLR with TMax 0', (o) => new CosineAnnealingLR(o, { TMax: 0 }), /Invalid TMax: 0/],
  [
    'CosineAnnealingLR with a negative etaMin',
    (o) => new CosineAnnealingLR(o, { TMax: 10, etaMin: -1 }),
    /Invalid etaMin: -1/,
  ],
  [
    'CosineAnnealingWarmRestarts with a negative T0',
    (o) => new CosineAnnealingWarmRestarts(o, { T0: -1 }),
    /Invalid T0: -1/,
  ],
  [
    'CosineAnnealingWarmRestarts with a fractional T0',
    (o) => new CosineAnnealingWarmRestarts(o, { T0: 2.5 }),
    /Invalid T0: 2.5/,
  ],
  [
    'CosineAnnealingWarmRestarts with TMult 0',
    (o) => new CosineAnnealingWarmRestarts(o, { T0: 5, TMult: 0 }),
    /Invalid TMult: 0/,
  ],
  [
    'CosineAnnealingWarmRestarts with a fractional TMult',
    (o) => new CosineAnnealingWarmRestarts(o, { T0: 5, TMult: 1.5 }),
    /Invalid TMult: 1.5/,
  ],
  [
    'CyclicLR with an unknown mode',
    (o) => new CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, mode: 'sine' as never }),
    /Invalid mode: 'sine'/,
  ],
  [
    'CyclicLR with one baseLr for two groups given as a list',
    (o) => new CyclicLR(o, { baseLr: [0.01], maxLr: 0.1 }),
    /Invalid baseLr: 1 values for 2 param groups/,
  ],
  [
    'CyclicLR with stepSizeUp 0',
    (o) => new CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 0 }),
    /Invalid stepSizeUp: 0/,
  ],
  [
    'CyclicLR cycling momentum on groups that have none',
    () => new CyclicLR({ paramGroups: [{ lr: 0.1 }] }, { baseLr: 0.01, maxLr: 0.1 }),
    /Invalid cycleMomentum: true, but paramGroups\[0\] has neither momentum nor betas/,
  ],
  [
    'OneCycleLR with totalSteps 0',
    (o) => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 0 }),
    /Invalid totalSteps: 0/,
  ],
  ['OneCycleLR without a length', (o) => new OneCycleLR(o, { maxLr: 0.1 }), /Invalid totalSteps: undefined/],
  [
    'OneCycleLR with pctStart 2',
    (o) => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 10, pctStart: 2 }),
    /Invalid pctStart: 2/,
  ],
  [
    'OneCycleLR whose first phase would have zero length',
    (o) => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 100, pctStart: 0.01 }),
    /Invalid pctStart: 0.01 \(with totalSteps 100, phase 1 of the cycle would have zero length\)/,
  ],
  [
    'OneCycleLR whose last phase would have zero length',
    (o) => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 10, pctStart: 1 }),
    /Invalid pctStart: 1 .*phase 2/,
  ],
  [
    'OneCycleLR with an unknown annealStrategy',
    (o) => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 10, annealStrategy: 'exp' as never }),
    /Invalid annealStrategy: 'exp'/,
  ],
  [
    'OneCycleLR with divFactor 0',
    (o) => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 10, divFactor: 0 }),
    /Invalid divFactor: 0/,
  ],
  [
    'LambdaLR with three functions for two groups',
    (o) => new LambdaLR(o, { lrLambda: [() => 1, () => 1, () => 1] }),
    /Invalid lrLambda: 3 functions for 2 param groups/,
  ],
  ['ReduceLROnPlateau with factor 1', (o) => new ReduceLROnPlateau(o, { factor: 1 }), /Invalid factor: 1/],
  [
    'ReduceLROnPlateau with factor 1.5',
    (o) => new ReduceLROnPlateau(o, { factor: 1.5 }),
    /Invalid factor: 1.5/,
  ],
  ['ReduceLROnPlateau with factor 0', (o) => new ReduceLROnPlateau(o, { factor: 0 }), /Invalid factor: 0/],
  [
    'ReduceLROnPlateau with an unknown mode',
    (o) => new ReduceLROnPlateau(o, { mode: 'avg' as never }),
    /Invalid mode: 'avg'/,
  ],
  [
    'ReduceLROnPlateau with an unknown thresholdMode',
    (o) => new ReduceLROnPlateau(o, { thresholdMode: 'pct' as never }),
    /Invalid thresholdMode: 'pct'/,
  ],
  [
    'ReduceLROnPlateau with patience -1',
    (o) => new ReduceLROnPlateau(o, { patience: -1 }),
    /Invalid patience: -1/,
  ],
  [
    'ReduceLROnPlateau with cooldown 1.5',
    (o) => new ReduceLROnPlateau(o, { cooldown: 1.5 }),
    /Invalid cooldown: 1.5/,
  ],
  [
    'ReduceLROnPlateau with three minLr values for two groups',
    (o) => new ReduceLROnPlateau(o, { minLr: [0, 0, 0] }),
    /Invalid minLr: 3 values for 2 param groups/,
  ],
  [
    'a resume (lastEpoch 5) on groups without initialLr',
    (o) => new ExponentialLR(o, { gamma: 0.9, lastEpoch: 5 }),
    /Invalid lastEpoch: 5 \(resuming needs paramGroups\[0\].initialLr/,
  ],
  ['lastEpoch -2', (o) => new StepLR(o, { stepSize: 2, lastEpoch: -2 }), /Invalid lastEpoch: -2/],
];

describe('invalid configurations throw a RangeError naming the option and change nothing', () => {
  it.each(INVALID)('%s', (_what, make, message) => {
    const opt = sgd();
    const before = structuredClone(opt.paramGroups);
    expect(() => make(opt)).toThrow(RangeError);
    expect(() => make(opt)).toThrow(message);
    expect(opt.paramGroups).toEqual(before);
  });
});

describe('composites check their schedulers before doing anything', () => {
  const setup = () => {
    const opt = sgd();
    const a = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
    const b = new ExponentialLR(opt, { gamma: 0.9 });
    return { opt, a, b, before: structuredClone(opt.paramGroups) };
  };
  const CASES: Array<[what: string, make: (s: ReturnType<typeof setup>) => unknown, message: RegExp]> = [
    [
      'SequentialLR with as many milestones as schedulers',
      ({ opt, a, b }) => new SequentialLR(opt, { schedulers: [a, b], milestones: [3, 6] }),
      /Invalid milestones: 2 milestones for 2 schedulers/,
    ],
    [
      'SequentialLR with milestones out of order',
      ({ opt, a, b }) => new SequentialLR(opt, { schedulers: [a, b, b], milestones: [6, 3] }),
      /Invalid milestones: \[6,3\]/,
    ],
    [
      'SequentialLR with no schedulers',
      ({ opt }) => new SequentialLR(opt, { schedulers: [], milestones: [] }),
      /Invalid schedulers/,
    ],
    [
      'SequentialLR with a scheduler of another optimizer',
      ({ a }) => new SequentialLR(sgd(), { schedulers: [a], milestones: [] }),
      /element 0 of SequentialLR is bound to a different optimizer/,
    ],
    [
      'SequentialLR with a ReduceLROnPlateau',
      ({ opt, a }) =>
        new SequentialLR(opt, { schedulers: [a, new ReduceLROnPlateau(opt) as never], milestones: [3] }),
      /element 1 of SequentialLR is not an LRScheduler/,
    ],
    [
      'SequentialLR with a ChainedScheduler after the first milestone',
      ({ opt, a, b }) =>
        new SequentialLR(opt, { schedulers: [a, new ChainedScheduler([b])], milestones: [3] }),
      /element 1 of SequentialLR is a ChainedScheduler, which cannot restart at a milestone/,
    ],
    ['ChainedScheduler with no schedulers', () => new ChainedScheduler([]), /Invalid schedulers/],
    [
      'ChainedScheduler with a scheduler of another optimizer',
      ({ a }) => new ChainedScheduler([a, new ExponentialLR(sgd(), { gamma: 0.9 })]),
      /element 1 of ChainedScheduler is bound to a different optimizer/,
    ],
  ];
  it.each(CASES)('%s', (_what, make, message) => {
    const s = setup();
    expect(() => make(s)).toThrow(RangeError);
    expect(() => make(s)).toThrow(message);
    expect(s.opt.paramGroups).toEqual(s.before);
    expect(s.a.lastEpoch).toBe(0);
  });
});
