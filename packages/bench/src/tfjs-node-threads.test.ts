import { describe, expect, it } from 'vitest';
import { randomF32 } from './random.js';
import { loadTfjsWasmThreaded, tfjsReportsThreads } from './tfjs-node-threads.js';

describe('TF.js-wasm on its own threads under Node', () => {
  it('as shipped, TF.js says wasm threads are unsupported under Node (so it loads the one-thread build)', async () => {
    expect(await tfjsReportsThreads()).toBe(false);
  });

  it('rejects a thread count that is not a positive integer, before loading anything', async () => {
    await expect(loadTfjsWasmThreaded(0)).rejects.toThrow(/Invalid threads: 0/);
    await expect(loadTfjsWasmThreaded(2, 1.5)).rejects.toThrow(/Invalid logicalCores: 1.5/);
  });

  it('through file workers, the threaded build runs on 2 threads and its product equals a naive f64 one', async () => {
    const { tf, threads } = await loadTfjsWasmThreaded(2, 4);
    expect(threads).toBe(2);
    const [m, k, n] = [96, 80, 112];
    const a = randomF32(m * k, 1);
    const b = randomF32(k * n, 2);
    const c = tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])).dataSync();
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let ref = 0;
        for (let p = 0; p < k; p++) ref += a[i * k + p] * b[p * n + j];
        expect(Math.abs(c[i * n + j] - ref)).toBeLessThan(1e-5 * k);
      }
  });
});
