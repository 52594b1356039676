import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DType, type FloatArray, fromArray, type WasmArray } from '../arena.js';
import { batchNormBackward, batchNormForward, columnMeanVar } from '../batchnorm.js';
import { type Conv2dGeometry, col2im, conv2dOutputSize, im2col } from '../conv.js';
import { indexAdd, indexSelect } from '../index-ops.js';
import { bceWithLogits, mseLoss } from '../losses.js';
import { matrixFrom, type WasmMatrix } from '../matrix.js';
import {
  biasAdd,
  columnSums,
  dropout,
  gelu,
  geluBackward,
  leakyRelu,
  leakyReluBackward,
  relu,
  reluBackward,
  sigmoid,
  sigmoidBackward,
  tanh,
  tanhBackward,
} from '../nn.js';
import {
  avgPool2d,
  avgPool2dBackward,
  maxPool2d,
  maxPool2dBackward,
  type Pool2dGeometry,
  pool2dOutputSize,
} from '../pool.js';
import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward, softmaxCrossEntropy } from '../softmax.js';
import { randomArray } from '../test-support/random.js';
import { poolJobs, setThreads } from './config.js';
import {
  BCE_MIN,
  CHEAP_MIN,
  CONV_MIN,
  GATHER_MIN,
  type NnCrossovers,
  POOL_MIN,
  ROWS_MIN,
  setNnCrossovers,
  TRANSCENDENTAL_MIN,
} from './nn-parts.js';

afterAll(() => setThreads(1));

/** Uniform values in [-1, 1) of the dtype, seeded. */
const rand = (dt: DType, n: number, seed: number): FloatArray =>
  dt === 'f32' ? randomArray(Float32Array, n, seed) : randomArray(Float64Array, n, seed);
const arr = (dt: DType, n: number, seed: number): WasmArray => fromArray(rand(dt, n, seed));
const mat = (dt: DType, rows: number, cols: number, seed: number): WasmMatrix =>
  matrixFrom(rows, cols, rand(dt, rows * cols, seed));

/**
 * Runs `f` (which makes its inputs, calls kernels, frees what it made and returns its outputs as
 * plain arrays) on 1 thread and on 2; expects the same bits in every output and the pool to have
 * run jobs on 2 threads (and none on 1).
 */
function sameBitsOnThreads(f: () => FloatArray[]): void {
  setThreads(1);
  const jobs0 = poolJobs();
  const one = f();
  expect(poolJobs(), 'the pool ran a job on 1 thread').toBe(jobs0);
  setThreads(2);
  const jobs1 = poolJobs();
  const two = f();
  expect(poolJobs(), 'the pool ran no job on 2 threads').toBeGreaterThan(jobs1);
  expect(two.length).toBe(one.length);
  for (let j = 0; j < one.length; j++) {
    expect(two[j].length).toBe(one[j].length);
    let diffs = 0;
    for (let i = 0; i < one[j].length; i++) if (!Object.is(one[j][i], two[j][i])) diffs++;
    expect(diffs, `output ${j}: elements that differ`).toBe(0);
  }
}

/** Copies out the arrays' contents and frees them. */
function take(...a: WasmArray[]): FloatArray[] {
  const out = a.map((x) => x.toArray());
  for (const x of a) x.free();
  return out;
}

describe('activations on threads', () => {
  // Above both element-wise crossovers and not a multiple of 16: the last chunk has a ragged end.
  const n = Math.max(CHEAP_MIN, TRANSCENDENTAL_MIN) + 1001;
  for (const dt of ['f32', 'f64'] as const) {
    it(`${dt}: every activation, its backward and dropout give the same bits on 2 threads as on 1`, () => {
      sameBitsOnThreads(() => {
        const x = fromArray(rand(dt, n, 1).map((v) => 6 * v));
        const dy = arr(dt, n, 2);
        const mask = fromArray(rand(dt, n, 3).map((v) => (v < 0.2 ? 0 : 1)));
        const outs: WasmArray[] = [];
        const out = () => {
          const o = arr(dt, n, 0);
          outs.push(o);
          return o;
        };
        relu(x, out());
        reluBackward(x, dy, out());
        leakyRelu(x, out(), { negativeSlope: 0.1 });
        leakyReluBackward(x, dy, out(), { negativeSlope: 0.1 });
        const s = out();
        sigmoid(x, s);
        sigmoidBackward(s, dy, out());
        const t = out();
        tanh(x, t);
        tanhBackward(t, dy, out());
        for (const approximate of ['none', 'tanh'] as const) {
          gelu(x, out(), { approximate });
          geluBackward(x, dy, out(), { approximate });
        }
        dropout(x, mask, 0.2, out());
        const inPlace = fromArray(x.toArray());
        gelu(inPlace, inPlace);
        return take(...outs, inPlace, x, dy, mask);
      });
    });
  }
});

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

describe('element-wise losses on threads', () => {
  const n = BCE_MIN + 1003; // a ragged last chunk and vector tail
  for (const dt of ['f32', 'f64'] as const) {
    it(`${dt}: binary cross-entropy gives the same loss and gradient bits on 2 threads as on 1`, () => {
      sameBitsOnThreads(() => {
        const x = fromArray(rand(dt, n, 50).map((v) => 8 * v));
        const y = fromArray(rand(dt, n, 51).map((v) => (v + 1) / 2));
        const g = arr(dt, n, 0);
        const losses = [bceWithLogits(x, y, g), bceWithLogits(x, y)];
        const inPlace = fromArray(x.toArray());
        losses.push(bceWithLogits(inPlace, y, inPlace));
        expect(losses[1]).toBe(losses[0]);
        return [Float64Array.from(losses), ...take(g, inPlace, x, y)];
      });
    });
  }

  it('the MSE stays on the calling thread (memory-bound: nothing to gain)', () => {
    setThreads(2);
    const p = arr('f32', 1 << 20, 52);
    const t = arr('f32', 1 << 20, 53);
    const jobs = poolJobs();
    mseLoss(p, t, p);
    expect(poolJobs()).toBe(jobs);
    p.free();
    t.free();
  });
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

describe('pooling on threads', () => {
  for (const dt of ['f32', 'f64'] as const) {
    it(`${dt}: max and average pooling, forward and backward, give the same bits on 2 threads as on 1`, () => {
      // 3x3 windows, stride 2, padding 1 on 28 x 28 planes: overlapping windows add up in the backward
      const base = { H: 28, W: 28, kH: 3, kW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1, dilH: 1, dilW: 1 };
      const per = pool2dOutputSize({ ...base, N: 1 });
      const N = Math.ceil(POOL_MIN / (per.Hout * per.Wout * 9)) + 3;
      const g: Pool2dGeometry = { ...base, N };
      const outLen = N * per.Hout * per.Wout;
      sameBitsOnThreads(() => {
        const x = arr(dt, N * 28 * 28, 28);
        x.data[5] = Number.NaN; // NaN wins its windows
        const out = arr(dt, outLen, 0);
        const argmax = arr(dt, outLen, 0);
        maxPool2d(x, g, out, argmax);
        const dy = arr(dt, outLen, 29);
        const dx = arr(dt, x.length, 30);
        maxPool2dBackward(dy, argmax, g, dx);
        const avg = arr(dt, outLen, 0);
        avgPool2d(x, g, avg, false);
        const dxAvg = arr(dt, x.length, 31);
        avgPool2dBackward(dy, g, dxAvg);
        return take(out, argmax, dx, avg, dxAvg, x, dy);
      });
    });
  }

  it('a bad argmax in the second part throws the same message as on 1 thread and leaves dx unchanged', () => {
    const g: Pool2dGeometry = {
      N: Math.ceil(POOL_MIN / (14 * 14 * 4)) + 1,
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
    const outLen = g.N * 14 * 14;
    const messages: string[] = [];
    for (const threads of [1, 2]) {
      setThreads(threads);
      const x = arr('f32', g.N * 28 * 28, 32);
      const out = arr('f32', outLen, 0);
      const argmax = arr('f32', outLen, 0);
      maxPool2d(x, g, out, argmax);
      argmax.data[outLen - 20] = 28 * 28; // past the plane, in the last part's entries
      argmax.data[outLen - 10] = 0.5;
      const dy = arr('f32', outLen, 33);
      const dx = arr('f32', x.length, 34);
      const before = dx.toArray();
      const jobs = poolJobs();
      expect(() => maxPool2dBackward(dy, argmax, g, dx)).toThrow(RangeError);
      try {
        maxPool2dBackward(dy, argmax, g, dx);
      } catch (e) {
        messages.push((e as Error).message);
      }
      if (threads === 2) expect(poolJobs()).toBeGreaterThan(jobs);
      expect(dx.toArray()).toEqual(before);
      for (const a of [x, out, argmax, dy, dx]) a.free();
    }
    expect(messages[1]).toBe(messages[0]);
    expect(messages[0]).toContain(`argmax[${outLen - 20}]`);
  });
});

describe('im2col and col2im on threads', () => {
  for (const dt of ['f32', 'f64'] as const) {
    it(`${dt}: one image's im2col and col2im give the same bits on 2 threads as on 1 (channels apart)`, () => {
      // padding 1, stride 1 and a strided, dilated geometry: windows overlap in col2im
      const geometries: Conv2dGeometry[] = [
        { C: 0, H: 28, W: 28, kH: 3, kW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1, dilH: 1, dilW: 1 },
        { C: 0, H: 30, W: 29, kH: 3, kW: 2, strideH: 2, strideW: 3, padH: 2, padW: 1, dilH: 2, dilW: 1 },
      ];
      sameBitsOnThreads(() => {
        const outs: WasmArray[] = [];
        for (const g0 of geometries) {
          const { Hout, Wout } = conv2dOutputSize({ ...g0, C: 1 });
          const g = { ...g0, C: Math.ceil(CONV_MIN / (g0.kH * g0.kW * Hout * Wout)) + 3 };
          const image = g.C * g.H * g.W;
          const colsLen = g.C * g.kH * g.kW * Hout * Wout;
          // image 1 of a batch of 2: offsets into x, cols and dx
          const x = arr(dt, 2 * image, 35);
          const cols = arr(dt, 2 * colsLen, 36);
          im2col(x, image, g, cols, colsLen);
          const dx = arr(dt, 2 * image, 37);
          col2im(cols, g, dx, image, colsLen);
          outs.push(cols, dx, x);
        }
        return take(...outs);
      });
    });
  }
});

describe('gather and scatter-add on threads', () => {
  for (const dt of ['f32', 'f64'] as const) {
    it(`${dt}: indexSelect (one slab and several) and indexAdd (several slabs) give the same bits on 2 threads as on 1`, () => {
      const V = 500;
      const inner = 37;
      const m = Math.ceil(GATHER_MIN / inner) + 11;
      sameBitsOnThreads(() => {
        const idx = fromArray(rand(dt, m, 38).map((v) => Math.floor((v + 1) * 0.5 * V)));
        const table = arr(dt, V * inner, 39);
        const rows = arr(dt, m * inner, 0);
        indexSelect(table, 1, V, inner, idx, rows); // an embedding lookup
        const outer = 3;
        const m3 = Math.ceil(m / outer);
        const idx3 = fromArray(rand(dt, m3, 40).map((v) => Math.floor((v + 1) * 0.5 * V)));
        const x3 = arr(dt, outer * V * inner, 41);
        const out3 = arr(dt, outer * m3 * inner, 0);
        indexSelect(x3, outer, V, inner, idx3, out3);
        const dst = arr(dt, outer * V * inner, 42);
        indexAdd(out3, outer, m3, inner, idx3, dst, V); // repeated indices add up
        return take(rows, out3, dst, idx, table, idx3, x3);
      });
    });
  }
});

describe('the crossovers', () => {
  it('below them the pool is not touched; with them at 0 small odd shapes split and keep their bits', () => {
    setThreads(2);
    const jobs = poolJobs();
    const x = arr('f32', 1000, 43);
    relu(x, x);
    const X = mat('f32', 7, 33, 44);
    softmax(X, X);
    expect(poolJobs()).toBe(jobs);
    x.free();
    X.data.free();
    const before = setNnCrossovers({ cheap: 0, transcendental: 0, rows: 0, columns: 0 });
    try {
      sameBitsOnThreads(() => {
        const y = arr('f32', 37, 45);
        gelu(y, y);
        const Y = mat('f64', 5, 35, 46);
        logSoftmax(Y, Y);
        const sums = arr('f64', 35, 0);
        columnSums(Y, sums);
        return take(y, Y.data, sums);
      });
    } finally {
      setNnCrossovers(before);
    }
  });
});
