import { describe, expect, it } from 'vitest';
import { alloc, type DType, fromArray, type WasmArray } from './arena.js';
import { type ReduceOp, reduce } from './reduce.js';
import { randomArray } from './test-support/random.js';

const dtypes: DType[] = ['f32', 'f64'];
const ops: ReduceOp[] = ['sum', 'max', 'min'];

function arrayOf(dt: DType, values: ArrayLike<number>): WasmArray {
  return fromArray(dt === 'f32' ? Float32Array.from(values) : Float64Array.from(values));
}

/** The naive reduction in f64: out[o, i] = op_k x[o, k, i]. */
function naive(op: ReduceOp, x: ArrayLike<number>, outer: number, n: number, inner: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
      for (let k = 0; k < n; k++) {
        const v = x[(o * n + k) * inner + i];
        acc =
          op === 'sum'
            ? acc + v
            : Number.isNaN(v) || Number.isNaN(acc)
              ? NaN
              : op === 'max'
                ? Math.max(acc, v)
                : Math.min(acc, v);
      }
      out.push(acc);
    }
  }
  return out;
}

function expectReduced(dt: DType, op: ReduceOp, x: WasmArray, outer: number, n: number, inner: number): void {
  const out = alloc(dt, outer * inner);
  reduce(op, x, outer, n, inner, out);
  const want = naive(op, x.data, outer, n, inner);
  const r = dt === 'f32' ? Math.fround : (v: number) => v;
  want.forEach((w, i) => {
    const g = out.data[i];
    if (op === 'sum')
      expect(Math.abs(g - w)).toBeLessThanOrEqual((dt === 'f32' ? 6e-8 : 1e-15) * (Math.abs(w) + n));
    else expect(g).toBe(r(w));
  });
}

describe.each(dtypes)('reduce (%s)', (dt) => {
  const shape = [2, 3, 5];
  it.each(ops)('%s over each axis of [2, 3, 5] matches the naive loop', (op) => {
    const x = arrayOf(dt, randomArray(Float64Array, 30, 1));
    for (let axis = 0; axis < 3; axis++) {
      const outer = shape.slice(0, axis).reduce((p, v) => p * v, 1);
      const inner = shape.slice(axis + 1).reduce((p, v) => p * v, 1);
      expectReduced(dt, op, x, outer, shape[axis], inner);
    }
  });

  it.each(ops)('%s over long rows and wide columns (SIMD bodies, tails, 256-column blocks)', (op) => {
    for (const [outer, n, inner] of [
      [3, 1001, 1],
      [2, 37, 3],
      [2, 7, 301],
      [1, 5, 600],
    ]) {
      const x = arrayOf(dt, randomArray(Float64Array, outer * n * inner, outer + n + inner));
      expectReduced(dt, op, x, outer, n, inner);
    }
  });

  it('max and min propagate NaN, by rows and by columns', () => {
    const values = Array.from({ length: 40 }, (_, i) => i);
    values[13] = NaN; // row 1 of [4, 10]; column 3 of [10, 4]
    const x = arrayOf(dt, values);
    for (const op of ['max', 'min'] as const) {
      const rows = alloc(dt, 4);
      reduce(op, x, 4, 10, 1, rows);
      expect(Array.from(rows.data).map(Number.isNaN)).toEqual([false, true, false, false]);
      const cols = alloc(dt, 4);
      reduce(op, x, 1, 10, 4, cols);
      expect(Array.from(cols.data).map(Number.isNaN)).toEqual([false, true, false, false]);
    }
  });

  it('n = 0 gives 0, -Infinity and +Infinity', () => {
    const x = alloc(dt, 0);
    for (const [op, want] of [
      ['sum', 0],
      ['max', -Infinity],
      ['min', Infinity],
    ] as const) {
      for (const inner of [1, 6]) {
        const out = alloc(dt, 2 * inner);
        reduce(op, x, 2, 0, inner, out);
        expect(Array.from(out.data)).toEqual(new Array(2 * inner).fill(want));
      }
    }
  });

  it('rejects an unknown op, a wrong length, a non-integer dim and an overlapping out, writing nothing', () => {
    const x = arrayOf(dt, [1, 2, 3, 4, 5, 6]);
    const out = alloc(dt, 2);
    expect(() => reduce('mean' as ReduceOp, x, 2, 3, 1, out)).toThrow(/Invalid op: mean/);
    expect(() => reduce('sum', x, 2, 2, 1, out)).toThrow(/x has length 6, expected 4/);
    expect(() => reduce('sum', x, 1, 6, 1, out)).toThrow(/out has length 2, expected 1/);
    expect(() => reduce('sum', x, 2, 1.5, 2, out)).toThrow(/Invalid n: 1.5/);
    expect(() => reduce('sum', x, 3, 2, 1, x)).toThrow(/out has length 6, expected 3/);
    expect(Array.from(out.data)).toEqual([0, 0]);
  });
});

describe('f32 sums accumulate in f64', () => {
  it('a 1e6-element row sum and a 1e5 x 16 column sum are accurate to 1e-6 relative', () => {
    const values = randomArray(Float32Array, 1_000_000, 42).map((v) => v + 1.5); // all positive
    let exact = 0;
    for (const v of values) exact += v;
    const x = fromArray(values);
    const out = alloc('f32', 1);
    reduce('sum', x, 1, values.length, 1, out);
    expect(Math.abs(out.data[0] / exact - 1)).toBeLessThan(1e-6);
    const cols = alloc('f32', 16);
    reduce('sum', x, 1, values.length / 16, 16, cols);
    const colExact = new Float64Array(16);
    values.forEach((v, i) => {
      colExact[i % 16] += v;
    });
    colExact.forEach((w, j) => {
      expect(Math.abs(cols.data[j] / w - 1)).toBeLessThan(1e-6);
    });
  });
});
