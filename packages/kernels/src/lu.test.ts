import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromArray, memoryStats } from './arena.js';
import { det, lu, luSolve, SingularMatrixError, solve } from './lu.js';
import { distance, frobenius, matmul, randomMatrix } from './test-support/dense-reference.js';

interface LuCase {
  name: string;
  n: number;
  a: number[];
  lu: number[];
  pivots: number[];
  det: number;
  b: number[];
  x: number[];
}
const fixtures = JSON.parse(
  readFileSync(fileURLToPath(new URL('../test/fixtures/linalg.json', import.meta.url)), 'utf8'),
) as { lu: LuCase[] };

const matrix = (n: number, data: ArrayLike<number>) => ({ rows: n, cols: n, data: Float64Array.from(data) });

/** P A, with P applied as LAPACK's interchange sequence (row k swapped with row pivots[k], in order). */
function permuteRows(A: Float64Array, n: number, pivots: Int32Array): Float64Array {
  const PA = A.slice();
  for (let k = 0; k < n; k++) {
    const p = pivots[k];
    for (let j = 0; j < n; j++) [PA[k * n + j], PA[p * n + j]] = [PA[p * n + j], PA[k * n + j]];
  }
  return PA;
}

/** L (unit lower) times U (upper), unpacked from lu()'s packed result. */
function unpackProduct(packed: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  const U = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j < i) L[i * n + j] = packed[i * n + j];
      else U[i * n + j] = packed[i * n + j];
    }
    L[i * n + i] = 1;
  }
  return matmul(L, U, n, n, n);
}

const hilbert = (n: number) =>
  Float64Array.from({ length: n * n }, (_, k) => 1 / (Math.floor(k / n) + (k % n) + 1));

describe('lu', () => {
  it('satisfies P A = L U on random square matrices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 48 }), fc.integer({ min: 0, max: 2 ** 30 }), (n, seed) => {
        const A = randomMatrix(n, n, seed);
        const { lu: packed, pivots, sign } = lu(matrix(n, A));
        let swaps = 0;
        for (let k = 0; k < n; k++) if (pivots[k] !== k) swaps++;
        if (sign !== (swaps % 2 === 0 ? 1 : -1)) return false;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < i; j++) if (Math.abs(packed[i * n + j]) > 1) return false;
        return distance(permuteRows(A, n, pivots), unpackProduct(packed, n)) <= 1e-13 * n * frobenius(A);
      }),
      { numRuns: 60 },
    );
  });

  it.each(fixtures.lu.map((c) => [c.name, c] as const))(
    'matches scipy.linalg.lu_factor, numpy.linalg.det and numpy.linalg.solve on the %s matrix',
    (_name, c) => {
      const f = lu(matrix(c.n, c.a));
      expect(Array.from(f.pivots)).toEqual(c.pivots);
      expect(distance(f.lu, c.lu)).toBeLessThan(1e-12 * c.n);
      expect(Math.abs(det(matrix(c.n, c.a)) - c.det)).toBeLessThanOrEqual(1e-12 * Math.abs(c.det));
      const x = solve(matrix(c.n, c.a), Float64Array.from(c.b));
      expect(distance(x, c.x)).toBeLessThanOrEqual(1e-11 * frobenius(c.x));
      expect(luSolve(f, Float64Array.from(c.b))).toEqual(x);
    },
  );

  it('factors a singular matrix without throwing (U has a zero pivot)', () => {
    const f = lu(matrix(2, [1, 2, 2, 4]));
    expect(f.lu[3]).toBe(0);
    expect(det(matrix(2, [1, 2, 2, 4]))).toBe(0);
  });

  it('handles the 0 x 0 and 1 x 1 cases', () => {
    expect(lu(matrix(0, []))).toEqual({ lu: new Float64Array(0), pivots: new Int32Array(0), sign: 1 });
    expect(det(matrix(0, []))).toBe(1);
    expect(det(matrix(1, [-3]))).toBe(-3);
    expect(Array.from(solve(matrix(1, [4]), Float64Array.of(2)))).toEqual([0.5]);
    expect(solve(matrix(0, []), new Float64Array(0))).toEqual(new Float64Array(0));
  });
});

describe('solve', () => {
  it('solves random systems to a backward-stable residual ‖A x - b‖ <= 1e-13 n ‖A‖ ‖x‖', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 2 ** 30 }), (n, seed) => {
        const A = randomMatrix(n, n, seed);
        const b = randomMatrix(n, 1, seed + 7);
        const x = solve(matrix(n, A), b);
        return distance(matmul(A, x, n, n, 1), b) <= 1e-13 * n * frobenius(A) * frobenius(x);
      }),
      { numRuns: 40 },
    );
  });

  it.each([6, 8, 10])('solves the ill-conditioned Hilbert system of order %i to a small residual', (n) => {
    const A = hilbert(n);
    const xTrue = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1));
    const b = matmul(A, xTrue, n, n, 1);
    const x = solve(matrix(n, A), b);
    expect(distance(matmul(A, x, n, n, 1), b)).toBeLessThanOrEqual(1e-14 * n * frobenius(A) * frobenius(x));
    // forward error is bounded by cond(A) ε: cond ≈ 1.5e7, 1.5e10, 1.6e13 for n = 6, 8, 10
    expect(distance(x, xTrue) / frobenius(xTrue)).toBeLessThan({ 6: 1e-8, 8: 1e-5, 10: 1e-2 }[n]!);
  });

  it('solves every column of an n x k right-hand side, with luSolve giving the same', () => {
    const n = 12;
    const k = 4;
    const A = randomMatrix(n, n, 31);
    const X = randomMatrix(n, k, 32);
    const B = { rows: n, cols: k, data: matmul(A, X, n, n, k) };
    const got = solve(matrix(n, A), B);
    expect(distance(got, X)).toBeLessThan(1e-11);
    expect(luSolve(lu(matrix(n, A)), B)).toEqual(got);
  });

  it.each([
    ['an exactly singular 2 x 2 matrix', 2, [1, 2, 2, 4], 1],
    ['[[1,2,3],[4,5,6],[7,8,9]] (singular to working precision)', 3, [1, 2, 3, 4, 5, 6, 7, 8, 9], 2],
    ['the zero matrix', 3, new Array(9).fill(0), 0],
  ])('throws SingularMatrixError for %s and frees its memory', (_name, n, a, pivot) => {
    const before = memoryStats().bytesInUse;
    let caught: unknown;
    try {
      solve(matrix(n, a), new Float64Array(n).fill(1));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SingularMatrixError);
    expect((caught as SingularMatrixError).pivot).toBe(pivot);
    expect((caught as Error).message).toMatch(/A is singular: pivot/);
    expect(memoryStats().bytesInUse).toBe(before);
  });

  it('luSolve throws SingularMatrixError on an exactly zero pivot', () => {
    expect(() => luSolve(lu(matrix(2, [1, 2, 2, 4])), Float64Array.of(1, 1))).toThrow(SingularMatrixError);
  });

  it('accepts a WasmMatrix and leaves it unchanged', () => {
    const A = randomMatrix(10, 10, 41);
    const data = fromArray(A.slice());
    const b = randomMatrix(10, 1, 42);
    expect(solve({ rows: 10, cols: 10, data }, b)).toEqual(solve(matrix(10, A), b));
    expect(det({ rows: 10, cols: 10, data })).toBe(det(matrix(10, A)));
    expect(data.toArray()).toEqual(A);
    data.free();
  });

  it('rejects bad arguments, naming them', () => {
    expect(() => solve({ rows: 2, cols: 3, data: new Float64Array(6) }, new Float64Array(2))).toThrow(
      /A must be square, got 2 x 3/,
    );
    expect(() => solve(matrix(3, [1, 0, 0, 0, 1, 0, 0, 0, 1]), new Float64Array(2))).toThrow(
      /A is 3 x 3, b has 2 elements/,
    );
    expect(() => solve(matrix(2, [1, 0, 0, 1]), { rows: 3, cols: 1, data: new Float64Array(3) })).toThrow(
      /A is 2 x 2, b has 3 rows/,
    );
    expect(() => det(matrix(2, [1, Number.NaN, 0, 1]))).toThrow(/A has a non-finite entry NaN at \(0, 1\)/);
    expect(() =>
      luSolve({ lu: new Float64Array(3), pivots: new Int32Array(2), sign: 1 }, new Float64Array(2)),
    ).toThrow(/factorization\.lu has 3 values, expected pivots\.length² = 4/);
  });
});

describe('det', () => {
  it('matches ad - bc on 2 x 2 matrices and the diagonal product on triangular ones', () => {
    expect(det(matrix(2, [3, 8, 4, 6]))).toBeCloseTo(3 * 6 - 8 * 4, 13);
    expect(det(matrix(3, [2, 0, 0, 5, -3, 0, 1, 7, 0.5]))).toBeCloseTo(-3, 13);
  });

  it('is the sign of the permutation for permutation matrices', () => {
    expect(det(matrix(3, [0, 1, 0, 1, 0, 0, 0, 0, 1]))).toBe(-1);
    expect(det(matrix(3, [0, 1, 0, 0, 0, 1, 1, 0, 0]))).toBe(1);
  });

  it('scales as det(c A) = cⁿ det(A)', () => {
    const A = randomMatrix(7, 7, 51);
    const cA = A.map((v) => 2 * v);
    expect(det(matrix(7, cA))).toBeCloseTo(2 ** 7 * det(matrix(7, A)), 10);
  });
});
