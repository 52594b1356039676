/**
 * Step throughput of the other optimizers, f32, at 1e4, 1e5, 1e6 and 4e6 parameters (one
 * parameter tensor, a fixed gradient):
 *   Adagrad, RMSprop (centered, momentum 0.9) and Adadelta: descent's class step() on the fused
 *   kernel (ours; includes the non-finite gradient check) vs descent's TS reference path
 *   (impl: 'reference') and TF.js `tf.train.adagrad` / `rmsprop` / `adadelta` applyGradients on a
 *   tf.variable, wasm backend (one thread) and cpu backend. Each TF.js call ends with dataSync() of
 *   a one-element slice of the variable, so the update has really run.
 *   Lion, Rprop, ASGD (no TF.js peer): fused vs reference path.
 *   Adafactor on 1000 x 1000 and 2000 x 2000 (three passes) and Muon (Newton-Schulz through gemm)
 *   on 128 x 512 and 256 x 256: fused vs the reference path (plain loops; few samples, it is slow).
 * And at 1e4: Adagrad's step() against the bare kernel call (overhead of the class).
 * No targets were set for these optimizers; the ratios are reported.
 */
import {
  Adadelta,
  Adafactor,
  Adagrad,
  ASGD,
  Lion,
  Muon,
  type Optimizer,
  param,
  RMSprop,
  Rprop,
} from '@descent/core';
import { fusedAdagradStep, type WasmArray } from '@descent/kernels';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { report, type Timing, time } from '../harness.js';
import { useTf } from '../peers.js';
import { randomF32 } from '../random.js';

const SIZES = [1e4, 1e5, 1e6, 4e6];

type Kind = 'adagrad' | 'rmsprop' | 'adadelta';

const TF_NAMES: Record<Kind, string> = {
  adagrad: 'train.adagrad',
  rmsprop: 'train.rmsprop',
  adadelta: 'train.adadelta',
};

async function tfTimings(kind: Kind, n: number, x0: Float32Array, g0: Float32Array): Promise<Timing[]> {
  const out: Timing[] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    const tf = await useTf(backend);
    const v: Variable = tf.variable(tf.tensor1d(x0));
    const g: Tensor = tf.tensor1d(g0);
    const opt =
      kind === 'adagrad'
        ? tf.train.adagrad(1e-2, 0.1)
        : kind === 'rmsprop'
          ? tf.train.rmsprop(1e-2, 0.99, 0.9, 1e-8, true)
          : tf.train.adadelta(1, 0.9, 1e-6);
    const grads = { [v.name]: g };
    const step = () => {
      opt.applyGradients(grads as never);
      const probe = tf.slice(v, [0], [1]);
      probe.dataSync();
      probe.dispose();
    };
    const slow = backend === 'cpu' && n >= 1e6 ? { samples: 3, warmup: 1, minBatch: 0 } : {};
    out.push(await time(`tfjs-${backend} ${TF_NAMES[kind]}`, step, slow));
    opt.dispose();
    v.dispose();
    g.dispose();
  }
  return out;
}

const MAKERS = {
  Adagrad: (p: never, impl: 'fused' | 'reference') =>
    new Adagrad(p, { lr: 1e-2, initialAccumulatorValue: 0.1, impl }),
  RMSprop: (p: never, impl: 'fused' | 'reference') =>
    new RMSprop(p, { lr: 1e-2, centered: true, momentum: 0.9, impl }),
  Adadelta: (p: never, impl: 'fused' | 'reference') => new Adadelta(p, { impl }),
  Lion: (p: never, impl: 'fused' | 'reference') => new Lion(p, { lr: 1e-4, weightDecay: 0.1, impl }),
  Rprop: (p: never, impl: 'fused' | 'reference') => new Rprop(p, { impl }),
  ASGD: (p: never, impl: 'fused' | 'reference') => new ASGD(p, { t0: 0, impl }),
} as const;

type Name = keyof typeof MAKERS;

/** Times step() of optimizer `name` over a fresh parameter with `impl`; frees everything after. */
async function timeStep(name: Name, impl: 'fused' | 'reference', x0: Float32Array, g0: Float32Array) {
  const p = param(x0.slice());
  p.grad.set(g0);
  const opt: Optimizer<{ lr: number }> = MAKERS[name]([p] as never, impl);
  const slow = impl === 'reference' && x0.length >= 4e6 ? { samples: 3 } : {};
  // A constant gradient drives centered RMSprop's v − ḡ² to rounding noise (NaN once negative, as
  // in torch); atomic steps now refuse that instead of writing NaN, so every 1,000 steps the run
  // starts again from x0 (amortized: < 0.5% of the time measured).
  let k = 0;
  const t = await time(
    `descent ${name} ${impl === 'fused' ? 'step() (fused)' : '(reference path)'}`,
    () => {
      if (++k % 1000 === 0) {
        p.data.set(x0);
        opt.resetState();
      }
      opt.step();
    },
    slow,
  );
  opt.resetState();
  p.free();
  return t;
}

async function elementwiseCase(name: Name, n: number): Promise<void> {
  const x0 = randomF32(n, 1);
  const g0 = randomF32(n, 2);
  const ours = await timeStep(name, 'fused', x0, g0);
  const peers = [await timeStep(name, 'reference', x0, g0)];
  const kind = name.toLowerCase() as Kind;
  if (kind in TF_NAMES) peers.push(...(await tfTimings(kind, n, x0, g0)));
  report(`${name} step, n = ${n}`, ours, peers);
}

async function adagradOverhead(): Promise<void> {
  const n = 1e4;
  const p = param(randomF32(n, 5));
  p.grad.set(randomF32(n, 6));
  const opt = new Adagrad([p], { lr: 1e-2 });
  opt.step();
  const sum = opt.state.get(p)!.sum as WasmArray;
  const scalars = { clr: 1e-2, eps: 1e-10, weightDecay: 0, maximize: false };
  let stepBest: Timing | undefined;
  let bare: Timing | undefined;
  for (let round = 0; round < 3; round++) {
    const a = await time('descent Adagrad.step() (fused)', () => opt.step(), { samples: 15 });
    const b = await time(
      'bare kernel call (fusedAdagradStep)',
      () => fusedAdagradStep(p.value, p.gradient, sum, scalars),
      {
        samples: 15,
      },
    );
    if (!stepBest || a.seconds < stepBest.seconds) stepBest = a;
    if (!bare || b.seconds < bare.seconds) bare = b;
  }
  report(`Adagrad class step() overhead, n = ${n} (ratio = kernel / step())`, stepBest!, [bare!]);
  opt.resetState();
  p.free();
}

async function matrixCase(name: 'Adafactor' | 'Muon', rows: number, cols: number): Promise<void> {
  const n = rows * cols;
  const x0 = randomF32(n, 7);
  const g0 = randomF32(n, 8);
  const timings: Timing[] = [];
  for (const impl of ['fused', 'reference'] as const) {
    const p = param(x0.slice(), { shape: [rows, cols] });
    p.grad.set(g0);
    const opt: Optimizer<{ lr: number }> =
      name === 'Adafactor' ? new Adafactor([p], { impl }) : new Muon([p], { lr: 0.02, impl });
    const big = impl === 'reference';
    timings.push(
      await time(
        `descent ${name} ${impl === 'fused' ? 'step() (fused)' : '(reference path)'}`,
        () => opt.step(),
        {
          samples: big ? 3 : 7,
          warmup: big ? 1 : 3,
          minBatch: big ? 0 : 0.05,
        },
      ),
    );
    opt.resetState();
    p.free();
  }
  report(`${name} step, ${rows} x ${cols}`, timings[0], [timings[1]]);
}

export async function run(): Promise<void> {
  for (const name of Object.keys(MAKERS) as Name[]) for (const n of SIZES) await elementwiseCase(name, n);
  await adagradOverhead();
  await matrixCase('Adafactor', 1000, 1000);
  await matrixCase('Adafactor', 2000, 2000);
  await matrixCase('Muon', 128, 512);
  await matrixCase('Muon', 256, 256);
}
