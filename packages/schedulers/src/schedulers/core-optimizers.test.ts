/**
 * End to end with @descent/core's optimizers: SGD and Adam minimizing f(x) = ½ Σ a x²
 * (float64) under a scheduler follow torch's parameter trajectories (fixture "training" cases), which
 * shows the rates and the cycled momentum / β1 the schedulers write are the ones the optimizers use.
 * A checkpoint mid-run (optimizer and scheduler state dicts) resumes onto the identical trajectory.
 */
import { Adam, type Optimizer, type Param, param, SGD } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { buildScheduler, fixture, type TrainingCase } from '../test-support/torch-cases.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';

const { x0, curvature, cases } = fixture.training;

type AnyOptimizer = Optimizer<{ lr: number }>;

function makeOptimizer(c: TrainingCase, params: Param[]): AnyOptimizer {
  const groups = c.groups.map((g, i) => ({ ...g, params: [params[i]] }));
  const options = c.optimizer.options as never;
  if (c.optimizer.type === 'SGD') return new SGD(groups as never, options) as unknown as AnyOptimizer;
  return new Adam(groups as never, options) as unknown as AnyOptimizer;
}

/** One training step: gradient a ⊙ x, optimizer step, scheduler step (fed the loss if it wants one). */
function trainStep(params: Param[], opt: AnyOptimizer, sched: ReturnType<typeof buildScheduler>): void {
  params.forEach((p, i) => {
    const x = p.data;
    const g = p.grad;
    for (let j = 0; j < x.length; j++) g[j] = curvature[i][j] * x[j];
  });
  opt.step();
  if (sched instanceof ReduceLROnPlateau) {
    let loss = 0;
    params.forEach((p, i) => {
      let s = 0;
      const x = p.data;
      for (let j = 0; j < x.length; j++) s += curvature[i][j] * x[j] * x[j];
      loss += 0.5 * s;
    });
    sched.step(loss);
  } else {
    sched.step();
  }
}

const snapshot = (params: Param[]) => params.map((p) => Array.from(p.data));

describe('schedulers drive @descent/core optimizers as torch schedulers drive torch optimizers', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const params = x0.map((x) => param(Float64Array.from(x)));
    const opt = makeOptimizer(c, params);
    const sched = buildScheduler(c.scheduler, opt);
    for (let k = 0; k < c.steps; k++) {
      trainStep(params, opt, sched);
      const lrs = opt.paramGroups.map((g) => g.lr);
      lrs.forEach((lr, g) => {
        expect(Math.abs(lr - c.lr[k][g]), `lr at step ${k + 1}`).toBeLessThanOrEqual(1e-12 * c.lr[k][g]);
      });
      snapshot(params).forEach((x, g) => {
        x.forEach((v, j) => {
          const e = c.x[k][g][j];
          expect(Math.abs(v - e), `x[${g}][${j}] at step ${k + 1}: ${v} vs ${e}`).toBeLessThanOrEqual(
            1e-10 * Math.max(1, Math.abs(e)),
          );
        });
      });
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('resumes from a mid-run checkpoint: %s', (_name, c) => {
    const params = x0.map((x) => param(Float64Array.from(x)));
    const opt = makeOptimizer(c, params);
    const sched = buildScheduler(c.scheduler, opt);
    const half = c.steps / 2;
    for (let k = 0; k < half; k++) trainStep(params, opt, sched);
    const saved = {
      x: snapshot(params),
      opt: structuredClone(opt.stateDict()),
      sched: JSON.parse(JSON.stringify(sched.stateDict())),
    };
    const expected: number[][][] = [];
    for (let k = half; k < c.steps; k++) {
      trainStep(params, opt, sched);
      expected.push(snapshot(params));
    }

    const params2 = saved.x.map((x) => param(Float64Array.from(x)));
    const opt2 = makeOptimizer(c, params2);
    const sched2 = buildScheduler(c.scheduler, opt2); // writes its own start into the groups...
    opt2.loadStateDict(saved.opt); // ...which the optimizer's state then replaces
    sched2.loadStateDict(saved.sched);
    const resumed: number[][][] = [];
    for (let k = half; k < c.steps; k++) {
      trainStep(params2, opt2, sched2);
      resumed.push(snapshot(params2));
    }
    expect(resumed).toEqual(expected);
  });
});
