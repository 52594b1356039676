import {
  constant,
  cosine,
  cosineWarmRestarts,
  cyclic,
  exponential,
  inverseTime,
  linear,
  multiStep,
  oneCycle,
  polynomial,
  type Schedule,
  sample,
  step,
  warmup,
} from '@descent/schedulers';
import { describe, expect, it } from 'vitest';
import { parseSchedule, scheduleNames } from './schedule-spec.js';
import { UsageError } from './usage-error.js';

// Each kind of error refused here is also refused by the binary: commands/schedule.test.ts checks
// its message, exit code 2 and that no output file is left.

const defaults = { lr: 0.1, steps: 60 };

const cases: [string, Schedule][] = [
  ['constant:factor=0.5,totalIters=5', constant({ lr: 0.1, factor: 0.5, totalIters: 5 })],
  ['step:stepSize=7,gamma=0.5', step({ lr: 0.1, stepSize: 7, gamma: 0.5 })],
  ['multi-step:milestones=10;30,gamma=0.2', multiStep({ lr: 0.1, milestones: [10, 30], gamma: 0.2 })],
  ['exponential:gamma=0.95', exponential({ lr: 0.1, gamma: 0.95 })],
  [
    'exponential:alpha=0.05,decaySteps=4,staircase=true',
    exponential({ lr: 0.1, alpha: 0.05, decaySteps: 4, staircase: true }),
  ],
  ['inverse-time:alpha=0.5', inverseTime({ lr: 0.1, alpha: 0.5 })],
  ['linear:startFactor=0.1', linear({ lr: 0.1, startFactor: 0.1, totalIters: 60 })],
  ['polynomial:power=2,endLr=0.01', polynomial({ lr: 0.1, totalIters: 60, power: 2, endLr: 0.01 })],
  ['cosine:etaMin=0.001', cosine({ lr: 0.1, TMax: 60, etaMin: 0.001 })],
  [
    'cosine-restarts:T0=10,TMult=2,etaMin=1e-5',
    cosineWarmRestarts({ lr: 0.1, T0: 10, TMult: 2, etaMin: 1e-5 }),
  ],
  ['cosine-restarts:lr=1,T0=5,peakDecay=0.5', cosineWarmRestarts({ lr: 1, T0: 5, peakDecay: 0.5 })],
  [
    'cyclic:maxLr=1,stepSizeUp=8,mode=triangular2',
    cyclic({ baseLr: 0.1, maxLr: 1, stepSizeUp: 8, mode: 'triangular2' }),
  ],
  ['one-cycle:pctStart=0.25', oneCycle({ maxLr: 0.1, totalSteps: 60, pctStart: 0.25 })],
  ['cosine:TMax=30+warmup=5', warmup(cosine({ lr: 0.1, TMax: 30 }), { warmupSteps: 5 })],
];

describe('schedule SPECs', () => {
  it.each(cases)(
    '%s is the library schedule with those options (lr and steps from the command)',
    (spec, expected) => {
      expect(Array.from(sample(parseSchedule(spec, defaults), 60))).toEqual(Array.from(sample(expected, 60)));
    },
  );

  it('covers every schedule family it names', () => {
    const covered = new Set(cases.map(([spec]) => spec.split(/[:+]/)[0]));
    expect([...covered].sort()).toEqual([...scheduleNames].sort());
  });

  it.each([
    ['cosin', /Unknown schedule "cosin" \(did you mean "cosine"\?/],
    ['step:size=3', /Unknown key "size" in schedule step \(did you mean "stepSize"\?/],
    ['step:stepSize=three', /Invalid value for stepSize .*"three" \(expected a number\)/],
    ['multi-step:milestones=3;x', /expected numbers separated by ;/],
    ['exponential:gamma=0.9,staircase=yes', /expected true or false/],
    ['exponential:gamma=0.9,alpha=0.1', /Invalid schedule .*exactly one of gamma/],
    ['cosine+cooldown=3', /Unknown modifier "cooldown" in schedule "cosine\+cooldown=3" \(known: warmup\)/],
  ])('refuses %s with a UsageError naming the problem', (spec, message) => {
    expect(() => parseSchedule(spec, defaults)).toThrow(UsageError);
    expect(() => parseSchedule(spec, defaults)).toThrow(message);
  });
});
