import { afterAll, describe, expect, it } from 'vitest';
import { eigh, eigvalsh } from '../eigh.js';
import { fromSpectrum, matmul, randomMatrix, randomOrthogonal } from '../test-support/dense-reference.js';
import { poolJobs, setThreads } from './config.js';
import { setEighMinN } from './eigh-threads.js';
import { setCrossovers } from './parallel.js';

// The reference is the one-thread kernel eigh_f64 (tested against numpy and LAPACK in eigh.test.ts
// and eigh-scale.test.ts): on threads, every value and vector must have the same bits.

afterAll(() => setThreads(1));

const square = (n: number, data: Float64Array) => ({ rows: n, cols: n, data });

/** eigh (or eigvalsh) of A on `threads` threads, values then vectors in one array. */
function on(threads: number, n: number, A: Float64Array, vectors = true): Float64Array {
  setThreads(threads);
  if (!vectors) return eigvalsh(square(n, A));
  const { values, vectors: V } = eigh(square(n, A));
  const out = new Float64Array(n + n * n);
  out.set(values);
  out.set(V, n);
  return out;
}

/** Indices whose bits differ (Object.is: -0 and 0 differ). */
function diffs(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) d++;
  return d;
}

function expectSameOnThreads(n: number, A: Float64Array, vectors = true): void {
  const one = on(1, n, A, vectors);
  for (const t of [2, 3]) expect(diffs(on(t, n, A, vectors), one), `${t} threads, n = ${n}`).toBe(0);
}

/** A symmetric matrix with each of the eigenvalues 1, 2, 3 repeated n / 3 times (heavy deflation). */
function repeated(n: number, seed: number): Float64Array {
  const w = Array.from({ length: n }, (_, i) => 1 + (i % 3));
  return fromSpectrum(w, randomOrthogonal(n, seed));
}

describe('eigh on the worker pool', () => {
  it.each([256, 257, 333, 515])(
    'gives the same bits on 1, 2 and 3 threads for a random matrix, n = %i',
    (n) => {
      expectSameOnThreads(n, randomMatrix(n, n, n));
    },
  );

  it('gives the same bits when every product is split, at small and odd orders', () => {
    const gemm = setCrossovers({ gemm: 0 });
    const minN = setEighMinN(1);
    try {
      for (const n of [1, 2, 3, 33, 97, 130, 131, 200, 259])
        expectSameOnThreads(n, randomMatrix(n, n, 7 * n));
    } finally {
      setCrossovers(gemm);
      setEighMinN(minN);
    }
  });

  it('gives the same bits for a matrix with repeated eigenvalues (deflation in the merges)', () => {
    const n = 300;
    const A = repeated(n, 3);
    expectSameOnThreads(n, A);
    // and it is an eigendecomposition: each eigenvalue within 1e-12 of 1, 2 or 3
    setThreads(2);
    const { values } = eigh(square(n, A));
    for (let i = 0; i < n; i++)
      expect(Math.abs(values[i] - (1 + Math.floor((3 * i) / n)))).toBeLessThan(1e-12);
  });

  it('gives the same bits for a graded matrix reduced from its large end (QL instead of D&C)', () => {
    const n = 260;
    const A = randomMatrix(n, n, 11);
    // large entries at the top: eigh reverses A, and the tridiagonal is graded, so QL solves it
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] *= 10 ** (-(i + j) / 20);
    expectSameOnThreads(n, A);
  });

  it('gives the same bits for eigvalsh (the reduction on threads, then QL)', () => {
    expectSameOnThreads(333, randomMatrix(333, 333, 5), false);
  });

  it('runs the products as pool jobs and still decomposes A: ‖A V - V diag(w)‖ <= 1e-12 n ‖A‖', () => {
    const n = 400;
    const A = randomMatrix(n, n, 2);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[j * n + i] = A[i * n + j];
    setThreads(2);
    const before = poolJobs();
    const { values, vectors } = eigh(square(n, A));
    expect(poolJobs() - before).toBeGreaterThan(20);
    const AV = matmul(A, vectors, n, n, n);
    let err = 0;
    let norm = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        err += (AV[i * n + j] - vectors[i * n + j] * values[j]) ** 2;
        norm += A[i * n + j] ** 2;
      }
    }
    expect(Math.sqrt(err)).toBeLessThanOrEqual(1e-12 * n * Math.sqrt(norm));
  });

  it('leaves orders below EIGH_MIN_N (256) on one thread', () => {
    setThreads(2);
    const before = poolJobs();
    eigh(square(255, randomMatrix(255, 255, 4)));
    expect(poolJobs()).toBe(before);
  });
});
