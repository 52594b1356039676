/**
 * Autograd on the kernels' worker pool: a training loop written with tensors gives the same bits on
 * 1 and 2 threads. Its products are large enough to be split (X W1 at batch 256: 256·128·256
 * multiply-adds, and its gradients; a batched matmul of 8 products 64³), and each element is
 * computed by one thread in the single-threaded order, so the 1-thread run (the path every other
 * test runs) is the reference.
 */
import { Adam, type Param, param } from '@descent/core';
import { backendInfo, setThreads } from '@descent/kernels';
import { afterAll, describe, expect, it } from 'vitest';
import * as ag from './index.js';

/** Uniform values in [-scale, scale) from a fixed linear congruential sequence. */
function values(n: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = scale * (2 * (s / 2 ** 32) - 1);
  }
  return out;
}

const B = 256;
const IN = 128;
const H = 256;
const K = 10;

/** Five Adam steps of a two-layer MLP plus a batched-matmul term; the losses and every parameter's bits. */
function train(threads: number): { losses: number[]; bits: Uint32Array[]; workers: boolean } {
  setThreads(threads);
  const params: Param[] = [
    param(values(IN * H, 1, 0.09), { name: 'W1', shape: [IN, H] }),
    param(new Float32Array(H), { name: 'b1', shape: [H] }),
    param(values(H * K, 2, 0.06), { name: 'W2', shape: [H, K] }),
    param(values(8 * 64 * 64, 3, 0.1), { name: 'Q', shape: [8, 64, 64] }),
  ];
  const [W1, b1, W2, Q] = params.map((p) => ag.fromParam(p));
  const X = ag.keep(ag.tensor(values(B * IN, 4, 1), { shape: [B, IN] }));
  const P = ag.keep(ag.tensor(values(8 * 64 * 64, 5, 1), { shape: [8, 64, 64] }));
  const labels = ag.keep(ag.tensor(Float32Array.from({ length: B }, (_, i) => (i * 7) % K)));
  const opt = new Adam(params, { lr: 1e-3 });
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) {
    opt.zeroGrad();
    losses.push(
      ag.tidy(() => {
        const logits = X.matmul(W1).add(b1).relu().matmul(W2);
        const loss = ag.crossEntropy(logits, labels).add(P.matmul(Q).square().mean().mul(1e-3));
        loss.backward();
        return loss.item();
      }),
    );
    opt.step();
  }
  const bits = params.map((p) => new Uint32Array(Float32Array.from(p.value.toArray()).buffer));
  const workers = backendInfo().workersRunning;
  for (const t of [X, P, labels, W1, b1, W2, Q]) t.free();
  for (const p of params) p.free();
  return { losses, bits, workers };
}

afterAll(() => setThreads(1));

describe('autograd on 1 and 2 threads', () => {
  it('gives the same losses and parameters bit for bit', () => {
    const one = train(1);
    const two = train(2);
    expect(two.workers).toBe(true);
    expect(two.losses).toEqual(one.losses);
    two.bits.forEach((b, i) => {
      let differing = 0;
      for (let j = 0; j < b.length; j++) if (b[j] !== one.bits[i][j]) differing++;
      expect(differing, `parameter ${i}`).toBe(0);
    });
    expect(one.losses[4]).toBeLessThan(one.losses[0]); // and it trained
  });
});
