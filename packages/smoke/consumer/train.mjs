// Run from the temporary project the smoke test makes (packages installed from tarballs): trains the
// digits MLP a little with AdamW + cosine annealing, minimizes Rosenbrock with L-BFGS, and prints
// what the test checks as one JSON line.
import { AdamW, minimize, rosenbrock } from '@descent/core';
import { digits, evaluate, fit, mlp, standardize, trainTestSplit } from '@descent/mlp';
import { CosineAnnealingLR } from '@descent/schedulers';

const { train, test } = trainTestSplit(digits(), { testFraction: 0.2, seed: 0 });
const {
  train: tr,
  others: [te],
} = standardize(train, test);
const model = mlp({ sizes: [64, 32, 10], activation: 'relu', seed: 0 });
const epochs = 4;
const result = fit(model, tr, {
  optimizer: (params) => new AdamW(params, { lr: 3e-3, weightDecay: 1e-2 }),
  schedule: (opt) => new CosineAnnealingLR(opt, { TMax: epochs }),
  epochs,
  batchSize: 32,
  seed: 0,
});

const r = minimize(rosenbrock(2), new Float64Array([-1.2, 1]), { method: 'lbfgs' });

console.log(
  JSON.stringify({
    losses: result.history.map((h) => h.loss),
    lrs: result.history.map((h) => h.lr),
    test: evaluate(model, te),
    rosenbrock: { x: Array.from(r.x), fun: r.fun, converged: r.converged, nit: r.nit },
  }),
);
