import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromArray, memoryStats } from './arena.js';
import { cholesky, choleskySolve, NotPositiveDefiniteError, solveTriangular } from './cholesky.js';
import {
  distance,
  frobenius,
  fromSpectrum,
  matmul,
  randomMatrix,
  randomOrthogonal,
  randomSpd,
  transpose,
} from './test-support/dense-reference.js';

const matrix = (n: number, data: ArrayLike<number>) => ({ rows: n, cols: n, data: Float64Array.from(data) });

describe('cholesky', () => {
  it('satisfies L Lᵀ = A with L lower triangular and a positive diagonal on random SPD matrices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 48 }), fc.integer({ min: 0, max: 2 ** 30 }), (n, seed) => {
        const A = randomSpd(n, seed);
        const L = cholesky(matrix(n, A));
        for (let i = 0; i < n; i++) {
          if (!(L[i * n + i] > 0)) return false;
          for (let j = i + 1; j < n; j++) if (L[i * n + j] !== 0) return false;
        }
        return distance(matmul(L, transpose(L, n, n), n, n, n), A) <= 1e-13 * n * frobenius(A);
      }),
      { numRuns: 60 },
    );
  });

  it('factors a 2 x 2 matrix as [[√a, 0], [b/√a, √(c - b²/a)]]', () => {
    const L = cholesky(matrix(2, [4, 2, 2, 5]));
    expect(Array.from(L)).toEqual([2, 0, 1, 2]);
  });

  it('handles the 0 x 0 and 1 x 1 cases', () => {
    expect(cholesky(matrix(0, []))).toEqual(new Float64Array(0));
    expect(Array.from(cholesky(matrix(1, [9])))).toEqual([3]);
  });

  it.each([
    ['a negative 1 x 1 matrix', 1, [-1], 0],
    ['the zero matrix', 3, new Array(9).fill(0), 0],
    ['an indefinite 2 x 2 matrix', 2, [1, 2, 2, 1], 1],
    ['the singular rank-1 matrix u uᵀ, u = (1, 2, 3)', 3, [1, 2, 3, 2, 4, 6, 3, 6, 9], 1],
    ['diag(1, 2, -3, 4)', 4, [1, 0, 0, 0, 0, 2, 0, 0, 0, 0, -3, 0, 0, 0, 0, 4], 2],
  ])('throws NotPositiveDefiniteError naming the pivot for %s', (_name, n, a, pivot) => {
    const before = memoryStats().bytesInUse;
    let caught: unknown;
    try {
      cholesky(matrix(n, a));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NotPositiveDefiniteError);
    expect((caught as NotPositiveDefiniteError).pivot).toBe(pivot);
    expect((caught as Error).message).toMatch(new RegExp(`A is not positive definite: pivot ${pivot}`));
    expect(memoryStats().bytesInUse).toBe(before);
  });

  it('throws on an indefinite 64 x 64 matrix with one slightly negative eigenvalue', () => {
    const w = Float64Array.from({ length: 64 }, (_, i) => (i === 0 ? -1e-6 : 1 + i));
    expect(() => cholesky(matrix(64, fromSpectrum(w, randomOrthogonal(64, 7))))).toThrow(
      NotPositiveDefiniteError,
    );
  });

  it('reads only the lower triangle of A', () => {
    const A = randomSpd(9, 3);
    const B = A.slice();
    for (let i = 0; i < 9; i++) for (let j = i + 1; j < 9; j++) B[i * 9 + j] = Number.NaN;
    expect(cholesky(matrix(9, B))).toEqual(cholesky(matrix(9, A)));
  });

  it('accepts a WasmMatrix and leaves it unchanged', () => {
    const A = randomSpd(12, 5);
    const data = fromArray(A.slice());
    expect(cholesky({ rows: 12, cols: 12, data })).toEqual(cholesky(matrix(12, A)));
    expect(data.toArray()).toEqual(A);
    data.free();
  });

  it('reads a WasmMatrix correctly when kernel memory grows while the wrapper copies it', () => {
    // A takes ~60% of the current buffer, so the wrapper's copy of it cannot fit without growth.
    const n = Math.ceil(Math.sqrt((0.6 * memoryStats().bufferBytes) / 8));
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) A[i * n + j] = A[j * n + i] = Math.cos(i * j) / n;
      A[i * n + i] = 2;
    }
    const data = fromArray(A);
    const before = memoryStats().bufferBytes;
    const L = cholesky({ rows: n, cols: n, data });
    expect(memoryStats().bufferBytes).toBeGreaterThan(before);
    data.free();
    expect(L).toEqual(cholesky(matrix(n, A)));
  });

  it('rejects a non-square or non-finite A, naming it', () => {
    expect(() => cholesky({ rows: 1, cols: 2, data: new Float64Array(2) })).toThrow(
      /A must be square, got 1 x 2/,
    );
    expect(() => cholesky(matrix(2, [1, 0, Number.POSITIVE_INFINITY, 1]))).toThrow(
      /A has a non-finite entry Infinity at \(1, 0\)/,
    );
  });
});

describe('choleskySolve', () => {
  it('solves A x = b to a small residual on random SPD systems (vector right-hand sides)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 2 ** 30 }), (n, seed) => {
        const A = randomSpd(n, seed, 0.5);
        const b = randomMatrix(n, 1, seed + 1);
        const x = choleskySolve(cholesky(matrix(n, A)), b);
        return distance(matmul(A, x, n, n, 1), b) <= 1e-11 * frobenius(A) * frobenius(x) + 1e-13;
      }),
      { numRuns: 40 },
    );
  });

  it('solves every column of an n x k right-hand side and returns the n x k solution', () => {
    const n = 20;
    const k = 3;
    const A = randomSpd(n, 11, 0.5);
    const X = randomMatrix(n, k, 12);
    const B = matmul(A, X, n, n, k);
    const L = cholesky(matrix(n, A));
    const got = choleskySolve(L, { rows: n, cols: k, data: B });
    expect(distance(got, X)).toBeLessThan(1e-9);
    expect(choleskySolve(matrix(n, L), { rows: n, cols: k, data: B })).toEqual(got);
    const Lw = fromArray(L);
    expect(choleskySolve({ rows: n, cols: n, data: Lw }, { rows: n, cols: k, data: B })).toEqual(got);
    Lw.free();
  });

  it('handles the 0 x 0 and 1 x 1 cases', () => {
    expect(choleskySolve(new Float64Array(0), new Float64Array(0))).toEqual(new Float64Array(0));
    expect(Array.from(choleskySolve(cholesky(matrix(1, [4])), Float64Array.of(8)))).toEqual([2]);
  });

  it('names both arguments when L and b do not match', () => {
    const L = cholesky(matrix(3, [4, 0, 0, 0, 4, 0, 0, 0, 4]));
    expect(() => choleskySolve(matrix(3, L), new Float64Array(2))).toThrow(/L is 3 x 3, b has 2 elements/);
    expect(() => choleskySolve(L, new Float64Array(2))).toThrow(/L has 9 values, expected n² = 4/);
    expect(() => choleskySolve(L, Float64Array.of(1, Number.NaN, 1))).toThrow(/b has a non-finite entry NaN/);
  });
});

describe('solveTriangular', () => {
  const n = 17;
  const T = randomMatrix(n, n, 21);
  for (let i = 0; i < n; i++) T[i * n + i] = 2 + Math.abs(T[i * n + i]);
  const x = randomMatrix(n, 1, 22);
  const cases = [false, true].flatMap((lower) =>
    [false, true].flatMap((trans) => [false, true].map((unitDiagonal) => ({ lower, trans, unitDiagonal }))),
  );
  it.each(cases)('solves op(T) x = b for %o against a naive product', (options) => {
    // The matrix the options describe, built naively: the chosen triangle, unit diagonal or not.
    const M = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const inTriangle = options.lower ? j <= i : j >= i;
        if (i === j) M[i * n + j] = options.unitDiagonal ? 1 : T[i * n + j];
        else if (inTriangle) M[i * n + j] = T[i * n + j];
      }
    }
    const op = options.trans ? transpose(M, n, n) : M;
    const b = matmul(op, x, n, n, 1);
    expect(distance(solveTriangular(T, b, options), x)).toBeLessThan(1e-12);
  });
});
