import { describe, expect, it } from 'vitest';
import { fromArray } from './arena.js';
import { groupNorms, penaltyL1L2, scaleGroups, softThreshold } from './regularizers.js';
import { randomArray } from './test-support/random.js';

type FloatCtor = new (n: number) => Float32Array | Float64Array;
const dtypes: [string, FloatCtor, number][] = [
  ['f32', Float32Array, 1e-5],
  ['f64', Float64Array, 1e-13],
];

describe.each(dtypes)('regularizer kernels (%s)', (_dt, Ctor, tol) => {
  it('penaltyL1L2 matches a naive loop for value and gradient, every length 0..67', () => {
    for (let n = 0; n <= 67; n++) {
      const x = randomArray(Ctor, n, 3 * n + 1);
      if (n > 3) x[2] = 0; // sign(0) = 0
      const g0 = randomArray(Ctor, n, 3 * n + 2);
      const c = { l1: 0.3, a: 0.7, b: 1.4 };
      let ref = 0;
      const gRef = Float64Array.from(g0);
      for (let i = 0; i < n; i++) {
        ref += c.l1 * Math.abs(x[i]) + c.a * x[i] * x[i];
        gRef[i] += c.l1 * Math.sign(x[i]) + c.b * x[i];
      }
      const xs = fromArray(x);
      const gs = fromArray(g0);
      const v = penaltyL1L2(xs, gs, c);
      expect(Math.abs(v - ref)).toBeLessThanOrEqual(tol * (1 + Math.abs(ref)) * 10);
      for (let i = 0; i < n; i++) expect(Math.abs(gs.data[i] - gRef[i])).toBeLessThanOrEqual(tol * 10);
      expect(penaltyL1L2(xs, null, c)).toBeCloseTo(v, 10);
      xs.free();
      gs.free();
    }
  });

  it('softThreshold matches sign(x) max(|x| - t, 0) times scale, every length 0..67', () => {
    for (let n = 0; n <= 67; n++) {
      const x = randomArray(Ctor, n, 5 * n + 1);
      const xs = fromArray(x);
      softThreshold(xs, 0.4, 0.5);
      for (let i = 0; i < n; i++) {
        const want = 0.5 * Math.sign(x[i]) * Math.max(Math.abs(x[i]) - 0.4, 0);
        expect(Math.abs(xs.data[i] - want)).toBeLessThanOrEqual(tol);
      }
      xs.free();
    }
  });

  it('groupNorms and scaleGroups work by rows and by columns', () => {
    const rows = 7;
    const cols = 5;
    const x = randomArray(Ctor, rows * cols, 99);
    for (const byRows of [true, false]) {
      const xs = fromArray(x);
      const norms = groupNorms(xs, rows, cols, byRows);
      const factors = Float64Array.from(norms, (_, k) => k + 1);
      scaleGroups(xs, rows, cols, byRows, factors);
      for (let i = 0; i < rows; i++) {
        let rowSq = 0;
        for (let j = 0; j < cols; j++) rowSq += x[i * cols + j] ** 2;
        if (byRows) expect(norms[i]).toBeCloseTo(Math.sqrt(rowSq), 5);
        for (let j = 0; j < cols; j++) {
          const f = factors[byRows ? i : j];
          expect(xs.data[i * cols + j]).toBeCloseTo(x[i * cols + j] * f, 5);
        }
      }
      xs.free();
    }
  });

  it('names the wrong argument', () => {
    const x = fromArray(new Ctor(6));
    expect(() => penaltyL1L2(x, fromArray(new Ctor(5)), { l1: 1, a: 0, b: 0 })).toThrow(
      /x has 6 elements, grad has 5/,
    );
    expect(() => softThreshold(x, -1)).toThrow(/Invalid threshold t: -1/);
    expect(() => groupNorms(x, 4, 2, true)).toThrow(/expected rows \* cols = 4 \* 2 = 8/);
    expect(() => scaleGroups(x, 2, 3, true, new Float64Array(3))).toThrow(/factors has length 3, expected 2/);
  });
});
