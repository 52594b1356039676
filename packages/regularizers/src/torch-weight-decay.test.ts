/**
 * L2 in torch's convention + SGD equals torch.optim.SGD(weight_decay); decoupled weight decay around
 * Adam equals torch.optim.AdamW. Fixtures: test/fixtures/make_torch_fixtures.py (python3-torch).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Adam, AdamW, type Param, param, SGD } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { decoupledWeightDecay } from './decoupled.js';
import { l2 } from './elastic-net.js';
import { objective } from './objective.js';

interface Fixture {
  problem: { c: number[]; x0: number[]; steps: number };
  sgd_weight_decay: { lr: number; momentum: number; weight_decay: number; trajectory: number[][] };
  adamw: { lr: number; betas: [number, number]; eps: number; weight_decay: number; trajectory: number[][] };
}

const here = dirname(fileURLToPath(import.meta.url));
const fx = JSON.parse(
  readFileSync(join(here, '../test/fixtures/torch_weight_decay.json'), 'utf8'),
) as Fixture;
const { c } = fx.problem;

/** f(x) = Σ log(1 + (x_i − c_i)²) + ½ Σ x_i x_{i+1}; fills p.grad, returns f. */
function loss(p: Param): number {
  const x = p.data;
  const g = p.grad;
  let f = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - c[i];
    f += Math.log1p(d * d);
    g[i] = (2 * d) / (1 + d * d);
  }
  for (let i = 0; i + 1 < x.length; i++) {
    f += 0.5 * x[i] * x[i + 1];
    g[i] += 0.5 * x[i + 1];
    g[i + 1] += 0.5 * x[i];
  }
  return f;
}

function expectTrajectory(got: number[][], want: number[][]): void {
  for (let t = 0; t < want.length; t++) {
    for (let i = 0; i < want[t].length; i++) {
      expect(Math.abs(got[t][i] - want[t][i])).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(want[t][i])));
    }
  }
}

describe('weight decay conventions against PyTorch', () => {
  it('SGD + objective(l2(λ, torch)) matches torch.optim.SGD(weight_decay=λ) over 40 steps (f64)', () => {
    const s = fx.sgd_weight_decay;
    const p = param(Float64Array.from(fx.problem.x0));
    const opt = new SGD([p], { lr: s.lr, momentum: s.momentum });
    const O = objective(() => loss(p), [l2(s.weight_decay, { convention: 'torch' })], [p]);
    const traj: number[][] = [];
    for (let t = 0; t < fx.problem.steps; t++) {
      opt.step(O);
      traj.push(Array.from(p.data));
    }
    expectTrajectory(traj, s.trajectory);
  });

  it("SGD + objective(l2(λ/2), the notes' λΣθ²) matches the same torch run", () => {
    const s = fx.sgd_weight_decay;
    const p = param(Float64Array.from(fx.problem.x0));
    const opt = new SGD([p], { lr: s.lr, momentum: s.momentum });
    const O = objective(() => loss(p), [l2(s.weight_decay / 2)], [p]);
    const traj: number[][] = [];
    for (let t = 0; t < fx.problem.steps; t++) {
      opt.step(O);
      traj.push(Array.from(p.data));
    }
    expectTrajectory(traj, s.trajectory);
  });

  it('decoupledWeightDecay(Adam) matches torch.optim.AdamW over 40 steps (f64), as does our AdamW', () => {
    const a = fx.adamw;
    for (const make of [
      (p: Param) =>
        decoupledWeightDecay(new Adam([p], { lr: a.lr, betas: a.betas, eps: a.eps }), {
          weightDecay: a.weight_decay,
        }),
      (p: Param) => new AdamW([p], { lr: a.lr, betas: a.betas, eps: a.eps, weightDecay: a.weight_decay }),
    ]) {
      const p = param(Float64Array.from(fx.problem.x0));
      const opt = make(p);
      const traj: number[][] = [];
      for (let t = 0; t < fx.problem.steps; t++) {
        opt.step(() => loss(p));
        traj.push(Array.from(p.data));
      }
      expectTrajectory(traj, a.trajectory);
    }
  });

  it('a non-finite gradient is rejected before the decay: parameters unchanged', () => {
    const p = param(new Float64Array([1, 2, 3]));
    const opt = decoupledWeightDecay(new Adam([p], { lr: 0.1 }), { weightDecay: 0.5 });
    p.grad.set([1, Number.NaN, 0]);
    expect(() => opt.step()).toThrow(/Non-finite gradient .* at step 1/);
    expect(Array.from(p.data)).toEqual([1, 2, 3]);
  });
});
