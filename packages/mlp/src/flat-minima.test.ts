/**
 * The notes' flat minima, measured: on standardized digits, a 64-32-10 ReLU network trained by SGD
 * at lr 0.5 until the training loss is below 0.02 (checked every 10 steps), with
 *   small batches (B = 16)           -> a flatter minimum,
 *   the full batch (GD, B = n)       -> a sharper one (Keskar et al. 2017: large batches converge
 *                                       to sharp minimizers),
 *   the full batch under SAM (ρ = 1) -> flatter again (Foret et al. 2021).
 * Sharpness is measured on the training loss's Hessian: λ_max (Lanczos on exact Hessian-vector
 * products) and tr H (Hutchinson, 10 probes). Measured with model seeds 1, 2, 3:
 *   B = 16:     λ_max 0.18, 0.31, 0.57   tr H 2.1, 4.2, 4.8
 *   GD:         λ_max 0.39, 0.37, 0.46   tr H 5.6, 6.5, 6.7
 *   GD + SAM:   λ_max 0.23, 0.21, 0.26   tr H 4.6, 5.3, 5.5
 * So the trace separates small from large batches for every seed, λ_max not (SGD stops at a noisy
 * point of its path: seed 3's is sharper along one direction); SAM lowers both for every seed.
 * The test asserts those directions for seed 1. Keskar's ε-sharpness does not separate these runs
 * (at a point that is not an exact minimum it is dominated by the first-order term
 * ε Σ |∂L/∂θ_i| (|θ_i| + 1)), so it is not asserted.
 */
import { type Param, SGD } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { digits } from './datasets/digits.js';
import { trainTestSplit } from './datasets/split.js';
import { standardize } from './datasets/standardize.js';
import { sharpness, trainToLoss } from './flat-minima.js';
import { mlp } from './mlp.js';

const { train } = trainTestSplit(digits(), { testFraction: 0.2, seed: 0 });
const { train: data } = standardize(train);

function minimumOf(options: { batchSize: number; rho?: number }) {
  const model = mlp({ sizes: [64, 32, 10], seed: 1 });
  try {
    const run = trainToLoss(model, data, {
      optimizer: (ps) => new SGD(ps, { lr: 0.5 }),
      batchSize: options.batchSize,
      sam: options.rho ? { rho: options.rho } : undefined,
    });
    return { ...run, ...sharpness(model, data) };
  } finally {
    model.free();
  }
}

describe('flat minima on digits (64-32-10, SGD lr 0.5, trained to loss < 0.02)', () => {
  const small = minimumOf({ batchSize: 16 });
  const large = minimumOf({ batchSize: data.n });
  const largeSam = minimumOf({ batchSize: data.n, rho: 1 });

  it('every run reaches the same training loss (the comparison is at equal loss)', () => {
    for (const run of [small, large, largeSam]) {
      expect(run.reached).toBe(true);
      expect(run.loss).toBeLessThan(0.02);
      expect(run.loss).toBeGreaterThan(0.005);
    }
  });

  it('small batches find a flatter minimum than the full batch: a smaller Hessian trace', () => {
    expect(small.trace).toBeLessThan(0.8 * large.trace);
  });

  it('SAM around the same full-batch SGD lowers the sharpness it reaches: λ_max and tr H', () => {
    expect(largeSam.lambdaMax).toBeLessThan(0.8 * large.lambdaMax);
    expect(largeSam.trace).toBeLessThan(large.trace);
  });
});

describe('trainToLoss', () => {
  it('names bad options', () => {
    const model = mlp({ sizes: [64, 4, 10], seed: 1 });
    const optimizer = (ps: Param[]) => new SGD(ps, { lr: 0.1 });
    expect(() => trainToLoss(model, data, { optimizer, batchSize: 0 })).toThrow(/Invalid batchSize value: 0/);
    expect(() => trainToLoss(model, data, { optimizer, batchSize: 8, target: -1 })).toThrow(
      /Invalid target value: -1/,
    );
    expect(() => trainToLoss(model, data, { batchSize: 8 } as never)).toThrow(TypeError);
    model.free();
  });
});
