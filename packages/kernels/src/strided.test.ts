import { describe, expect, it } from 'vitest';
import { alloc, type DType, fromArray, type WasmArray } from './arena.js';
import { stridedCopy } from './strided.js';
import { randomArray } from './test-support/random.js';
import { forEachIndex, rowMajorStrides } from './test-support/tensor-reference.js';

const dtypes: DType[] = ['f32', 'f64'];

function randomOf(dt: DType, n: number, seed: number): WasmArray {
  return fromArray(dt === 'f32' ? randomArray(Float32Array, n, seed) : randomArray(Float64Array, n, seed));
}

/** Runs stridedCopy and the naive index walk on a copy of dst; both results must be identical. */
function expectNaive(
  shape: number[],
  src: WasmArray,
  srcOffset: number,
  srcStrides: number[],
  dst: WasmArray,
  dstOffset: number,
  dstStrides: number[],
  accumulate = false,
): void {
  const want = dst.toArray();
  const s = src.data;
  forEachIndex(
    shape,
    [srcStrides, dstStrides],
    (_, [os, od]) => {
      want[od] = accumulate ? want[od] + s[os] : s[os];
    },
    [srcOffset, dstOffset],
  );
  stridedCopy(shape, src, srcOffset, srcStrides, dst, dstOffset, dstStrides, accumulate);
  expect(Array.from(dst.data)).toEqual(Array.from(want));
}

describe.each(dtypes)('stridedCopy (%s)', (dt) => {
  it('permutes a [2, 3, 4] tensor to [4, 2, 3] (src strides permuted)', () => {
    const x = randomOf(dt, 24, 1);
    const [s0, s1, s2] = rowMajorStrides([2, 3, 4]);
    expectNaive([4, 2, 3], x, 0, [s2, s0, s1], alloc(dt, 24), 0, rowMajorStrides([4, 2, 3]));
  });

  it('transposes a 37 x 45 matrix', () => {
    const x = randomOf(dt, 37 * 45, 2);
    expectNaive([45, 37], x, 0, [1, 45], alloc(dt, 37 * 45), 0, [37, 1]);
  });

  it('slices x[1:3, ::2] of a [4, 10] tensor, and adds it back (its backward) into zeros', () => {
    const x = randomOf(dt, 40, 3);
    const y = alloc(dt, 2 * 5);
    expectNaive([2, 5], x, 10, [10, 2], y, 0, [5, 1]);
    const dx = alloc(dt, 40);
    expectNaive([2, 5], y, 0, [5, 1], dx, 10, [10, 2], true);
    expectNaive([2, 5], y, 0, [5, 1], dx, 10, [10, 2], true); // accumulates twice
  });

  it('concatenates [3, 5] and [3, 7] along dim 1 into [3, 12] (long contiguous runs: memory.copy)', () => {
    const a = randomOf(dt, 15, 4);
    const b = randomOf(dt, 21, 5);
    const out = alloc(dt, 36);
    expectNaive([3, 5], a, 0, [5, 1], out, 0, [12, 1]);
    expectNaive([3, 7], b, 0, [7, 1], out, 5, [12, 1]);
  });

  it('accumulates contiguous runs with SIMD and tail (a [3, 41] block into a [3, 50] one)', () => {
    const a = randomOf(dt, 123, 6);
    const out = randomOf(dt, 150, 7);
    expectNaive([3, 41], a, 0, [41, 1], out, 2, [50, 1], true);
  });

  it('expands a [3, 1] column to [3, 6] with a 0 stride, and flips a row with a negative stride', () => {
    const c = randomOf(dt, 3, 8);
    expectNaive([3, 6], c, 0, [1, 0], alloc(dt, 18), 0, [6, 1]);
    const r = randomOf(dt, 9, 9);
    expectNaive([9], r, 8, [-1], alloc(dt, 9), 0, [1]);
  });

  it('copies one element for rank 0 and nothing for an empty shape', () => {
    const x = randomOf(dt, 4, 10);
    expectNaive([], x, 3, [], alloc(dt, 2), 1, []);
    const out = alloc(dt, 2);
    stridedCopy([0, 3], x, 0, [3, 1], out, 0, [3, 1]);
    expect(Array.from(out.data)).toEqual([0, 0]);
  });

  it('rejects out-of-bounds strides or offsets, overlap and dtype mismatch, writing nothing', () => {
    const x = randomOf(dt, 12, 11);
    const out = alloc(dt, 12);
    expect(() => stridedCopy([3, 4], x, 1, [4, 1], out, 0, [4, 1])).toThrow(
      /srcStrides address elements 1..12 of src, which has 12 elements/,
    );
    expect(() => stridedCopy([3, 4], x, 0, [4, 1], out, 0, [5, 1])).toThrow(
      /dstStrides address elements 0..13/,
    );
    expect(() => stridedCopy([3], x, 0, [-1], out, 0, [1])).toThrow(/srcStrides address elements -2..0/);
    expect(() => stridedCopy([3], x, -1, [1], out, 0, [1])).toThrow(/Invalid srcOffset: -1/);
    expect(() => stridedCopy([3, 4], x, 0, [4], out, 0, [4, 1])).toThrow(
      /srcStrides must have one stride per dim/,
    );
    expect(() => stridedCopy([6], x, 0, [1], x, 3, [1])).toThrow(/overlap/);
    expect(() => stridedCopy([3], x, 0, [1], alloc(dt === 'f32' ? 'f64' : 'f32', 3), 0, [1])).toThrow(
      /dst has dtype/,
    );
    expect(Array.from(out.data)).toEqual(new Array(12).fill(0));
  });

  it('copies between disjoint parts of one array', () => {
    const x = randomOf(dt, 12, 12);
    expectNaive([6], x, 0, [1], x, 6, [1]);
  });
});
