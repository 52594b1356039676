/**
 * One side of suites/relaxed-simd.ts's model lines, run in a child process the suite starts as
 * `node --experimental-wasm-relaxed-simd dist/relaxed-simd-child.js` with DESCENT_SIMD=plain or
 * relaxed (the public API loads one build per process) and DESCENT_THREADS=1. It times, in CPU
 * seconds of this process per call (median of `SAMPLES` batches, after a warm-up):
 *   - a conv2d layer's forward and backward through @descent/autograd (x [8, 32, 32, 32],
 *     w [64, 32, 3, 3], padding 1: im2col and three gemms of 64 x 288 x 1024 per image);
 *   - one training step (forward, backward, Adam) of @descent/mlp's 64-128-128-10 ReLU MLP on a
 *     digits batch of 256 rows.
 * and prints one JSON line: { build, fused, cases: { name: seconds } }. `fused` is the FMA probe
 * (relaxed-simd.test.ts's): whether the kernels really round a multiply-add once.
 */
import { conv2d, sum, tensor, tidy } from '@descent/autograd';
import { Adam } from '@descent/core';
import { fromArray, gemm, matrixFrom } from '@descent/kernels';
import { digits, mlp, softmaxCrossEntropy, standardize, trainTestSplit } from '@descent/mlp';
import { randomF32 } from './random.js';

const SAMPLES = 5;

/** CPU seconds per call: calls batched to >= 0.1 s, median of SAMPLES batches. */
function cpuTime(fn: () => unknown): number {
  const batch = (reps: number) => {
    const t0 = process.cpuUsage();
    for (let i = 0; i < reps; i++) fn();
    const { user, system } = process.cpuUsage(t0);
    return (user + system) / 1e6;
  };
  batch(2);
  let reps = 1;
  for (let dt = batch(reps); dt < 0.1; dt = batch(reps))
    reps *= dt > 0 ? Math.min(10, Math.ceil(0.1 / dt) + 1) : 10;
  const per: number[] = [];
  for (let s = 0; s < SAMPLES; s++) per.push(batch(reps) / reps);
  per.sort((a, b) => a - b);
  return per[per.length >> 1];
}

/** 2^-24 from a fused multiply-add, 0 from a rounded product then a sum (see relaxed-simd.test.ts). */
function fusedProbe(): boolean {
  const x = 1 + 2 ** -12;
  const a = new Float32Array(8);
  for (let i = 0; i < 4; i++) a.set([1 + 2 ** -11, x], 2 * i);
  const b = new Float32Array(16).fill(-1, 0, 8).fill(x, 8, 16);
  const C = matrixFrom(4, 8, new Float32Array(32));
  gemm(matrixFrom(4, 2, a), matrixFrom(2, 8, b), C);
  return C.data.toArray()[0] !== 0;
}

function convLayer(): number {
  const x = tensor(randomF32(8 * 32 * 32 * 32, 3), { shape: [8, 32, 32, 32] });
  const w = tensor(randomF32(64 * 32 * 3 * 3, 4), { shape: [64, 32, 3, 3], requiresGrad: true });
  const t = cpuTime(() =>
    tidy(() => {
      w.grad = null;
      sum(conv2d(x, w, null, { padding: 1 })).backward();
    }),
  );
  x.free();
  w.free();
  return t;
}

function mlpStep(rows: number): number {
  const { train, test } = trainTestSplit(digits(), { testFraction: 0.2, seed: 0 });
  const { train: tr } = standardize(train, test);
  const model = mlp({ sizes: [64, 128, 128, 10], activation: 'relu', seed: 0 });
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const x = matrixFrom(rows, 64, Float32Array.from(tr.x.subarray(0, rows * 64)));
  const y = fromArray(Float32Array.from(tr.y.subarray(0, rows)));
  const dOut = matrixFrom(rows, 10, new Float32Array(rows * 10));
  const t = cpuTime(() => {
    model.zeroGrad();
    softmaxCrossEntropy.compute(model.forward(x), y, dOut);
    model.backward(dOut);
    opt.step();
  });
  model.free();
  x.data.free();
  y.free();
  dOut.data.free();
  return t;
}

const cases: Record<string, number> = {
  'conv2d 32->64 3x3 on [8, 32, 32, 32], forward + backward': convLayer(),
  'MLP 64-128-128-10 step, batch 256 (Adam)': mlpStep(256),
};
console.log(JSON.stringify({ build: process.env.DESCENT_SIMD, fused: fusedProbe(), cases }));
