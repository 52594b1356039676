/**
 * A small convolutional network written with autograd's ops, trained with a core optimizer on the
 * bundled digits (8x8 images, 1,797 samples, 10 classes):
 *
 *   x [B, 1, 8, 8] → conv2d 3x3, 8 channels, padding 1 → relu → maxPool2d 2 → [B, 8, 4, 4]
 *     → flatten [B, 128] → dense 128 → 10 → crossEntropy with the labels
 *
 * 1,370 parameters in f32, Adam (lr 1e-2), batches of 32. The data is read from @descent/mlp's
 * CSV (autograd does not depend on mlp). Source: E. Alpaydin and C. Kaynak, "Optical Recognition of
 * Handwritten Digits", UCI Machine Learning Repository, 1998. License: CC BY 4.0.
 */
import { readFileSync } from 'node:fs';
import { Adam, type Param, param } from '@descent/core';
import { describe, expect, it } from 'vitest';
import {
  conv2d,
  crossEntropy,
  flatten,
  fromParam,
  maxPool2d,
  noGrad,
  relu,
  type Tensor,
  tensor,
  tidy,
} from './index.js';

const csv = readFileSync(new URL('../../mlp/data/digits.csv', import.meta.url), 'utf8');
const rows = csv
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',').map(Number));
const PIXELS = 64;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(n: number, random: () => number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}

/** Images scaled to [0, 1] as [n, 1, 8, 8] values, and their labels. */
function batchOf(indices: readonly number[]): { x: Float32Array; y: number[] } {
  const x = new Float32Array(indices.length * PIXELS);
  const y: number[] = [];
  indices.forEach((r, i) => {
    const row = rows[r];
    for (let p = 0; p < PIXELS; p++) x[i * PIXELS + p] = row[p] / 16;
    y.push(row[PIXELS]);
  });
  return { x, y };
}

/** Uniform(−√(6/fanIn), √(6/fanIn)) (He), as a core parameter. */
function heParam(shape: number[], fanIn: number, random: () => number, name: string): Param<'f32'> {
  const n = shape.reduce((a, b) => a * b, 1);
  const bound = Math.sqrt(6 / fanIn);
  const v = Float32Array.from({ length: n }, () => (2 * random() - 1) * bound);
  return param(v, { name, shape });
}

describe('a CNN on the bundled digits', () => {
  it('reads 1,797 images of 64 pixels with labels 0..9', () => {
    expect(rows).toHaveLength(1797);
    expect(rows.every((r) => r.length === PIXELS + 1)).toBe(true);
    expect(new Set(rows.map((r) => r[PIXELS])).size).toBe(10);
  });

  it('trains conv2d + relu + maxPool2d + dense with Adam to > 95% test accuracy in 4 epochs', () => {
    const random = mulberry32(2024);
    const order = shuffled(rows.length, random);
    const testIdx = order.slice(0, 360);
    const trainIdx = order.slice(360);

    const convW = heParam([8, 1, 3, 3], 9, random, 'conv.weight');
    const convB = param(new Float32Array(8), { name: 'conv.bias' });
    const denseW = heParam([128, 10], 128, random, 'dense.weight');
    const denseB = param(new Float32Array(10), { name: 'dense.bias' });
    const params = [convW, convB, denseW, denseB];
    const [cw, cb, dw, db] = params.map((p) => fromParam(p));

    const model = (x: Tensor): Tensor => {
      const h = maxPool2d(relu(conv2d(x, cw, cb, { padding: 1 })), 2); // [B, 8, 4, 4]
      return flatten(h, 1).matmul(dw).add(db); // [B, 10]
    };
    const accuracy = (indices: number[]): number =>
      tidy(() =>
        noGrad(() => {
          const { x, y } = batchOf(indices);
          const logits = model(tensor(x, { shape: [indices.length, 1, 8, 8] })).data;
          let right = 0;
          for (let i = 0; i < y.length; i++) {
            let best = 0;
            for (let c = 1; c < 10; c++) if (logits[i * 10 + c] > logits[i * 10 + best]) best = c;
            if (best === y[i]) right++;
          }
          return right / y.length;
        }),
      );

    const before = accuracy(testIdx);
    const opt = new Adam(params, { lr: 1e-2 });
    const epochLoss: number[] = [];
    const start = performance.now();
    for (let epoch = 0; epoch < 4; epoch++) {
      const perm = shuffled(trainIdx.length, random);
      let total = 0;
      let batches = 0;
      for (let at = 0; at < perm.length; at += 32) {
        const idx = perm.slice(at, at + 32).map((k) => trainIdx[k]);
        total += tidy(() => {
          const { x, y } = batchOf(idx);
          const loss = crossEntropy(model(tensor(x, { shape: [idx.length, 1, 8, 8] })), y);
          opt.zeroGrad();
          loss.backward();
          opt.step();
          return loss.item();
        });
        batches++;
      }
      epochLoss.push(total / batches);
    }
    const seconds = (performance.now() - start) / 1000;
    const after = accuracy(testIdx);

    expect(before).toBeLessThan(0.3); // an untrained net is near chance (10%)
    expect(epochLoss[3]).toBeLessThan(epochLoss[0]);
    expect(after).toBeGreaterThan(0.95);
    expect(seconds).toBeLessThan(15);
    for (const p of params) p.free();
  });
});
