/**
 * Schedule-free AdamW on UCI digits without a schedule vs AdamW with a cosine schedule tuned over
 * the same peak rates (the behavioural check for core's ScheduleFreeAdamW): MLP 64-64-10
 * with ReLU, batch 32, 10 epochs, the fixed 80/20 split (seed 0), standardized inputs, one seed.
 * Compared: the cross-entropy on the whole training set and on the held-out 20% after training;
 * the schedule-free model is evaluated at x (after `eval()`), as its authors prescribe. Measured
 * (lr 1e-3, 3e-3, 1e-2, 3e-2): training loss cosine 0.212, 0.042, 0.0045, 0.00046 vs schedule-free
 * 0.149, 0.028, 0.0026, 0.00033; best held-out loss cosine 0.114 vs schedule-free 0.123 (both at
 * 1e-2); best accuracy 97.5% vs 97.2%.
 */
import { AdamW, ScheduleFreeAdamW } from '@descent/core';
import { CosineAnnealingLR } from '@descent/schedulers';
import { describe, expect, it } from 'vitest';
import { digits } from './datasets/digits.js';
import { trainTestSplit } from './datasets/split.js';
import { standardize } from './datasets/standardize.js';
import { evaluate } from './evaluate.js';
import { fit } from './fit.js';
import { mlp } from './mlp.js';

const { train, test } = trainTestSplit(digits(), { testFraction: 0.2, seed: 0 });
const {
  train: tr,
  others: [te],
} = standardize(train, test);
const EPOCHS = 10;
const LRS = [1e-3, 3e-3, 1e-2, 3e-2];

function run(kind: 'cosine' | 'schedule-free', lr: number) {
  const model = mlp({ sizes: [64, 64, 10], activation: 'relu', seed: 0 });
  let sf: ScheduleFreeAdamW | undefined;
  if (kind === 'cosine') {
    fit(model, tr, {
      optimizer: (ps) => new AdamW(ps, { lr, weightDecay: 0 }),
      schedule: (opt) => new CosineAnnealingLR(opt, { TMax: EPOCHS * Math.ceil(tr.n / 32) }),
      scheduleEvery: 'step',
      epochs: EPOCHS,
      batchSize: 32,
      seed: 0,
    });
  } else {
    fit(model, tr, {
      optimizer: (ps) => {
        sf = new ScheduleFreeAdamW(ps, { lr, warmupSteps: 50 });
        return sf;
      },
      epochs: EPOCHS,
      batchSize: 32,
      seed: 0,
    });
    sf?.eval();
  }
  const held = evaluate(model, te);
  const out = { train: evaluate(model, tr).loss, test: held.loss, accuracy: held.accuracy as number };
  model.free();
  return out;
}

describe('ScheduleFreeAdamW on digits, without a schedule', () => {
  const cosine = LRS.map((lr) => run('cosine', lr));
  const free = LRS.map((lr) => run('schedule-free', lr));
  const best = (r: { test: number }[]) => Math.min(...r.map((x) => x.test));

  it("reaches cosine AdamW's training loss at every peak rate", () => {
    LRS.forEach((_lr, i) => {
      expect(free[i].train).toBeLessThanOrEqual(cosine[i].train);
    });
  });

  it("comes within 10% of the cosine-tuned AdamW's best held-out loss", () => {
    expect(best(free)).toBeLessThanOrEqual(best(cosine) * 1.1);
  });
});
