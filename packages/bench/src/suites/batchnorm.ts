/**
 * BatchNorm1d forward + backward in training mode (f32), per call, on one mini-batch [B, F]:
 * batch statistics, running-statistics update, y = γ x̂ + β; then dγ, dβ and dx.
 *   - ours: @descent/mlp's BatchNorm1d layer (two @descent/kernels calls per direction);
 *   - JS loop: the same maths over Float32Arrays with Float64Array per-feature sums (what the
 *     layer ran before it had kernels);
 *   - TF.js on its wasm backend (one thread): tf.moments + tf.batchNorm under tf.valueAndGrads
 *     (x, γ, β) (no running-statistics update), then `dataSync()` so the work is really done.
 * Targets: >= 5x over the JS loop (the reason the kernels exist), >= 2x over TF.js wasm.
 */
import { matrixFrom } from '@descent/kernels';
import { BatchNorm1d } from '@descent/mlp';
import type { Tensor } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers TF.js's gradient table, which tf.valueAndGrads needs
import { report, time } from '../harness.js';
import { useTf } from '../peers.js';

function randomF32(n: number, seed: number, scale = 1, offset = 0): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = offset + scale * (s / 2 ** 31 - 1);
  }
  return out;
}

/** The JS-loop peer: torch's BatchNorm1d training forward and backward, plain loops. */
function jsBatchNorm(B: number, F: number) {
  const [mean, sq, inv] = [new Float64Array(F), new Float64Array(F), new Float32Array(F)];
  const [rm, rv] = [new Float32Array(F), new Float32Array(F).fill(1)];
  const [gamma, beta, dg, db] = [
    new Float32Array(F).fill(1),
    new Float32Array(F),
    new Float32Array(F),
    new Float32Array(F),
  ];
  const [xh, y, dx] = [new Float32Array(B * F), new Float32Array(B * F), new Float32Array(B * F)];
  return (X: Float32Array, DY: Float32Array): void => {
    mean.fill(0);
    sq.fill(0);
    for (let i = 0; i < B; i++) for (let j = 0; j < F; j++) mean[j] += X[i * F + j];
    for (let j = 0; j < F; j++) mean[j] /= B;
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < F; j++) {
        const d = X[i * F + j] - mean[j];
        sq[j] += d * d;
      }
    }
    for (let j = 0; j < F; j++) {
      inv[j] = 1 / Math.sqrt(sq[j] / B + 1e-5);
      rm[j] = 0.9 * rm[j] + 0.1 * mean[j];
      rv[j] = 0.9 * rv[j] + 0.1 * (sq[j] / (B - 1));
    }
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < F; j++) {
        const k = i * F + j;
        xh[k] = (X[k] - mean[j]) * inv[j];
        y[k] = gamma[j] * xh[k] + beta[j];
      }
    }
    mean.fill(0); // now Σ dy
    sq.fill(0); // now Σ dy x̂
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < F; j++) {
        mean[j] += DY[i * F + j];
        sq[j] += DY[i * F + j] * xh[i * F + j];
      }
    }
    for (let j = 0; j < F; j++) {
      dg[j] += sq[j];
      db[j] += mean[j];
    }
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < F; j++) {
        const k = i * F + j;
        dx[k] = gamma[j] * inv[j] * (DY[k] - mean[j] / B - (xh[k] * sq[j]) / B);
      }
    }
  };
}

async function trainStep(B: number, F: number): Promise<void> {
  const x = randomF32(B * F, 1, 2, 0.5);
  const dy = randomF32(B * F, 2);
  const bn = new BatchNorm1d(F);
  const wx = matrixFrom(B, F, x);
  const wdy = matrixFrom(B, F, dy);
  const js = jsBatchNorm(B, F);
  const tf = await useTf('wasm');
  const tx = tf.tensor2d(x, [B, F]);
  const tdy = tf.tensor2d(dy, [B, F]);
  const tg = tf.ones([F]);
  const tb = tf.zeros([F]);
  const vg = tf.valueAndGrads((t: Tensor, g: Tensor, b: Tensor) => {
    const { mean, variance } = tf.moments(t, 0);
    return tf.batchNorm(t, mean, variance, b, g, 1e-5);
  });

  report(
    `BatchNorm1d training forward + backward, ${B}x${F} f32`,
    await time('descent BatchNorm1d (kernels)', () => {
      bn.forward(wx, true);
      bn.backward(wdy);
    }),
    [
      await time('JS loop', () => js(x, dy)),
      await time('tfjs-wasm moments + batchNorm (valueAndGrads)', () => {
        const { value, grads } = vg([tx, tg, tb], tdy);
        for (const t of [value, ...grads]) {
          t.dataSync();
          t.dispose();
        }
      }),
    ],
    [
      { peer: 'JS loop', atLeast: 5 },
      { peer: 'tfjs-wasm moments + batchNorm (valueAndGrads)', atLeast: 2 },
    ],
  );
  for (const t of [tx, tdy, tg, tb]) t.dispose();
  bn.free();
  wx.data.free();
  wdy.data.free();
}

export async function run(): Promise<void> {
  await trainStep(32, 128);
  await trainStep(256, 512);
}
