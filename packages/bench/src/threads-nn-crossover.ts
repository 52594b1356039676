/**
 * The crossover scan of the threads-nn suite (suites/threads-nn.ts; THREADS_NN_CROSSOVER=0 skips
 * it, =only runs only it, =cold only its cold part): the 2-thread speed-up of every NN family at
 * sizes around each constant of kernels' threads/nn-parts.ts, back to back, then with the worker
 * asleep before each call.
 */
import {
  batchNormBackward,
  batchNormForward,
  bceWithLogits,
  type Conv2dGeometry,
  col2im,
  columnSums,
  conv2dOutputSize,
  fromArray,
  gelu,
  im2col,
  indexSelect,
  matrix,
  maxPool2d,
  type Pool2dGeometry,
  relu,
  softmax,
} from '@descent/kernels';
// The NN crossovers (not part of the package's API; the same module instance as the package's).
import { setNnCrossovers } from '../../kernels/dist/threads/nn-parts.js';
import { medianAfterIdle } from './cold-timing.js';
import { randomF32 } from './random.js';
import { f32, mat, oneVsTwo, useThreads } from './threads-nn-timing.js';

/**
 * A 2x2 max pool (stride 2, no padding) over N 28x28 planes: its geometry, seeded input x
 * (N * 784) and the outputs o and argmax a (N * 196 each, 14x14 planes).
 */
function maxPool2x2Case(N: number, seed: number) {
  const g: Pool2dGeometry = {
    N,
    H: 28,
    W: 28,
    kH: 2,
    kW: 2,
    strideH: 2,
    strideW: 2,
    padH: 0,
    padW: 0,
    dilH: 1,
    dilW: 1,
  };
  return { g, x: f32(N * 784, seed), o: f32(N * 196, 0), a: f32(N * 196, 0) };
}

/** A 3x3 'same' convolution (stride 1, padding 1) of C channels of 28x28: output 28x28. */
function conv3x3Same28(C: number): Conv2dGeometry {
  return { C, H: 28, W: 28, kH: 3, kW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1, dilH: 1, dilW: 1 };
}

/** One line of the crossover scan: `f` at `size` on 1 and 2 threads, everything threaded. */
async function scanLine(family: string, size: string, f: () => unknown): Promise<void> {
  const t = await oneVsTwo(family, f, { samples: 7, warmup: 3, minBatch: 0.01 });
  console.log(
    `  ${family.padEnd(22)} ${size.padStart(18)}: 1 thread ${(t.one.seconds * 1e6).toFixed(1).padStart(8)} us, 2 threads ${(t.two.seconds * 1e6).toFixed(1).padStart(8)} us, ${t.ratio.toFixed(2)}x (fastest rounds ${t.best.toFixed(2)}x)`,
  );
}

/** The 2-thread speed-up of each family around its crossover (the pool used at every size). */
export async function crossovers(): Promise<void> {
  const before = setNnCrossovers({
    cheap: 0,
    transcendental: 0,
    rows: 0,
    columns: 0,
    pool: 0,
    conv: 0,
    gather: 0,
    bce: 0,
  });
  console.log(
    `\ncrossover scan (everything threaded while measuring; the kernels use: ${Object.entries(before)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
  );
  try {
    if (process.env.THREADS_NN_CROSSOVER === 'cold') {
      await coldCrossovers();
      return;
    }
    for (const lg of [12, 13, 14, 15, 16, 17, 18, 19]) {
      const n = 1 << lg;
      const x = f32(n, 12);
      const y = f32(n, 13);
      await scanLine('relu (cheap)', `n = 2^${lg}`, () => relu(x, y));
      await scanLine('gelu (transcendental)', `n = 2^${lg}`, () => gelu(x, y));
      await scanLine('bceWithLogits (bce)', `n = 2^${lg}`, () => bceWithLogits(x, x, y));
      x.free();
      y.free();
    }
    for (const lg of [12, 13, 14, 15, 16, 17, 18]) {
      const R = (1 << lg) / 128;
      const X = mat(R, 128, 14);
      const Y = matrix('f32', R, 128);
      await scanLine('softmax (rows)', `${R} x 128 = 2^${lg}`, () => softmax(X, Y));
      X.data.free();
      Y.data.free();
    }
    for (const lg of [14, 15, 16, 17, 18, 19]) {
      const R = (1 << lg) / 256;
      const X = mat(R, 256, 15);
      const s = f32(256, 0);
      const saved = { mean: f32(256, 0), invStd: f32(256, 0), xhat: matrix('f32', R, 256) };
      const [rm, rv] = [f32(256, 0), f32(256, 0)];
      rv.data.fill(1);
      await scanLine('columnSums (columns)', `${R} x 256 = 2^${lg}`, () => columnSums(X, s));
      await scanLine('batch norm fwd (cols)', `${R} x 256 = 2^${lg}`, () =>
        batchNormForward(X, X, saved, { training: true, runningMean: rm, runningVar: rv }),
      );
      await scanLine('batch norm bwd (cols)', `${R} x 256 = 2^${lg}`, () =>
        batchNormBackward(X, X, saved, { training: true }),
      );
      for (const a of [X.data, s, saved.mean, saved.invStd, saved.xhat.data, rm, rv]) a.free();
    }
    for (const lg of [14, 15, 16, 17, 18, 19]) {
      const m = (1 << lg) / 64;
      const table = f32(1000 * 64, 18);
      const idx = fromArray(Float32Array.from(randomF32(m, 19), (v) => Math.floor((v + 1) * 500)));
      const out = f32(m * 64, 0);
      await scanLine('indexSelect (rows)', `${m} x 64 = 2^${lg}`, () =>
        indexSelect(table, 1, 1000, 64, idx, out),
      );
      for (const a of [table, idx, out]) a.free();
    }
    for (const N of [4, 8, 16, 32, 64, 128]) {
      const { g, x, o, a } = maxPool2x2Case(N, 16);
      await scanLine('maxPool2d 2x2 (planes)', `${N} x 28x28, 2^${Math.log2(N * 196 * 4).toFixed(1)}`, () =>
        maxPool2d(x, g, o, a),
      );
      for (const t of [x, o, a]) t.free();
    }
    for (const C of [2, 4, 8, 16, 32, 64]) {
      const g = conv3x3Same28(C);
      const { Hout, Wout } = conv2dOutputSize(g);
      const n = C * 9 * Hout * Wout;
      const x = f32(C * 784, 17);
      const cols = f32(n, 0);
      await scanLine('im2col (channels)', `C ${C}: 2^${Math.log2(n).toFixed(1)}`, () =>
        im2col(x, 0, g, cols),
      );
      await scanLine('col2im (channels)', `C ${C}: 2^${Math.log2(n).toFixed(1)}`, () =>
        col2im(cols, g, x, 0),
      );
      x.free();
      cols.free();
    }
    await coldCrossovers();
  } finally {
    setNnCrossovers(before);
  }
}

/**
 * The speed-up when each call follows 500 us of other work, so that the worker has gone to sleep
 * in Atomics.wait and the job must wake it (~20-30 us): the cold end of what a training loop sees
 * (threads.ts measures gemm and Adam the same way). Median of 200 calls, each side twice, keeping
 * the faster.
 */
export async function coldCrossovers(): Promise<void> {
  console.log('\n  after 500 us of other work (the worker asleep):');
  const side = async (threads: number, f: () => unknown): Promise<number> => {
    await useThreads(threads);
    return medianAfterIdle(f);
  };
  const line = async (label: string, f: () => unknown) => {
    const one = Math.min(await side(1, f), await side(1, f));
    const two = Math.min(await side(2, f), await side(2, f));
    console.log(
      `  ${label.padEnd(41)}: 1 thread ${(one * 1e6).toFixed(1).padStart(8)} us, 2 threads ${(two * 1e6).toFixed(1).padStart(8)} us, ${(one / two).toFixed(2)}x`,
    );
  };
  for (const lg of [12, 13, 14]) {
    const x = f32(1 << lg, 20);
    const y = f32(1 << lg, 0);
    await line(`gelu n = 2^${lg}`, () => gelu(x, y));
    await line(`bceWithLogits n = 2^${lg}`, () => bceWithLogits(x, x, y));
    const X = { rows: (1 << lg) / 128, cols: 128, data: x };
    const Y = { rows: (1 << lg) / 128, cols: 128, data: y };
    await line(`softmax ${(1 << lg) / 128} x 128 = 2^${lg}`, () => softmax(X, Y));
    x.free();
    y.free();
  }
  for (const lg of [16, 17, 18]) {
    const x = f32(1 << lg, 21);
    const y = f32(1 << lg, 0);
    await line(`relu n = 2^${lg}`, () => relu(x, y));
    x.free();
    y.free();
  }
  for (const N of [16, 32, 64]) {
    const { g, x, o, a } = maxPool2x2Case(N, 22);
    await line(`maxPool2d 2x2 ${N} x 28x28 (2^${Math.log2(N * 784).toFixed(1)})`, () =>
      maxPool2d(x, g, o, a),
    );
    for (const t of [x, o, a]) t.free();
  }
  for (const C of [4, 8, 16]) {
    const g = conv3x3Same28(C);
    const n = C * 9 * 784;
    const x = f32(C * 784, 23);
    const cols = f32(n, 0);
    await line(`im2col C ${C} (2^${Math.log2(n).toFixed(1)})`, () => im2col(x, 0, g, cols));
    x.free();
    cols.free();
  }
}
