/**
 * Every scheduler class against torch.optim.lr_scheduler (Debian's torch 1.13), from
 * test/fixtures/torch_schedules.json (made by test/fixtures/make_fixtures.py, which describes each
 * case). Both sides build each case from the same spec; rates, and momentum or β1 where cycled, must
 * match to 1e-12 (relative) at every step, the state right after construction included.
 */
import { describe, expect, it } from 'vitest';
import {
  buildScheduler,
  CLASS_NAMES,
  fixture,
  makeOptimizer,
  type SchedulerSpec,
  stepCase,
} from '../test-support/torch-cases.js';
import { readMomentum } from './momentum.js';

/**
 * Index of the first row where `actual` and `expected` differ by more than tol relative to
 * `expected` (-1 if none). Most steps are bit-exact; the rest differ by an ulp or two where V8's
 * Math.cos or ** rounds differently from glibc's (at most 1.1e-15 relative over these fixtures).
 */
function firstMismatch(actual: number[][], expected: number[][], tol: number): number {
  for (let k = 0; k < expected.length; k++) {
    for (let g = 0; g < expected[k].length; g++) {
      const e = expected[k][g];
      if (!(Math.abs(actual[k][g] - e) <= tol * Math.abs(e))) return k;
    }
  }
  return -1;
}

describe(`schedulers match torch ${fixture.torch} over 100+ steps`, () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const opt = makeOptimizer(c);
    const s = buildScheduler(c.scheduler, opt);
    const lrs: number[][] = [];
    const momenta: number[][] = [];
    const record = () => {
      lrs.push(opt.paramGroups.map((g) => g.lr));
      if (c.momentum) momenta.push(opt.paramGroups.map(readMomentum));
      expect(s.getLastLr()).toEqual(opt.paramGroups.map((g) => g.lr));
    };
    record();
    for (let k = 0; k < c.steps; k++) {
      stepCase(c, s, k);
      record();
    }
    const k = firstMismatch(lrs, c.lr, 1e-12);
    expect(k, `lr differs from torch first at step ${k}: ${lrs[k]} vs ${c.lr[k]}`).toBe(-1);
    if (c.momentum) {
      const m = firstMismatch(momenta, c.momentum, 1e-12);
      expect(m, `momentum differs from torch first at step ${m}: ${momenta[m]} vs ${c.momentum[m]}`).toBe(-1);
    }
    if (c.optimizer === 'adam') {
      // β2 is never touched
      expect(opt.paramGroups.map((g) => (g.betas as number[])[1])).toEqual(c.groups.map((g) => g.betas![1]));
    }
  });

  it('covers every scheduler class', () => {
    const types = new Set<string>();
    const visit = (s: SchedulerSpec) => {
      types.add(s.type);
      s.schedulers?.forEach(visit);
    };
    for (const c of fixture.cases) visit(c.scheduler);
    for (const name of CLASS_NAMES) {
      expect(types.has(name), name).toBe(true);
    }
  });
});
