/**
 * The row and column NN kernels on threads: softmax, log-softmax and softmax + cross-entropy by
 * rows, bias and column sums, batch norm. Same bits on 2 threads as on 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromArray, type WasmArray } from '../arena.js';
import { batchNormBackward, batchNormForward, columnMeanVar } from '../batchnorm.js';
import { matrixFrom } from '../matrix.js';
import { biasAdd, columnSums } from '../nn.js';
import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward, softmaxCrossEntropy } from '../softmax.js';
import { arr, mat, rand, sameBitsOnThreads, take } from '../test-support/same-bits-on-threads.js';
import { setThreads } from './config.js';
import { CHEAP_MIN, type NnCrossovers, ROWS_MIN, setNnCrossovers } from './nn-parts.js';

afterAll(() => setThreads(1));

describe('row-wise kernels on threads', () => {
  // 1000 columns (a ragged vector tail in f32 and f64), rows enough to pass the crossover.
  const cols = 1000;
  const rows = Math.ceil(ROWS_MIN / cols) + 3;
  for (const dt of ['f32', 'f64'] as const) {
    it(`${dt}: softmax, log-softmax and their backward give the same bits on 2 threads as on 1`, () => {
      sameBitsOnThreads(() => {
        const X = mat(dt, rows, cols, 4);
        const dY = mat(dt, rows, cols, 5);
        const outs = [0, 1, 2, 3].map((i) => mat(dt, rows, cols, 10 + i));
        softmax(X, outs[0]);
        softmaxBackward(outs[0], dY, outs[1]);
        logSoftmax(X, outs[2]);
        logSoftmaxBackward(outs[2], dY, outs[3]);
        softmax(X, X); // in place
        return take(...outs.map((o) => o.data), X.data);
      });
    });

    it(`${dt}: softmax + cross-entropy gives the same loss and dLogits bits on 2 threads as on 1`, () => {
      sameBitsOnThreads(() => {
        const X = mat(dt, rows, cols, 6);
        const labels = fromArray(rand(dt, rows, 7).map((v) => Math.floor((v + 1) * 0.5 * cols)));
        const dX = mat(dt, rows, cols, 8);
        const losses = [softmaxCrossEntropy(X, labels, dX), softmaxCrossEntropy(X, labels)];
        const inPlace = matrixFrom(rows, cols, X.data.toArray());
        losses.push(softmaxCrossEntropy(inPlace, labels, inPlace));
        expect(losses[0]).toBe(losses[1]);
        return [Float64Array.from(losses), ...take(dX.data, inPlace.data, X.data, labels)];
      });
    });
  }
});

/**
 * Column reductions do not pay on the machine the crossovers were measured on (their crossover is
 * infinite): these tests split them from SPLIT_COLUMNS elements to check the split all the same.
 */
const SPLIT_COLUMNS = 1 << 16;
let crossovers: NnCrossovers;
beforeAll(() => {
  crossovers = setNnCrossovers({ columns: SPLIT_COLUMNS });
});
afterAll(() => setNnCrossovers(crossovers));

describe('bias and column sums on threads', () => {
  for (const dt of ['f32', 'f64'] as const) {
    it(`${dt}: biasAdd and columnSums (overwrite and accumulate) give the same bits on 2 threads as on 1`, () => {
      const cols = 517;
      const rows = Math.ceil(Math.max(CHEAP_MIN, SPLIT_COLUMNS) / cols) + 5;
      sameBitsOnThreads(() => {
        const Y = mat(dt, rows, cols, 9);
        const b = arr(dt, cols, 10);
        biasAdd(Y, b);
        const sums = arr(dt, cols, 11);
        columnSums(Y, sums);
        const acc = arr(dt, cols, 12);
        columnSums(Y, acc, { accumulate: true });
        return take(Y.data, b, sums, acc);
      });
    });
  }
});

describe('batch norm on threads', () => {
  // 517 features: columns split at multiples of 16 with a ragged last part and vector tail.
  const F = 517;
  const B = Math.ceil(Math.max(CHEAP_MIN, SPLIT_COLUMNS) / F) + 7;
  for (const dt of ['f32', 'f64'] as const) {
    for (const affine of [true, false]) {
      it(`${dt}, affine ${affine}: statistics, forward (training and eval) and backward give the same bits on 2 threads as on 1`, () => {
        sameBitsOnThreads(() => {
          const x = matrixFrom(
            B,
            F,
            rand(dt, B * F, 13).map((v) => 1e3 + 5 * v),
          );
          const y = mat(dt, B, F, 14);
          const saved = { mean: arr(dt, F, 15), invStd: arr(dt, F, 16), xhat: mat(dt, B, F, 17) };
          const runningMean = arr(dt, F, 18);
          const runningVar = fromArray(rand(dt, F, 19).map((v) => 1 + Math.abs(v)));
          const weight = affine ? arr(dt, F, 20) : undefined;
          const bias = affine ? arr(dt, F, 21) : undefined;
          const mean = arr(dt, F, 0);
          const variance = arr(dt, F, 0);
          columnMeanVar(x, mean, variance);
          const fwd = { runningMean, runningVar, weight, bias, momentum: 0.3 };
          batchNormForward(x, y, saved, { ...fwd, training: true });
          const dy = mat(dt, B, F, 22);
          const dx = mat(dt, B, F, 23);
          const weightGrad = affine ? arr(dt, F, 24) : undefined;
          const biasGrad = affine ? arr(dt, F, 25) : undefined;
          batchNormBackward(dy, dx, saved, { training: true, weight, weightGrad, biasGrad });
          const yEval = mat(dt, B, F, 26);
          const savedEval = { mean: arr(dt, F, 0), invStd: arr(dt, F, 0), xhat: mat(dt, B, F, 0) };
          batchNormForward(x, yEval, savedEval, { ...fwd, training: false });
          const dxEval = mat(dt, B, F, 27);
          batchNormBackward(dy, dxEval, savedEval, { training: false, weight });
          const optional = [weight, bias, weightGrad, biasGrad].filter(
            (a): a is WasmArray => a !== undefined,
          );
          return take(
            mean,
            variance,
            y.data,
            saved.mean,
            saved.invStd,
            saved.xhat.data,
            runningMean,
            runningVar,
            dx.data,
            yEval.data,
            savedEval.mean,
            savedEval.invStd,
            savedEval.xhat.data,
            dxEval.data,
            dy.data,
            x.data,
            ...optional,
          );
        });
      });
    }
  }
});

describe('batch norm with its statistics on the calling thread', () => {
  it('above the element-wise crossover only, normalize and the backward dx split over rows: the same bits', () => {
    const before = setNnCrossovers({ columns: Number.POSITIVE_INFINITY });
    try {
      const [B, F] = [Math.ceil(CHEAP_MIN / 100) + 1, 100];
      sameBitsOnThreads(() => {
        const x = mat('f64', B, F, 60);
        const saved = { mean: arr('f64', F, 0), invStd: arr('f64', F, 0), xhat: mat('f64', B, F, 0) };
        const [runningMean, runningVar, weight, bias] = [61, 62, 63, 64].map((s) => arr('f64', F, s));
        runningVar.data.fill(1);
        batchNormForward(x, x, saved, { training: true, runningMean, runningVar, weight, bias });
        const dy = mat('f64', B, F, 65);
        const [weightGrad, biasGrad] = [arr('f64', F, 66), arr('f64', F, 67)];
        batchNormBackward(dy, dy, saved, { training: true, weight, weightGrad, biasGrad });
        return take(
          x.data,
          dy.data,
          saved.mean,
          saved.invStd,
          saved.xhat.data,
          runningMean,
          runningVar,
          weightGrad,
          biasGrad,
          weight,
          bias,
        );
      });
    } finally {
      setNnCrossovers(before);
    }
  });
});
