import { describe, expect, it } from 'vitest';
import { alloc, type DType, fromArray, type WasmArray } from './arena.js';
import { indexAdd, indexSelect } from './index-ops.js';
import { randomArray } from './test-support/random.js';

const dtypes: DType[] = ['f32', 'f64'];

function arrayOf(dt: DType, values: ArrayLike<number>): WasmArray {
  return fromArray(dt === 'f32' ? Float32Array.from(values) : Float64Array.from(values));
}

function randomOf(dt: DType, n: number, seed: number): WasmArray {
  return fromArray(dt === 'f32' ? randomArray(Float32Array, n, seed) : randomArray(Float64Array, n, seed));
}

// [outer, V, inner] with repeated and out-of-order indices; inner 1 (scalars), 3 and 37 (SIMD + tail)
const cases: [number, number, number, number[]][] = [
  [1, 5, 1, [4, 0, 4, 2]],
  [2, 4, 3, [3, 3, 1, 0, 3]],
  [3, 6, 37, [5, 0, 5, 5, 2]],
  [1, 3, 8, []],
];

describe.each(dtypes)('indexSelect and indexAdd (%s)', (dt) => {
  it.each(cases)('indexSelect gathers rows of [%i, %i, %i] (indices %j)', (outer, V, inner, idx) => {
    const x = randomOf(dt, outer * V * inner, V + inner);
    const out = alloc(dt, outer * idx.length * inner);
    indexSelect(x, outer, V, inner, arrayOf(dt, idx), out);
    const want: number[] = [];
    for (let o = 0; o < outer; o++)
      for (const k of idx) for (let i = 0; i < inner; i++) want.push(x.data[(o * V + k) * inner + i]);
    expect(Array.from(out.data)).toEqual(want);
  });

  it.each(cases)(
    'indexAdd scatters into [%i, %i, %i], repeated indices adding up (indices %j)',
    (outer, V, inner, idx) => {
      const m = idx.length;
      const src = randomOf(dt, outer * m * inner, 3 + m);
      const dst = randomOf(dt, outer * V * inner, 4 + V);
      const want = Array.from(dst.data);
      const r = dt === 'f32' ? Math.fround : (v: number) => v;
      for (let o = 0; o < outer; o++)
        idx.forEach((k, j) => {
          for (let i = 0; i < inner; i++) {
            const d = (o * V + k) * inner + i;
            want[d] = r(want[d] + src.data[(o * m + j) * inner + i]);
          }
        });
      indexAdd(src, outer, m, inner, arrayOf(dt, idx), dst, V);
      expect(Array.from(dst.data)).toEqual(want);
    },
  );

  it('rejects an index out of range, a fraction or NaN, naming its position and value, and writes nothing', () => {
    const x = randomOf(dt, 10, 1);
    const out = alloc(dt, 6);
    expect(() => indexSelect(x, 1, 5, 2, arrayOf(dt, [0, 5, 1]), out)).toThrow(
      /indices\[1\] is 5, not an integer in \[0, 5\)/,
    );
    expect(() => indexSelect(x, 1, 5, 2, arrayOf(dt, [0, 1, -1]), out)).toThrow(/indices\[2\] is -1/);
    expect(() => indexSelect(x, 1, 5, 2, arrayOf(dt, [0.5, 1, 2]), out)).toThrow(/indices\[0\] is 0.5/);
    expect(() => indexSelect(x, 1, 5, 2, arrayOf(dt, [1, NaN, 2]), out)).toThrow(/indices\[1\] is NaN/);
    expect(Array.from(out.data)).toEqual(new Array(6).fill(0));
    const dst = alloc(dt, 10);
    expect(() => indexAdd(out, 1, 3, 2, arrayOf(dt, [4, 2, 7]), dst, 5)).toThrow(/indices\[2\] is 7/);
    expect(Array.from(dst.data)).toEqual(new Array(10).fill(0));
  });

  it('rejects length mismatches and a dtype mismatch, naming the argument', () => {
    const x = randomOf(dt, 10, 2);
    const idx = arrayOf(dt, [1, 2]);
    expect(() => indexSelect(x, 1, 4, 2, idx, alloc(dt, 4))).toThrow(/x has length 10, expected 8/);
    expect(() => indexSelect(x, 1, 5, 2, idx, alloc(dt, 5))).toThrow(/out has length 5, expected 4/);
    const other = dt === 'f32' ? 'f64' : 'f32';
    expect(() => indexSelect(x, 1, 5, 2, alloc(other, 2), alloc(dt, 4))).toThrow(/indices has dtype/);
    expect(() => indexAdd(alloc(dt, 4), 1, 3, 2, idx, alloc(dt, 10), 5)).toThrow(
      /indices has length 2, expected 3/,
    );
    expect(() => indexAdd(alloc(dt, 4), 1, 2, 2, idx, alloc(dt, 9), 5)).toThrow(
      /dst has length 9, expected 10/,
    );
  });
});
