import { describe, expect, it } from 'vitest';
import { type Param, param } from '../param.js';
import { AdamW } from './adamw.js';
import { ScheduleFreeAdamW, ScheduleFreeSGD } from './schedule-free.js';
import {
  caseParams,
  describeOptimizerConformance,
  expectClose,
  type FixtureCase,
  fillGradients,
  loadOptimFixture,
  paramsInput,
} from './test-support/conformance.js';

const fixture = loadOptimFixture('past-torch/schedule_free.json');
const common = { weightDecay: 0, warmupSteps: 0, r: 0, weightLrPower: 2, trainMode: true };
const commonInvalid = [
  { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
  { options: { weightDecay: -0.1 }, message: 'Invalid weightDecay value: -0.1' },
  { options: { warmupSteps: 1.5 }, message: 'Invalid warmupSteps value: 1.5 (expected an integer >= 0)' },
  { options: { r: -1 }, message: 'Invalid r value: -1' },
  { options: { weightLrPower: Number.NaN }, message: 'Invalid weightLrPower value: NaN' },
  { options: { trainMode: 1 }, message: 'Invalid trainMode value: 1 (expected true or false)' },
];

describeOptimizerConformance({
  optimizer: 'ScheduleFreeSGD',
  fixture,
  create: (params, options) => new ScheduleFreeSGD(params as never, options),
  defaults: { lr: 1, momentum: 0.9, ...common },
  invalid: [
    ...commonInvalid,
    { options: { momentum: 0 }, message: 'Invalid momentum value: 0 (expected 0 < momentum < 1)' },
    { options: { momentum: 1 }, message: 'Invalid momentum value: 1 (expected 0 < momentum < 1)' },
  ],
});

describeOptimizerConformance({
  optimizer: 'ScheduleFreeAdamW',
  fixture,
  create: (params, options) => new ScheduleFreeAdamW(params as never, options),
  defaults: { lr: 0.0025, betas: [0.9, 0.999], eps: 1e-8, ...common },
  invalid: [
    ...commonInvalid,
    {
      options: { betas: [0, 0.999] },
      message: /Invalid beta parameter at index 0: 0 \(schedule-free needs β1 > 0/,
    },
    { options: { betas: [0.9, 1] }, message: 'Invalid beta parameter at index 1: 1' },
    { options: { eps: -1 }, message: 'Invalid eps value: -1' },
  ],
});

type SF = ScheduleFreeSGD | ScheduleFreeAdamW;

function run(c: FixtureCase, impl: 'fused' | 'reference'): { opt: SF; params: Param[] } {
  const params = caseParams(c);
  const input = paramsInput(c, params) as never;
  const options = { ...c.options, impl };
  const opt =
    c.optimizer === 'ScheduleFreeSGD'
      ? new ScheduleFreeSGD(input, options)
      : new ScheduleFreeAdamW(input, options);
  const flat = params.flat();
  for (let k = 0; k < c.steps; k++) {
    fillGradients(flat);
    opt.step();
  }
  return { opt, params: flat };
}

const cases = fixture.cases.map((c) => [`${c.optimizer} ${c.name} (${c.dtype})`, c] as const);

describe('schedule-free train()/eval()', () => {
  it.each(cases)('eval() moves the parameters to the reference evaluation point x: %s', (_l, c) => {
    for (const impl of ['fused', 'reference'] as const) {
      const { opt, params } = run(c, impl);
      opt.eval();
      const want = (c as FixtureCase & { evalPoint: number[][] }).evalPoint;
      params.forEach((p, j) => {
        expectClose(p.data, want[j], c.dtype === 'f64' ? 1e-10 : 1e-5, `${impl} x ${p.name}`);
      });
      expect(opt.paramGroups.every((g) => g.trainMode === false)).toBe(true);
    }
  });

  it.each(cases)('train() after eval() returns the parameters to y: %s', (_l, c) => {
    const { opt, params } = run(c, 'fused');
    const y = params.map((p) => Array.from(p.data));
    opt.eval();
    opt.eval(); // a second eval() changes nothing
    opt.train();
    params.forEach((p, j) => {
      expectClose(p.data, y[j], c.dtype === 'f64' ? 1e-12 : 1e-6, p.name);
    });
  });

  it('refuses to step in eval mode, changing nothing, and steps again after train()', () => {
    const c = fixture.cases.find((x) => x.optimizer === 'ScheduleFreeAdamW' && x.dtype === 'f64')!;
    const { opt, params } = run(c, 'fused');
    opt.eval();
    const x = params.map((p) => p.data.slice());
    const sd = opt.stateDict();
    fillGradients(params);
    expect(() => opt.step()).toThrow(/paramGroups\[0\] is in eval mode .* call train\(\) first/);
    params.forEach((p, j) => {
      expect(Array.from(p.data)).toEqual(Array.from(x[j]));
    });
    expect(opt.stateDict()).toEqual(sd);
    opt.train();
    expect(() => opt.step()).not.toThrow();
  });

  it('keeps the mode in the state dict: a checkpoint taken in eval mode resumes exactly', () => {
    const c = fixture.cases.find((x) => x.optimizer === 'ScheduleFreeSGD' && x.dtype === 'f64')!;
    const a = run(c, 'fused');
    a.opt.eval();
    const sd = a.opt.stateDict();
    const params = caseParams(c).flat();
    params.forEach((p, j) => {
      p.data.set(a.params[j].data);
    });
    const b = new ScheduleFreeSGD(params, c.options as never);
    b.loadStateDict(sd);
    expect(b.paramGroups[0].trainMode).toBe(false);
    a.opt.train();
    b.train();
    for (const [o, ps] of [
      [a.opt, a.params],
      [b, params],
    ] as const) {
      fillGradients(ps);
      o.step();
    }
    params.forEach((p, j) => {
      expect(Array.from(p.data)).toEqual(Array.from(a.params[j].data));
    });
  });

  it('leaves parameters without state alone in eval()', () => {
    const w = param(new Float64Array([1, 2, 3]));
    const opt = new ScheduleFreeSGD([w]);
    opt.eval();
    expect(Array.from(w.data)).toEqual([1, 2, 3]);
  });
});

/**
 * A noisy logistic regression (d = 8, n = 400, 15% flipped labels), trained by minibatches of 8
 * for 400 steps: the full-data loss after training, for AdamW with a tuned cosine schedule (the
 * best of four peak lrs) and for schedule-free AdamW with no schedule, evaluated at x.
 */
function logisticProblem() {
  let seed = 12345;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const d = 8;
  const n = 400;
  const wTrue = Array.from({ length: d }, () => gauss());
  const X = Array.from({ length: n }, () => Array.from({ length: d }, () => gauss()));
  const y = X.map((x) => {
    const s = x.reduce((a, v, j) => a + v * wTrue[j], 0);
    const label = s > 0 ? 1 : 0;
    return rand() < 0.15 ? 1 - label : label;
  });
  const order = Array.from({ length: 400 * 8 }, () => Math.floor(rand() * n));
  const lossAndGrad = (w: ArrayLike<number>, rows: number[], g?: { [i: number]: number }) => {
    let loss = 0;
    if (g) for (let j = 0; j < d; j++) g[j] = 0;
    for (const i of rows) {
      const s = X[i].reduce((a, v, j) => a + v * w[j], 0);
      loss += Math.log1p(Math.exp(-Math.abs(s))) + Math.max(s, 0) - y[i] * s;
      const r = 1 / (1 + Math.exp(-s)) - y[i];
      if (g) for (let j = 0; j < d; j++) g[j] += (r * X[i][j]) / rows.length;
    }
    return loss / rows.length;
  };
  const all = Array.from({ length: n }, (_, i) => i);
  return { d, order, lossAndGrad, fullLoss: (w: ArrayLike<number>) => lossAndGrad(w, all) };
}

describe('ScheduleFreeAdamW without a schedule', () => {
  it("reaches a cosine-tuned AdamW's loss (within 0.5%) on a noisy logistic regression", () => {
    const prob = logisticProblem();
    const steps = 400;
    const train = (
      make: (w: Param) => { step(): void; paramGroups: { lr: number }[] },
      cosine: number | null,
    ) => {
      const w = param(new Float64Array(prob.d));
      const opt = make(w);
      for (let k = 0; k < steps; k++) {
        if (cosine !== null) opt.paramGroups[0].lr = 0.5 * cosine * (1 + Math.cos((Math.PI * k) / steps));
        prob.lossAndGrad(w.data, prob.order.slice(8 * k, 8 * k + 8), w.grad);
        opt.step();
      }
      return { w, opt };
    };
    const lrs = [0.003, 0.01, 0.03, 0.1];
    const cosineLosses = lrs.map((lr) =>
      prob.fullLoss(train((w) => new AdamW([w], { lr, weightDecay: 0 }), lr).w.data),
    );
    const sfLosses = lrs.map((lr) => {
      const { w, opt } = train((p) => new ScheduleFreeAdamW([p], { lr }), null);
      (opt as ScheduleFreeAdamW).eval();
      return prob.fullLoss(w.data);
    });
    const bestCosine = Math.min(...cosineLosses);
    const bestSF = Math.min(...sfLosses);
    expect(bestSF).toBeLessThanOrEqual(bestCosine * 1.005);
  });
});
