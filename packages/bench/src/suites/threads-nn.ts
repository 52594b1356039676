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
 *   - the crossover scan of every family (src/threads-nn-crossover.ts; THREADS_NN_CROSSOVER=0
 *     skips it, =only runs only it, =cold only its cold part): the 2-thread speed-up at sizes around
 *     each constant of kernels' threads/nn-parts.ts, back to back, then with the worker asleep
 *     before each call.
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
  fromArray,
  matrix,
  setThreads,
  softmaxCrossEntropy,
} from '@descent/kernels';
// The NN crossovers (not part of the package's API; the same module instance as the package's).
import { setNnCrossovers } from '../../../kernels/dist/threads/nn-parts.js';
import { randomF32 } from '../random.js';
import { crossovers } from '../threads-nn-crossover.js';
import { checkSameBits, f32, mat, oneVsTwo, printCase } from '../threads-nn-timing.js';

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
