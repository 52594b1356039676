/**
 * The accuracy bar on real data: UCI digits, MLP 64-128-128-10 with ReLU, batch 32,
 * 20 epochs, one fixed 80/20 split (seed 0), standardized inputs, 5 training seeds (init and
 * shuffles). Every run must reach 96.5% test accuracy and the median 97%.
 *
 * For comparison, PyTorch 1.13 (same split, same architecture, torch's init, its own seeds 0-4)
 * reaches 96.94-98.06% (median 97.22%) with Adam and 96.67-97.78% (median 97.78%) with SGD +
 * momentum 0.9 + cosine on this split. (Other splits are harder for every library: on split seed 2
 * torch's Adam runs range 95.6-96.9%.)
 */
import { Adam, SGD } from '@descent/core';
import { CosineAnnealingLR } from '@descent/schedulers';
import { describe, expect, it } from 'vitest';
import { digits } from './datasets/digits.js';
import { trainTestSplit } from './datasets/split.js';
import { standardize } from './datasets/standardize.js';
import { evaluate } from './evaluate.js';
import { type FitOptions, fit as fitModel } from './fit.js';
import { mlp } from './mlp.js';

const { train, test } = trainTestSplit(digits(), { testFraction: 0.2, seed: 0 });
const {
  train: tr,
  others: [te],
} = standardize(train, test);

function accuracies(options: Pick<FitOptions, 'optimizer' | 'schedule'>): number[] {
  const out: number[] = [];
  for (let seed = 0; seed < 5; seed++) {
    const model = mlp({ sizes: [64, 128, 128, 10], activation: 'relu', seed });
    fitModel(model, tr, { ...options, epochs: 20, batchSize: 32, seed });
    out.push(evaluate(model, te).accuracy as number);
    model.free();
  }
  return out;
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

describe('digits 64-128-128-10 over 5 seeds: every run >= 96.5%, median >= 97%', () => {
  it('Adam, lr 1e-3', () => {
    const acc = accuracies({ optimizer: (ps) => new Adam(ps, { lr: 1e-3 }) });
    for (const a of acc) expect(a).toBeGreaterThanOrEqual(0.965);
    expect(median(acc)).toBeGreaterThanOrEqual(0.97);
  });

  it('SGD with momentum 0.9, lr 0.05, cosine annealing over the 20 epochs', () => {
    const acc = accuracies({
      optimizer: (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9 }),
      schedule: (opt) => new CosineAnnealingLR(opt, { TMax: 20 }),
    });
    for (const a of acc) expect(a).toBeGreaterThanOrEqual(0.965);
    expect(median(acc)).toBeGreaterThanOrEqual(0.97);
  });
});
