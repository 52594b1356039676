/**
 * stateDict() / loadStateDict(): for every torch fixture case, a scheduler restored mid-sequence
 * (from JSON, into a fresh scheduler over an optimizer whose groups were restored too) continues with
 * exactly the sequence of the one that never stopped.
 */
import { describe, expect, it } from 'vitest';
import {
  buildScheduler,
  fixture,
  makeOptimizer,
  stepCase,
  type TorchCase,
} from '../test-support/torch-cases.js';
import { ExponentialLR } from './exponential-lr.js';
import type { SchedulableOptimizer } from './lr-scheduler.js';
import { readMomentum } from './momentum.js';
import { SequentialLR } from './sequential-lr.js';
import { StepLR } from './step-lr.js';

function continuation(
  c: TorchCase,
  opt: SchedulableOptimizer,
  s: ReturnType<typeof buildScheduler>,
  from: number,
) {
  const out: number[][] = [];
  for (let k = from; k < c.steps; k++) {
    stepCase(c, s, k);
    out.push([...opt.paramGroups.map((g) => g.lr), ...opt.paramGroups.map(readMomentum)]);
  }
  return out;
}

describe('a scheduler restored from its stateDict continues identically', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const half = Math.floor(c.steps / 2);
    const opt = makeOptimizer(c);
    const s = buildScheduler(c.scheduler, opt);
    for (let k = 0; k < half; k++) stepCase(c, s, k);
    const saved = JSON.parse(JSON.stringify(s.stateDict()));
    const savedGroups = JSON.parse(JSON.stringify(opt.paramGroups));
    const expected = continuation(c, opt, s, half);

    const opt2 = makeOptimizer(c);
    const s2 = buildScheduler(c.scheduler, opt2);
    // as an optimizer's loadStateDict does: new group objects with the saved options
    savedGroups.forEach((g: SchedulableOptimizer['paramGroups'][number], i: number) => {
      opt2.paramGroups[i] = g;
    });
    s2.loadStateDict(saved);
    expect(s2.getLastLr()).toEqual(saved.lastLr);
    expect(continuation(c, opt2, s2, half)).toEqual(expected);
  });
});

describe('loadStateDict checks before changing anything', () => {
  it('rejects a key that is not part of the state', () => {
    const opt = { paramGroups: [{ lr: 0.1 }] };
    const s = new StepLR(opt, { stepSize: 3 });
    s.step();
    const before = s.stateDict();
    expect(() => s.loadStateDict({ lastEpoch: 5, T0: 3 })).toThrow(/'T0' is not part of StepLR's state/);
    expect(s.stateDict()).toEqual(before);
  });

  it('rejects a composite state with the wrong number of children', () => {
    const opt = { paramGroups: [{ lr: 0.1 }] };
    const a = new StepLR(opt, { stepSize: 3 });
    const b = new ExponentialLR(opt, { gamma: 0.9 });
    const seq = new SequentialLR(opt, { schedulers: [a, b], milestones: [4] });
    const state = seq.stateDict();
    const before = JSON.stringify(state);
    expect(() => seq.loadStateDict({ ...state, schedulers: [a.stateDict()] })).toThrow(
      /expected 2 scheduler states, got 1/,
    );
    expect(JSON.stringify(seq.stateDict())).toBe(before);
  });

  it('rejects something that is not a state object', () => {
    const s = new StepLR({ paramGroups: [{ lr: 0.1 }] }, { stepSize: 3 });
    expect(() => s.loadStateDict(null as never)).toThrow(TypeError);
  });
});
