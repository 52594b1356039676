/**
 * The element-wise NN kernels on threads: activations, dropout, binary cross-entropy, and the
 * crossovers below which the pool is not touched. Same bits on 2 threads as on 1.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fromArray, type WasmArray } from '../arena.js';
import { bceWithLogits, mseLoss } from '../losses.js';
import {
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
import { logSoftmax, softmax } from '../softmax.js';
import { arr, mat, rand, sameBitsOnThreads, take } from '../test-support/same-bits-on-threads.js';
import { poolJobs, setThreads } from './config.js';
import { BCE_MIN, CHEAP_MIN, setNnCrossovers, TRANSCENDENTAL_MIN } from './nn-parts.js';

afterAll(() => setThreads(1));

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
