/**
 * The MLP's element-wise hot path (f32), forward + backward per call, on one mini-batch:
 *   - ReLU and GELU (exact erf form and tanh form) on a 32 x 128 hidden layer: y = f(x) and
 *     dx = dy ⊙ f'(x);
 *   - fused softmax + cross-entropy on 32 x 10 logits: the mean loss and dLogits.
 * Peers, side by side in one run:
 *   - TF.js on its wasm backend (one thread): the op (tf.relu; GELU composed from tf.erf / tf.tanh
 *     as tfjs-layers does; tf.losses.softmaxCrossEntropy) under `tf.valueAndGrad`, so the value
 *     and the gradient both come out, then `dataSync()` so the work is really done; for ReLU and
 *     cross-entropy also the same maths as plain ops without the gradient tape (TF.js's floor);
 *   - a plain JS loop over Float32Arrays (GELU's erf by Abramowitz–Stegun 7.1.26, the 1.5e-7
 *     approximation TF.js's erf uses, since JS has no Math.erf).
 * No targets: the ratios are reported.
 */
import {
  fromArray,
  gelu,
  geluBackward,
  matrixFrom,
  relu,
  reluBackward,
  softmaxCrossEntropy,
} from '@descent/kernels';
import type { Tensor } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers TF.js's gradient table, which tf.valueAndGrad needs
import { report, time } from '../harness.js';
import { useTf } from '../peers.js';

function randomF32(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = scale * (s / 2 ** 31 - 1);
  }
  return out;
}

function settle(ts: Tensor[]): void {
  for (const t of ts) {
    t.dataSync();
    t.dispose();
  }
}

/** erf by Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7). */
function jsErf(x: number): number {
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const p = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const e = 1 - p * Math.exp(-a * a);
  return x < 0 ? -e : e;
}

const C = Math.sqrt(2 / Math.PI);

async function activations(rows: number, cols: number): Promise<void> {
  const n = rows * cols;
  const x = randomF32(n, 1, 3);
  const dy = randomF32(n, 2);
  const wx = fromArray(x);
  const wdy = fromArray(dy);
  const wy = fromArray(new Float32Array(n));
  const wdx = fromArray(new Float32Array(n));
  const y = new Float32Array(n);
  const dx = new Float32Array(n);
  const tf = await useTf('wasm');
  const tx = tf.tensor2d(x, [rows, cols]);
  const tdy = tf.tensor2d(dy, [rows, cols]);
  const shape = `${rows}x${cols}`;

  const tfCase = async (name: string, f: (t: Tensor) => Tensor) => {
    const vg = tf.valueAndGrad(f);
    return time(name, () => {
      const { value, grad } = vg(tx, tdy);
      settle([value, grad]);
    });
  };

  report(
    `ReLU forward + backward, ${shape}`,
    await time('descent relu + reluBackward', () => {
      relu(wx, wy);
      reluBackward(wx, wdy, wdx);
    }),
    [
      await time('JS loop', () => {
        for (let i = 0; i < n; i++) y[i] = Math.max(x[i], 0);
        for (let i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
      }),
      await tfCase('tfjs-wasm relu (valueAndGrad)', (t) => tf.relu(t)),
      await time('tfjs-wasm relu, dy·step(x) (no tape)', () =>
        settle(tf.tidy(() => [tf.relu(tx), tf.mul(tdy, tf.step(tx))])),
      ),
    ],
  );

  report(
    `GELU exact (erf) forward + backward, ${shape}`,
    await time('descent gelu + geluBackward', () => {
      gelu(wx, wy);
      geluBackward(wx, wdy, wdx);
    }),
    [
      await time('JS loop (A&S erf)', () => {
        for (let i = 0; i < n; i++) y[i] = 0.5 * x[i] * (1 + jsErf(x[i] * Math.SQRT1_2));
        for (let i = 0; i < n; i++) {
          const v = x[i];
          const pdf = Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
          dx[i] = dy[i] * (0.5 * (1 + jsErf(v * Math.SQRT1_2)) + v * pdf);
        }
      }),
      await tfCase('tfjs-wasm x·(1+erf(x/√2))/2 (valueAndGrad)', (t) =>
        tf.mul(tf.mul(t, 0.5), tf.add(1, tf.erf(tf.mul(t, Math.SQRT1_2)))),
      ),
    ],
  );

  report(
    `GELU tanh form forward + backward, ${shape}`,
    await time("descent gelu + geluBackward ('tanh')", () => {
      gelu(wx, wy, { approximate: 'tanh' });
      geluBackward(wx, wdy, wdx, { approximate: 'tanh' });
    }),
    [
      await time('JS loop (Math.tanh)', () => {
        for (let i = 0; i < n; i++) {
          const v = x[i];
          y[i] = 0.5 * v * (1 + Math.tanh(C * (v + 0.044715 * v * v * v)));
        }
        for (let i = 0; i < n; i++) {
          const v = x[i];
          const t = Math.tanh(C * (v + 0.044715 * v * v * v));
          dx[i] = dy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * C * (1 + 0.134145 * v * v));
        }
      }),
      await tfCase('tfjs-wasm x·(1+tanh u)/2 (valueAndGrad)', (t) => {
        const u = tf.mul(C, tf.add(t, tf.mul(0.044715, tf.pow(t, 3))));
        return tf.mul(tf.mul(t, 0.5), tf.add(1, tf.tanh(u)));
      }),
    ],
  );
  tx.dispose();
  tdy.dispose();
}

async function crossEntropy(rows: number, classes: number): Promise<void> {
  const n = rows * classes;
  const x = randomF32(n, 3, 4);
  const labels = Float32Array.from({ length: rows }, (_, i) => (i * 7) % classes);
  const logits = matrixFrom(rows, classes, x);
  const wl = fromArray(labels);
  const dLogits = matrixFrom(rows, classes, new Float32Array(n));
  const g = new Float32Array(n);
  const tf = await useTf('wasm');
  const tx = tf.tensor2d(x, [rows, classes]);
  const onehot = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), 'float32');
  const vg = tf.valueAndGrad((t: Tensor) => tf.losses.softmaxCrossEntropy(onehot, t));

  report(
    `softmax + cross-entropy, loss and dLogits, ${rows}x${classes}`,
    await time('descent softmaxCrossEntropy (fused)', () => softmaxCrossEntropy(logits, wl, dLogits)),
    [
      await time('JS loop', () => {
        let loss = 0;
        for (let r = 0; r < rows; r++) {
          const o = r * classes;
          let m = -Infinity;
          for (let j = 0; j < classes; j++) m = Math.max(m, x[o + j]);
          let s = 0;
          for (let j = 0; j < classes; j++) s += g[o + j] = Math.exp(x[o + j] - m);
          loss += m + Math.log(s) - x[o + labels[r]];
          for (let j = 0; j < classes; j++) g[o + j] /= s * rows;
          g[o + labels[r]] -= 1 / rows;
        }
        return loss / rows;
      }),
      await time('tfjs-wasm losses.softmaxCrossEntropy (valueAndGrad)', () => {
        const { value, grad } = vg(tx);
        settle([value, grad]);
      }),
      await time('tfjs-wasm logSoftmax, (softmax - onehot)/R (no tape)', () =>
        settle(
          tf.tidy(() => {
            const logp = tf.logSoftmax(tx);
            const loss = tf.neg(tf.mean(tf.sum(tf.mul(onehot, logp), 1)));
            return [loss, tf.div(tf.sub(tf.exp(logp), onehot), rows)];
          }),
        ),
      ),
    ],
  );
  tx.dispose();
  onehot.dispose();
}

export async function run(): Promise<void> {
  await activations(32, 128);
  await crossEntropy(32, 10);
}
