import { describe, expect, it } from 'vitest';
import { alloc, fromArray } from './arena.js';
import { gemmBatched } from './gemm-batched.js';
import { randomArray } from './test-support/random.js';

/** Naive op(A_b) op(B_b) in f64 for one b (row-major, contiguous). */
function productRef(
  tA: boolean,
  tB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  b: Float64Array,
) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += (tA ? a[p * m + i] : a[i * k + p]) * (tB ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  return c;
}

describe('gemmBatched', () => {
  for (const [tA, tB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`equals one naive product per batch item (transA ${tA}, transB ${tB}, B broadcast, offsets)`, () => {
      const [batch, m, n, k] = [3, 5, 7, 6];
      const a = randomArray(Float64Array, 2 + batch * m * k, 1);
      const b = randomArray(Float64Array, k * n, 2);
      const A = fromArray(a);
      const B = fromArray(b);
      const C = alloc('f64', 1 + batch * m * n);
      gemmBatched(
        batch,
        m,
        n,
        k,
        { data: A, offset: 2, stride: m * k },
        { data: B, stride: 0 },
        { data: C, offset: 1, stride: m * n },
        { transA: tA, transB: tB },
      );
      const c = C.data;
      expect(c[0]).toBe(0);
      for (let i = 0; i < batch; i++) {
        const ref = productRef(tA, tB, m, n, k, a.subarray(2 + i * m * k, 2 + (i + 1) * m * k), b);
        for (let j = 0; j < m * n; j++) expect(c[1 + i * m * n + j]).toBeCloseTo(ref[j], 12);
      }
    });
  }

  it('refuses an operand that does not hold the batch, before writing', () => {
    const A = alloc('f32', 10);
    const B = alloc('f32', 4);
    const C = alloc('f32', 8);
    C.data.fill(7);
    expect(() =>
      gemmBatched(2, 2, 2, 2, { data: A, stride: 4 }, { data: B, stride: 0 }, { data: C, stride: 4 }),
    ).not.toThrow();
    C.data.fill(7);
    expect(() =>
      gemmBatched(3, 2, 2, 2, { data: A, stride: 4 }, { data: B, stride: 0 }, { data: C, stride: 4 }),
    ).toThrow(/A: 3 matrices of 4 elements/);
    expect([...C.data]).toEqual([7, 7, 7, 7, 7, 7, 7, 7]);
  });
});
