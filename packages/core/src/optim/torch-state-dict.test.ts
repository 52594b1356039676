/**
 * A torch checkpoint continues exactly: test/fixtures/torch_state_dict.py runs torch K steps, dumps
 * `optimizer.state_dict()` as JSON and runs K more; here a fresh optimizer with torch's defaults
 * over parameters set to torch's values after K steps loads the dict with `fromTorchStateDict` and
 * must follow torch's next K steps to 1e-12 (f64, relative; absolute below 1). `toTorchStateDict`
 * must give back torch's own dict, and the round trip ours -> torch -> ours is exact.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Param, param } from '../param.js';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Adamax } from './adamax.js';
import { AdamW } from './adamw.js';
import { ASGD } from './asgd.js';
import { LBFGS } from './lbfgs.js';
import { NAdam } from './nadam.js';
import type { Optimizer, ParamsInput } from './optimizer.js';
import { RAdam } from './radam.js';
import { RMSprop } from './rmsprop.js';
import { Rprop } from './rprop.js';
import { SGD } from './sgd.js';
import { coupledLogGradient, expectClose, expectIdentical } from './test-support/conformance.js';
import { fromTorchStateDict, type TorchStateDict, toTorchStateDict } from './torch-state-dict.js';

interface TorchCase {
  optimizer: string;
  name: string;
  k: number;
  groups: number;
  sizes: number[];
  stateDict: TorchStateDict;
  paramsAtK: number[][];
  trajectory: number[][][];
  losses?: number[];
}

const fixture: { torch: string; cases: TorchCase[] } = JSON.parse(
  readFileSync(new URL('../../test/fixtures/torch_state_dict.json', import.meta.url), 'utf8'),
);

type AnyOptimizer = Optimizer<{ lr: number }>;
const MAKE: Record<string, (p: ParamsInput<never>) => AnyOptimizer> = {
  SGD: (p) => new SGD(p),
  Adam: (p) => new Adam(p),
  AdamW: (p) => new AdamW(p),
  Adagrad: (p) => new Adagrad(p),
  RMSprop: (p) => new RMSprop(p),
  Adadelta: (p) => new Adadelta(p),
  Adamax: (p) => new Adamax(p),
  NAdam: (p) => new NAdam(p),
  RAdam: (p) => new RAdam(p),
  Rprop: (p) => new Rprop(p),
  ASGD: (p) => new ASGD(p),
  LBFGS: (p) => new LBFGS(p),
};

/** f(x) = Σ log(1 + x_i²) + C Σ (x_{i+1} - x_i²)², in the generator's order of operations. */
function coupledLogLoss(x: number[], C = 0.5): number {
  let f = 0;
  for (let i = 0; i < x.length; i++) f = f + Math.log(1.0 + x[i] * x[i]);
  for (let i = 0; i + 1 < x.length; i++) {
    const r = x[i + 1] - x[i] * x[i];
    f = f + C * r * r;
  }
  return f;
}

/** Our optimizer (torch's defaults) over torch's parameters after K steps, in torch's groups. */
function build(c: TorchCase) {
  const ps = c.paramsAtK.map((v, j) => param(Float64Array.from(v), { name: `p${j}` }));
  const perGroup = ps.length / c.groups;
  const input =
    c.groups === 1
      ? ps
      : Array.from({ length: c.groups }, (_, g) => ({ params: ps.slice(g * perGroup, (g + 1) * perGroup) }));
  return { ps, opt: MAKE[c.optimizer](input as ParamsInput<never>) };
}

/** One step as the generator takes it (per-parameter gradients, or LBFGS's closure). */
function stepLike(c: TorchCase, opt: AnyOptimizer, ps: Param[]): number | undefined {
  if (c.optimizer !== 'LBFGS') {
    for (const p of ps) coupledLogGradient(p.data, p.grad);
    return opt.step();
  }
  return opt.step(() => {
    const x = ps.flatMap((p) => Array.from(p.data));
    const g = new Float64Array(x.length);
    coupledLogGradient(x, g);
    let off = 0;
    for (const p of ps) {
      p.grad.set(g.subarray(off, off + p.length));
      off += p.length;
    }
    return coupledLogLoss(x);
  });
}

describe('fromTorchStateDict continues a torch run exactly', () => {
  it('has a case for every torch optimizer descent implements', () => {
    expect(new Set(fixture.cases.map((c) => c.optimizer))).toEqual(new Set(Object.keys(MAKE)));
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const { ps, opt } = build(c);
    fromTorchStateDict(opt, structuredClone(c.stateDict));
    for (let k = 0; k < c.k; k++) {
      const loss = stepLike(c, opt, ps);
      if (c.losses) expect(loss).toBeCloseTo(c.losses[k], 12);
      ps.forEach((p, j) => {
        expectClose(p.data, c.trajectory[k][j], 1e-12, `${c.name} step ${c.k + k + 1} p${j}`);
      });
    }
  });
});

describe('toTorchStateDict', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))("gives back torch's own dict: %s", (_n, c) => {
    const { opt } = build(c);
    fromTorchStateDict(opt, structuredClone(c.stateDict));
    const back = toTorchStateDict(opt);
    const want = c.stateDict;
    expect(Object.keys(back.state).sort()).toEqual(Object.keys(want.state).sort());
    for (const [i, s] of Object.entries(want.state)) {
      for (const [k, v] of Object.entries(s)) {
        if (k === 'al' || (k === 'momentum_buffer' && v === null)) continue;
        const got = back.state[i][k];
        if (Array.isArray(v)) expect(JSON.stringify(got), k).toBe(JSON.stringify(v));
        else expect(got, k).toBe(v);
      }
    }
    back.param_groups.forEach((g, gi) => {
      for (const [k, v] of Object.entries(g)) {
        if (k in want.param_groups[gi]) expect(v, k).toEqual(want.param_groups[gi][k]);
      }
    });
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))(
    'round trips ours -> torch -> ours exactly: %s',
    (_n, c) => {
      const a = build(c);
      fromTorchStateDict(a.opt, structuredClone(c.stateDict));
      stepLike(c, a.opt, a.ps);
      const b = build(c);
      fromTorchStateDict(b.opt, JSON.parse(JSON.stringify(toTorchStateDict(a.opt))));
      const { stepsTaken: _x, ...sa } = a.opt.stateDict();
      const { stepsTaken: _y, ...sb } = b.opt.stateDict();
      expect(sb).toEqual(sa);
      b.ps.forEach((p, j) => {
        p.data.set(a.ps[j].data);
      });
      stepLike(c, a.opt, a.ps);
      stepLike(c, b.opt, b.ps);
      a.ps.forEach((p, j) => {
        expectIdentical(b.ps[j].data, p.data, `p${j}`);
      });
    },
  );
});

describe('fromTorchStateDict refuses what it cannot translate, changing nothing', () => {
  const c = fixture.cases.find((x) => x.name === 'Adam amsgrad')!;

  it('a torch dict of another optimizer', () => {
    const { opt } = build({ ...c, optimizer: 'SGD' });
    const before = opt.stateDict();
    expect(() => fromTorchStateDict(opt, structuredClone(c.stateDict))).toThrow(
      /unknown key 'betas' in paramGroups\[0\]/,
    );
    expect(opt.stateDict()).toEqual(before);
  });

  it('a state tensor of the wrong length, or a missing one', () => {
    const { opt } = build(c);
    const bad = structuredClone(c.stateDict);
    (bad.state['0'].exp_avg as number[]).pop();
    expect(() => fromTorchStateDict(opt, bad)).toThrow(/state 'expAvg' of p0 has length 6, expected 7/);
    const missing = structuredClone(c.stateDict);
    delete missing.state['0'].exp_avg_sq;
    expect(() => fromTorchStateDict(opt, missing)).toThrow(/p0 is missing 'expAvgSq'/);
    expect(() => fromTorchStateDict(opt, { ...c.stateDict, extra: 1 } as never)).toThrow(
      /unknown key 'extra'/,
    );
    expect(opt.state.size).toBe(0);
  });

  it('a group option torch does not have either', () => {
    const { opt } = build(c);
    const bad = structuredClone(c.stateDict);
    bad.param_groups[0].weight_decai = 0.1;
    expect(() => fromTorchStateDict(opt, bad)).toThrow(
      /unknown key 'weightDecai' .*did you mean weightDecay\?/,
    );
  });
});
