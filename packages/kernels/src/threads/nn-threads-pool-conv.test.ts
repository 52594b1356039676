/**
 * The pooling, im2col / col2im and gather / scatter-add kernels on threads: same bits on 2 threads
 * as on 1, and a bad argmax's error the same as on 1 thread.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fromArray, type WasmArray } from '../arena.js';
import { type Conv2dGeometry, col2im, conv2dOutputSize, im2col } from '../conv.js';
import { indexAdd, indexSelect } from '../index-ops.js';
import {
  avgPool2d,
  avgPool2dBackward,
  maxPool2d,
  maxPool2dBackward,
  type Pool2dGeometry,
  pool2dOutputSize,
} from '../pool.js';
import { arr, rand, sameBitsOnThreads, take } from '../test-support/same-bits-on-threads.js';
import { poolJobs, setThreads } from './config.js';
import { CONV_MIN, GATHER_MIN, POOL_MIN } from './nn-parts.js';

afterAll(() => setThreads(1));

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
