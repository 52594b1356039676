// Run from the temporary project the smoke test makes (packages installed from tarballs): trains the
// digits MLP a little with AdamW + cosine annealing, minimizes Rosenbrock with L-BFGS, runs a gemm on
// the kernels' worker threads, and prints what the test checks as one JSON line.
import { AdamW, minimize, rosenbrock } from '@descent/core';
import { backendInfo, gemm, matrixFrom, setThreads, threadsReady } from '@descent/kernels';
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

// Threads from the packed package: workers started from the inline worker source; the same bits
// on 2 threads as on 1; and the process still exits by itself with the pool alive.
setThreads(2);
await threadsReady();
const n = 160;
const A = matrixFrom(
  n,
  n,
  Float32Array.from({ length: n * n }, (_, i) => Math.sin(i)),
);
const C = [matrixFrom(n, n, new Float32Array(n * n)), matrixFrom(n, n, new Float32Array(n * n))];
gemm(A, A, C[0]);
const workers = backendInfo().workersRunning;
setThreads(1);
gemm(A, A, C[1]);
const same = C[0].data.data.every((v, i) => Object.is(v, C[1].data.data[i]));

console.log(
  JSON.stringify({
    losses: result.history.map((h) => h.loss),
    lrs: result.history.map((h) => h.lr),
    test: evaluate(model, te),
    rosenbrock: { x: Array.from(r.x), fun: r.fun, converged: r.converged, nit: r.nit },
    threads: { workers, same },
  }),
);
