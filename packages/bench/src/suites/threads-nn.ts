/**
 * The NN primitives on the kernels' worker pool (issue 19, "batched NN primitives"): 2 threads
 * against 1 in the same run, wall clock, each case first checked to give the same bits:
 *   - conv2d forward + backward through @descent/autograd on a batch of 64 28x28 images
 *     (x [64, 16, 28, 28], w [32, 16, 3, 3], padding 1, then ReLU and 2x2 max pooling, the sum's
 *     backward): im2col / col2im per image split over channels, the products (gemm, already
 *     threaded), ReLU and the pooling; also with the NN crossovers raised out of reach, to show
 *     what the products alone gave;
 *   - softmax + cross-entropy (loss and dLogits) over 4096 x 1000 logits;
 *   - batch norm (training forward and backward, affine) over 4096 x 512;
 *   - the crossover scan of every family (THREADS_NN_CROSSOVER=0 skips it, =only runs only it,
 *     =cold only its cold part): the 2-thread speed-up at sizes around each constant of kernels'
 *     threads/nn-parts.ts, back to back, then with the worker asleep before each call.
 * Each side's median over ROUNDS rounds taken in turn (1 thread, then 2), the median of the
 * rounds' own ratios, and the ratio of each side's fastest round. The load average is printed: on 2
 * cores shared with other jobs a second thread competes with them and ratios fall toward (or below)
 * 1; the fastest rounds are those a neighbour left alone.
 */
import { availableParallelism, loadavg } from 'node:os';
import {
  maxPool2d as agMaxPool2d,
  relu as agRelu,
  conv2d,
  sum,
  type Tensor,
  tensor,
  tidy,
} from '@descent/autograd';
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
  setThreads,
  softmax,
  softmaxCrossEntropy,
  threadsReady,
  type WasmArray,
  type WasmMatrix,
} from '@descent/kernels';
// The NN crossovers (not part of the package's API; the same module instance as the package's).
import { setNnCrossovers } from '../../../kernels/dist/threads/nn-parts.js';
import { report, type Timing, time } from '../harness.js';
import { randomF32 } from '../random.js';

const ROUNDS = 5;
const THREADS = [1, 2] as const;

async function useThreads(n: number): Promise<void> {
  setThreads(n);
  await threadsReady();
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

/**
 * Each side's median over ROUNDS rounds in turn, the median of the rounds' own ratios, and the
 * ratio of each side's fastest round (`best`: on a machine shared with other jobs, the rounds a
 * neighbour did not take a core from).
 */
async function oneVsTwo(
  label: string,
  fn: () => unknown,
  opts = { samples: 5, warmup: 1, minBatch: 0.02 },
): Promise<{ one: Timing; two: Timing; ratio: number; best: number }> {
  const rounds: number[][] = THREADS.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, n] of THREADS.entries()) {
      await useThreads(n);
      rounds[i].push((await time(label, fn, opts)).seconds);
    }
  }
  const [one, two] = THREADS.map((n, i) => ({
    name: `${label}, ${n} thread${n > 1 ? 's' : ''}`,
    seconds: median(rounds[i]),
  }));
  return {
    one,
    two,
    ratio: median(rounds[0].map((t1, r) => t1 / rounds[1][r])),
    best: Math.min(...rounds[0]) / Math.min(...rounds[1]),
  };
}

/** Throws unless `f` (returning every output it wrote) gives the same bits on 1 and 2 threads. */
async function checkSameBits(label: string, f: () => Float32Array[]): Promise<void> {
  await useThreads(1);
  const a = f();
  await useThreads(2);
  const b = f();
  const same = a.every((x, j) => x.length === b[j].length && x.every((v, i) => Object.is(v, b[j][i])));
  console.log(`  ${label}: 1 and 2 threads bit-identical: ${same}`);
  if (!same) throw new Error(`threads-nn: ${label} differs between 1 and 2 threads`);
}

function printCase(title: string, t: { one: Timing; two: Timing; ratio: number; best: number }): void {
  report(title, t.two, [t.one]);
  console.log(
    `  median of the ${ROUNDS} rounds' own ratios: ${t.ratio.toFixed(2)}x; fastest round against fastest round: ${t.best.toFixed(2)}x`,
  );
}

const f32 = (n: number, seed: number): WasmArray => fromArray(randomF32(n, seed));
const mat = (rows: number, cols: number, seed: number): WasmMatrix => ({
  rows,
  cols,
  data: f32(rows * cols, seed),
});

/** conv2d -> relu -> maxPool2d -> sum, backward: x [64, 16, 28, 28], w [32, 16, 3, 3], padding 1. */
async function convCase(): Promise<void> {
  const x = tensor(randomF32(64 * 16 * 28 * 28, 1), { shape: [64, 16, 28, 28], requiresGrad: true });
  const w = tensor(
    randomF32(32 * 16 * 9, 2).map((v) => v / 12),
    { shape: [32, 16, 3, 3], requiresGrad: true },
  );
  const b = tensor(randomF32(32, 3), { shape: [32], requiresGrad: true });
  /** One step; its loss (read back, so the work is done) or, with `out`, copies of loss, dw and dx. */
  const step = (out?: Float32Array[]): number =>
    tidy(() => {
      for (const t of [x, w, b]) t.zeroGrad();
      const y = agMaxPool2d(agRelu(conv2d(x, w, b, { padding: 1 })), 2);
      const s: Tensor = sum(y);
      s.backward();
      const loss = s.item();
      out?.push(
        Float32Array.of(loss),
        Float32Array.from(w.grad!.toArray()),
        Float32Array.from(x.grad!.toArray()),
      );
      return loss;
    });
  await checkSameBits('conv2d step (loss, dw, dx)', () => {
    const out: Float32Array[] = [];
    step(out);
    return out;
  });
  printCase(
    'conv2d 64x16x28x28 -> 32, 3x3 pad 1, ReLU, max pool 2: forward + backward (autograd), 2 threads vs 1',
    await oneVsTwo('conv2d step', () => step()),
  );
  const held = setNnCrossovers({
    cheap: Infinity,
    transcendental: Infinity,
    rows: Infinity,
    columns: Infinity,
    pool: Infinity,
    conv: Infinity,
    gather: Infinity,
    bce: Infinity,
  });
  try {
    printCase(
      'the same with only the products (gemm) on threads: the NN crossovers out of reach',
      await oneVsTwo('conv2d step, products only', () => step()),
    );
  } finally {
    setNnCrossovers(held);
  }
  for (const t of [x, w, b]) t.free();
}

async function crossEntropyCase(): Promise<void> {
  const [R, K] = [4096, 1000];
  const X = mat(R, K, 4);
  const labels = fromArray(Float32Array.from(randomF32(R, 5), (v) => Math.floor((v + 1) * 0.5 * K)));
  const G = matrix('f32', R, K);
  await checkSameBits('softmax + cross-entropy 4096 x 1000 (loss, dLogits)', () => [
    Float32Array.of(softmaxCrossEntropy(X, labels, G)),
    Float32Array.from(G.data.data),
  ]);
  printCase(
    'softmax + cross-entropy (loss and dLogits) over 4096 x 1000, 2 threads vs 1',
    await oneVsTwo('softmaxCrossEntropy', () => softmaxCrossEntropy(X, labels, G)),
  );
  for (const a of [X.data, labels, G.data]) a.free();
}

async function batchNormCase(): Promise<void> {
  const [B, F] = [4096, 512];
  const x = mat(B, F, 6);
  const y = matrix('f32', B, F);
  const saved = { mean: f32(F, 0), invStd: f32(F, 0), xhat: matrix('f32', B, F) };
  const [runningMean, runningVar, weight, bias] = [7, 8, 9, 10].map((s) => f32(F, s));
  const [weightGrad, biasGrad] = [f32(F, 0), f32(F, 0)];
  const dy = mat(B, F, 11);
  const dx = matrix('f32', B, F);
  const scratch = f32(2 * F, 0);
  const step = (): void => {
    batchNormForward(x, y, saved, { training: true, runningMean, runningVar, weight, bias });
    batchNormBackward(dy, dx, saved, { training: true, weight, weightGrad, biasGrad, scratch });
  };
  await checkSameBits('batch norm 4096 x 512 (y, dx, dγ, running variance)', () => {
    // the same state for both: the running statistics and the accumulated gradients reset
    runningMean.data.fill(0);
    runningVar.data.fill(1);
    weightGrad.data.fill(0);
    biasGrad.data.fill(0);
    step();
    return [y.data, dx.data, weightGrad, runningVar].map((a) => Float32Array.from(a.data));
  });
  printCase(
    'batch norm 4096 x 512, training forward + backward (affine), 2 threads vs 1',
    await oneVsTwo('batch norm', step),
  );
  for (const a of [
    scratch,
    x.data,
    y.data,
    saved.mean,
    saved.invStd,
    saved.xhat.data,
    runningMean,
    runningVar,
    weight,
    bias,
    weightGrad,
    biasGrad,
    dy.data,
    dx.data,
  ])
    a.free();
}

/** One line of the crossover scan: `f` at `size` on 1 and 2 threads, everything threaded. */
async function scanLine(family: string, size: string, f: () => unknown): Promise<void> {
  const t = await oneVsTwo(family, f, { samples: 7, warmup: 3, minBatch: 0.01 });
  console.log(
    `  ${family.padEnd(22)} ${size.padStart(18)}: 1 thread ${(t.one.seconds * 1e6).toFixed(1).padStart(8)} us, 2 threads ${(t.two.seconds * 1e6).toFixed(1).padStart(8)} us, ${t.ratio.toFixed(2)}x (fastest rounds ${t.best.toFixed(2)}x)`,
  );
}

/** The 2-thread speed-up of each family around its crossover (the pool used at every size). */
async function crossovers(): Promise<void> {
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
      const x = f32(N * 784, 16);
      const [o, a] = [f32(N * 196, 0), f32(N * 196, 0)];
      await scanLine('maxPool2d 2x2 (planes)', `${N} x 28x28, 2^${Math.log2(N * 196 * 4).toFixed(1)}`, () =>
        maxPool2d(x, g, o, a),
      );
      for (const t of [x, o, a]) t.free();
    }
    for (const C of [2, 4, 8, 16, 32, 64]) {
      const g: Conv2dGeometry = {
        C,
        H: 28,
        W: 28,
        kH: 3,
        kW: 3,
        strideH: 1,
        strideW: 1,
        padH: 1,
        padW: 1,
        dilH: 1,
        dilW: 1,
      };
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
async function coldCrossovers(): Promise<void> {
  console.log('\n  after 500 us of other work (the worker asleep):');
  const busy = (us: number) => {
    const end = performance.now() + us / 1000;
    while (performance.now() < end);
  };
  const side = async (threads: number, f: () => unknown): Promise<number> => {
    await useThreads(threads);
    f();
    const s: number[] = [];
    for (let i = 0; i < 200; i++) {
      busy(500);
      const t0 = performance.now();
      f();
      s.push(performance.now() - t0);
    }
    return s.sort((a, b) => a - b)[100] / 1000;
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
    const x = f32(N * 784, 22);
    const [o, a] = [f32(N * 196, 0), f32(N * 196, 0)];
    await line(`maxPool2d 2x2 ${N} x 28x28 (2^${Math.log2(N * 784).toFixed(1)})`, () =>
      maxPool2d(x, g, o, a),
    );
    for (const t of [x, o, a]) t.free();
  }
  for (const C of [4, 8, 16]) {
    const g: Conv2dGeometry = {
      C,
      H: 28,
      W: 28,
      kH: 3,
      kW: 3,
      strideH: 1,
      strideW: 1,
      padH: 1,
      padW: 1,
      dilH: 1,
      dilW: 1,
    };
    const n = C * 9 * 784;
    const x = f32(C * 784, 23);
    const cols = f32(n, 0);
    await line(`im2col C ${C} (2^${Math.log2(n).toFixed(1)})`, () => im2col(x, 0, g, cols));
    x.free();
    cols.free();
  }
}

export async function run(): Promise<void> {
  const load0 = loadavg()[0];
  console.log(`  ${availableParallelism()} cores, load average ${load0.toFixed(1)} at the start`);
  const scan = process.env.THREADS_NN_CROSSOVER;
  if (scan !== 'only' && scan !== 'cold') {
    await convCase();
    await crossEntropyCase();
    await batchNormCase();
  }
  if (scan !== '0') await crossovers();
  console.log(
    `\n  load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`,
  );
  setThreads(1);
}
