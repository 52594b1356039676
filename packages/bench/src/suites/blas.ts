/**
 * Level-1 and level-2 BLAS (f32) against a plain JS loop and TF.js on its wasm backend (one
 * thread; each TF.js call ends with `dataSync()` so the work is really done):
 *   dot, axpy (y += a x), nrm2, allFinite at 1e6 elements; gemv (y = A x and y = Aᵀ x) at 512 x 512.
 * These are memory-bound: the interesting ratio is against the JS loop (SIMD, no bounds checks)
 * and against TF.js's per-op cost. No targets are set for them.
 */
import { allFinite, axpy, dot, fromArray, gemv, nrm2, type WasmMatrix } from '@descent/kernels';
import type { Tensor } from '@tensorflow/tfjs-core';
import { report, time } from '../harness.js';
import { useTf } from '../peers.js';
import { randomF32 } from '../random.js';

/** Waits for a TF.js result (so the work is done), then frees it. */
function settle(t: Tensor): void {
  t.dataSync();
  t.dispose();
}

async function level1(n: number): Promise<void> {
  const x = randomF32(n, 1);
  const y = randomF32(n, 2);
  const wx = fromArray(x);
  const wy = fromArray(y);
  const tf = await useTf('wasm');
  const tx = tf.tensor1d(x);
  const ty = tf.tensor1d(y);

  report(`dot, n = ${n}`, await time('descent dot', () => dot(wx, wy)), [
    await time('JS loop', () => {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i] * y[i];
      return s;
    }),
    await time('tfjs-wasm dot', () => settle(tf.tidy(() => tf.dot(tx, ty)))),
  ]);

  const yj = y.slice();
  report(`axpy y += a x, n = ${n}`, await time('descent axpy', () => axpy(0.5, wx, wy)), [
    await time('JS loop', () => {
      for (let i = 0; i < n; i++) yj[i] += 0.5 * x[i];
    }),
    await time('tfjs-wasm add(mul)', () => settle(tf.tidy(() => tf.add(ty, tf.mul(tx, 0.5))))),
  ]);

  report(`nrm2, n = ${n}`, await time('descent nrm2 (overflow-safe)', () => nrm2(wx)), [
    await time('JS loop (unscaled)', () => {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i] * x[i];
      return Math.sqrt(s);
    }),
    await time('tfjs-wasm norm', () => settle(tf.tidy(() => tf.norm(tx)))),
  ]);

  report(`allFinite, n = ${n}`, await time('descent allFinite', () => allFinite(wx)), [
    await time('JS loop', () => {
      for (let i = 0; i < n; i++) if (!Number.isFinite(x[i])) return false;
      return true;
    }),
    await time('tfjs-wasm all(isFinite)', () => settle(tf.tidy(() => tf.all(tf.isFinite(tx))))),
  ]);
  tx.dispose();
  ty.dispose();
  wx.free();
  wy.free();
}

async function level2(m: number, n: number): Promise<void> {
  const a = randomF32(m * n, 3);
  const x = randomF32(n, 4);
  const xt = randomF32(m, 5);
  const A: WasmMatrix = { rows: m, cols: n, data: fromArray(a) };
  const wx = fromArray(x);
  const wxt = fromArray(xt);
  const wy = fromArray(new Float32Array(m));
  const wyt = fromArray(new Float32Array(n));
  const tf = await useTf('wasm');
  const tA = tf.tensor2d(a, [m, n]);
  const tx = tf.tensor2d(x, [n, 1]);
  const txt = tf.tensor2d(xt, [m, 1]);
  const y = new Float32Array(m);
  const yt = new Float32Array(n);

  report(`gemv y = A x, A ${m}x${n}`, await time('descent gemv', () => gemv(A, wx, wy)), [
    await time('JS loop', () => {
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
        y[i] = s;
      }
    }),
    await time('tfjs-wasm matMul', () => settle(tf.tidy(() => tf.matMul(tA, tx)))),
  ]);
  report(
    `gemv y = Aᵀ x, A ${m}x${n}`,
    await time('descent gemv (trans)', () => gemv(A, wxt, wyt, { trans: true })),
    [
      await time('JS loop', () => {
        yt.fill(0);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) yt[j] += a[i * n + j] * xt[i];
      }),
      await time('tfjs-wasm matMul', () => settle(tf.tidy(() => tf.matMul(tA, txt, true, false)))),
    ],
  );
  tA.dispose();
  tx.dispose();
  txt.dispose();
  for (const w of [A.data, wx, wxt, wy, wyt]) w.free();
}

export async function run(): Promise<void> {
  await level1(1_000_000);
  await level2(512, 512);
}
