import { describe, expect, it } from 'vitest';
import { type DType, type FloatArray, fromArray, growMemory } from './arena.js';
import { gemv } from './blas2.js';
import { matrixFrom } from './matrix.js';
import { randomArray } from './test-support/random.js';

interface FloatCtor {
  new (n: number): FloatArray;
  from(values: ArrayLike<number>): FloatArray;
}
const dtypes: [DType, FloatCtor][] = [
  ['f32', Float32Array],
  ['f64', Float64Array],
];

/** Naive y = alpha op(A) x + beta y in f64 (beta = 0 ignores y). */
function gemvRef(
  trans: boolean,
  m: number,
  n: number,
  alpha: number,
  a: FloatArray,
  x: FloatArray,
  beta: number,
  y: FloatArray,
) {
  const rows = trans ? n : m;
  const cols = trans ? m : n;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += (trans ? a[j * n + i] : a[i * n + j]) * x[j];
    out[i] = alpha * s + (beta === 0 ? 0 : beta * y[i]);
  }
  return out;
}

const shapes: [number, number][] = [
  [0, 0],
  [0, 5],
  [5, 0],
  [1, 1],
  [1, 17],
  [17, 1],
  [3, 5],
  [4, 8],
  [7, 13],
  [13, 7],
  [33, 67],
  [67, 33],
  [128, 129],
];
const scalars: [number, number][] = [
  [1, 0],
  [2.5, 0],
  [1, 1],
  [-0.5, 0.75],
  [0, 2],
];

describe.each(dtypes)('gemv (%s)', (dt, Ctor) => {
  const tol = dt === 'f32' ? 1e-5 : 1e-13;
  for (const trans of [false, true]) {
    it(`matches a naive loop for every row count and column count 0..67 (trans = ${trans})`, () => {
      const sizes: [number, number][] = [];
      for (let d = 0; d <= 67; d++) sizes.push([d, 5], [6, d]);
      for (const [m, n] of sizes) {
        const a = randomArray(Ctor, m * n, m * 67 + n);
        const x = randomArray(Ctor, trans ? m : n, m + 1);
        const y = randomArray(Ctor, trans ? n : m, n + 1);
        const wy = fromArray(y);
        gemv(matrixFrom(m, n, a), fromArray(x), wy, { trans, alpha: 0.5, beta: -2 });
        const want = gemvRef(trans, m, n, 0.5, a, x, -2, y);
        const got = wy.toArray();
        for (let i = 0; i < want.length; i++) {
          expect(Math.abs(got[i] - want[i]), `${m}x${n} [${i}]`).toBeLessThanOrEqual(tol * 4 * (m + n + 1));
        }
      }
    });

    it(`matches a naive loop for odd shapes and alpha/beta variants (trans = ${trans})`, () => {
      for (const [m, n] of shapes) {
        for (const [alpha, beta] of scalars) {
          const a = randomArray(Ctor, m * n, m * 31 + n);
          const x = randomArray(Ctor, trans ? m : n, m + 2);
          const y = randomArray(Ctor, trans ? n : m, n + 3);
          const wy = fromArray(y);
          gemv(matrixFrom(m, n, a), fromArray(x), wy, { trans, alpha, beta });
          const want = gemvRef(trans, m, n, alpha, a, x, beta, y);
          const got = wy.toArray();
          const scale = (trans ? m : n) + 1;
          for (let i = 0; i < want.length; i++) {
            expect(
              Math.abs(got[i] - want[i]),
              `${m}x${n} alpha ${alpha} beta ${beta} [${i}]`,
            ).toBeLessThanOrEqual(tol * scale);
          }
        }
      }
    });

    it(`overwrites y when beta = 0, even where y holds NaN (trans = ${trans})`, () => {
      const [m, n] = [9, 6];
      const a = randomArray(Ctor, m * n, 5);
      const x = randomArray(Ctor, trans ? m : n, 6);
      const y = new Ctor(trans ? n : m).fill(Number.NaN);
      const wy = fromArray(y);
      gemv(matrixFrom(m, n, a), fromArray(x), wy, { trans, beta: 0 });
      const want = gemvRef(trans, m, n, 1, a, x, 0, y);
      const got = wy.toArray();
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    });
  }

  it('names the argument whose length does not fit op(A)', () => {
    const A = matrixFrom(2, 3, new Ctor(6));
    expect(() => gemv(A, fromArray(new Ctor(2)), fromArray(new Ctor(2)))).toThrow(
      /A is 2x3, x has 2 elements \(expected 3\)/,
    );
    expect(() => gemv(A, fromArray(new Ctor(3)), fromArray(new Ctor(3)))).toThrow(
      /A is 2x3, y has 3 elements \(expected 2\)/,
    );
    expect(() => gemv(A, fromArray(new Ctor(3)), fromArray(new Ctor(2)), { trans: true })).toThrow(
      /Aᵀ is 3x2, x has 3/,
    );
    expect(() => gemv(A, fromArray(new Ctor(3)), fromArray(new Ctor(2)), { alpha: Number.NaN })).toThrow(
      /Invalid alpha: NaN/,
    );
  });

  it('refuses a y that overlaps x, and leaves y unchanged', () => {
    const A = matrixFrom(3, 3, randomArray(Ctor, 9, 1));
    const x = fromArray(Ctor.from([1, 2, 3]));
    expect(() => gemv(A, x, x)).toThrow(/y overlaps x/);
    expect(Array.from(x.toArray())).toEqual([1, 2, 3]);
  });

  it('keeps giving right answers after kernel memory grows between calls', () => {
    const a = randomArray(Ctor, 40 * 30, 8);
    const A = matrixFrom(40, 30, a);
    const x = fromArray(randomArray(Ctor, 30, 9));
    const y = fromArray(new Ctor(40));
    gemv(A, x, y);
    const first = y.toArray();
    growMemory(1 << 20);
    gemv(A, x, y, { beta: 0 });
    expect(y.toArray()).toEqual(first);
  });
});
