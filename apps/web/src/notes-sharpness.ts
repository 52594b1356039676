/**
 * Sharpness of the minimum each optimizer found (the notes: a good minimum is flat and wide, not a
 * sharp pit). A 64-16-10 network on 600 standardized digits is trained by each optimizer until its
 * training loss is below 0.05 (mlp's trainToLoss), so all are compared at about the same loss; then
 * mlp's sharpness gives, for the whole training loss L,
 *
 *   λ_max(∇²L)   Lanczos on exact Hessian-vector products: the steepest curvature
 *   tr ∇²L       Hutchinson's estimate: the total curvature
 *
 * SAM (Foret et al. 2021) steps with the gradient at θ + ρ ∇L/‖∇L‖, the worst point of a ρ-ball,
 * so it prefers minima whose neighbourhood is low too. Small batches' noise does the same, by chance.
 */
import { Adam, SGD } from '@descent/core';
import { digits, mlp, sharpness, standardize, trainTestSplit, trainToLoss } from '@descent/mlp';

export interface SharpnessRow {
  name: string;
  colour: string;
  steps: number;
  loss: number;
  reached: boolean;
  lambdaMax: number;
  trace: number;
}

export const sharpnessTarget = 0.05;

export function sharpnessRace(): SharpnessRow[] {
  const { train } = trainTestSplit(digits(), { testFraction: 0.2, seed: 0 });
  const n = 600;
  const { train: all } = standardize(train);
  const data = { ...all, n, x: all.x.subarray(0, n * all.features), y: all.y.subarray(0, n) };
  const runs: [string, string, Parameters<typeof trainToLoss>[2]][] = [
    ['SGD, batch 16', '#e67700', { optimizer: (ps) => new SGD(ps, { lr: 0.5 }), batchSize: 16 }],
    ['GD, full batch', '#c92a2a', { optimizer: (ps) => new SGD(ps, { lr: 0.5 }), batchSize: n }],
    [
      'SAM (GD, ρ = 1)',
      '#1971c2',
      { optimizer: (ps) => new SGD(ps, { lr: 0.5 }), batchSize: n, sam: { rho: 1 } },
    ],
    ['Adam, batch 16', '#7048e8', { optimizer: (ps) => new Adam(ps, { lr: 0.01 }), batchSize: 16 }],
  ];
  return runs.map(([name, colour, options]) => {
    const model = mlp({ sizes: [64, 16, 10], seed: 1 });
    try {
      const r = trainToLoss(model, data, { ...options, target: sharpnessTarget, maxSteps: 2000 });
      const s = sharpness(model, data);
      return {
        name,
        colour,
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
