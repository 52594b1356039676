/**
 * The whole training loop against PyTorch 1.13 (test/fixtures/torch/training.json, made by
 * generate.py there): a 2-layer MLP written by the user with autograd's ops on `fromParam` tensors,
 *
 *   logits = tanh(X_b W1 + b1) W2 + b2,   loss = crossEntropy(logits, labels_b)
 *
 * stepped by @descent/core's AdamW (lr 0.02, everything else its defaults, which are torch's) under
 * @descent/schedulers' CosineAnnealingLR (TMax 50, etaMin 1e-3) for 50 steps on the mini-batches
 * torch drew. Every step's loss, learning rate and parameters must equal torch's: to 1e-10 relative
 * in f64 and 1e-5 in f32 (measured: about 1e-15 and 3e-7).
 */
import { AdamW, type Param, param } from '@descent/core';
import { CosineAnnealingLR } from '@descent/schedulers';
import { describe, expect, it } from 'vitest';
import * as ag from './index.js';
import {
  type FixtureTensor,
  loadFixture,
  relativeError,
  tolerance,
  toTensor,
  typed,
  values,
} from './test-support/torch-fixture.js';

interface Run {
  dtype: 'f32' | 'f64';
  config: { steps: number; lr: number; TMax: number; etaMin: number };
  torchDefaults: { betas: [number, number]; eps: number; weightDecay: number; amsgrad: boolean };
  X: FixtureTensor;
  labels: number[];
  batches: number[][];
  init: Record<'W1' | 'b1' | 'W2' | 'b2', FixtureTensor>;
  losses: number[];
  lrs: number[];
  params: Array<Record<string, FixtureTensor>>;
}

const fixture = loadFixture<{ torch: string; runs: Run[] }>('training.json');
const NAMES = ['W1', 'b1', 'W2', 'b2'] as const;

/** Trains as the fixture's torch loop did; returns each step's loss, rate and parameter errors. */
function train(run: Run) {
  const { dtype, config } = run;
  const params: Param[] = NAMES.map((k) =>
    param(typed(run.init[k], dtype), { name: k, shape: run.init[k].shape }),
  );
  const [W1, b1, W2, b2] = params.map((p) => ag.fromParam(p));
  const X = ag.keep(toTensor(run.X, dtype));
  const opt = new AdamW(params, { lr: config.lr });
  const sched = new CosineAnnealingLR(opt, { TMax: config.TMax, etaMin: config.etaMin });
  const result = { losses: [] as number[], lrs: [] as number[], paramErrors: [] as number[] };
  run.batches.forEach((batch, step) => {
    opt.zeroGrad();
    const loss = ag.tidy(() => {
      const xb = ag.indexSelect(X, 0, batch);
      const logits = ag.add(ag.matmul(ag.tanh(ag.add(ag.matmul(xb, W1), b1)), W2), b2);
      const l = ag.crossEntropy(
        logits,
        batch.map((i) => run.labels[i]),
      );
      l.backward();
      return l.item();
    });
    result.lrs.push(opt.paramGroups[0].lr);
    opt.step();
    sched.step();
    result.losses.push(loss);
    let worst = 0;
    params.forEach((p, i) => {
      worst = Math.max(worst, relativeError(p.data, values(run.params[step][NAMES[i]])));
    });
    result.paramErrors.push(worst);
  });
  const defaults = opt.paramGroups[0];
  for (const p of params) p.free();
  X.free();
  return { ...result, defaults };
}

describe(`training matches torch ${fixture.torch} step by step`, () => {
  for (const run of fixture.runs) {
    const tol = tolerance(run.dtype);
    it(`a user-written MLP under AdamW + CosineAnnealingLR follows torch's 50-step trajectory (${run.dtype})`, () => {
      const { losses, lrs, paramErrors, defaults } = train(run);
      // our AdamW's defaults are torch's (weightDecay 1e-2, betas, eps, amsgrad)
      expect(defaults.weightDecay).toBe(run.torchDefaults.weightDecay);
      expect(defaults.betas).toEqual(run.torchDefaults.betas);
      expect(defaults.eps).toBe(run.torchDefaults.eps);
      expect(defaults.amsgrad).toBe(run.torchDefaults.amsgrad);
      expect(relativeError(lrs, run.lrs)).toBeLessThan(1e-14);
      expect(relativeError(losses, run.losses), 'losses').toBeLessThanOrEqual(tol);
      const worst = Math.max(...paramErrors);
      expect(
        worst,
        `first step over tolerance: ${paramErrors.findIndex((e) => e > tol)}`,
      ).toBeLessThanOrEqual(tol);
      // the loop did train: the last losses are well below the first
      expect(run.losses.slice(-4).reduce((a, b) => a + b) / 4).toBeLessThan(0.8 * run.losses[0]);
    });
  }
});
