/**
 * The notes' flat-minima experiment, shared by `descent notes` and the demo page: a 64-16-10 network
 * on 600 standardized digits is trained by each of four optimizers until its training loss is below
 * 0.05 (`trainToLoss`, so all are compared at about the same loss), then `sharpness` measures the
 * minimum reached:
 *
 *   λ_max(∇²L)   Lanczos on exact Hessian-vector products: the steepest curvature
 *   tr ∇²L       Hutchinson's estimate: the total curvature
 *
 * The runs: SGD at batch 16, full-batch GD, GD under SAM (ρ = 1; Foret et al. 2021: the gradient at
 * θ + ρ ∇L/‖∇L‖, the worst point of a ρ-ball, so it prefers minima whose neighbourhood is low too) and
 * Adam at batch 16. Small batches' noise steers away from sharp pits by chance, SAM on purpose.
 */
import { Adam, SGD } from '@descent/core';
import { digits } from './datasets/digits.js';
import { trainTestSplit } from './datasets/split.js';
import { standardize } from './datasets/standardize.js';
import { sharpness, type TrainToLossOptions, trainToLoss } from './flat-minima.js';
import { mlp } from './mlp.js';

export interface SharpnessComparisonRow {
  name: string;
  steps: number;
  loss: number;
  /** Whether the training loss reached the target within 2000 steps. */
  reached: boolean;
  lambdaMax: number;
  trace: number;
}

/** The training loss every run stops below. */
export const sharpnessComparisonTarget = 0.05;

/** Trains the four runs (seeded, deterministic) and measures each minimum's sharpness. */
export function sharpnessComparison(): SharpnessComparisonRow[] {
  const { train } = trainTestSplit(digits(), { testFraction: 0.2, seed: 0 });
  const n = 600;
  const { train: all } = standardize(train);
  const data = { ...all, n, x: all.x.subarray(0, n * all.features), y: all.y.subarray(0, n) };
  const runs: [string, Omit<TrainToLossOptions, 'target'>][] = [
    ['SGD, batch 16, lr 0.5', { optimizer: (ps) => new SGD(ps, { lr: 0.5 }), batchSize: 16 }],
    ['GD (full batch), lr 0.5', { optimizer: (ps) => new SGD(ps, { lr: 0.5 }), batchSize: n }],
    ['GD + SAM rho = 1', { optimizer: (ps) => new SGD(ps, { lr: 0.5 }), batchSize: n, sam: { rho: 1 } }],
    ['Adam, batch 16, lr 0.01', { optimizer: (ps) => new Adam(ps, { lr: 0.01 }), batchSize: 16 }],
  ];
  return runs.map(([name, options]) => {
    const model = mlp({ sizes: [64, 16, 10], seed: 1 });
    try {
      const r = trainToLoss(model, data, { ...options, target: sharpnessComparisonTarget, maxSteps: 2000 });
      const s = sharpness(model, data);
      return {
        name,
        steps: r.steps,
        loss: r.loss,
        reached: r.reached,
        lambdaMax: s.lambdaMax,
        trace: s.trace,
      };
    } finally {
      model.free();
    }
  });
}
