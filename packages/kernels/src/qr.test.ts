import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryStats } from './arena.js';
import { qr } from './qr.js';
import { distance, matmul, randomMatrix, transpose } from './test-support/dense-reference.js';

interface QRCase {
  name: string;
  rows: number;
  cols: number;
  a: number[];
  q: number[];
  r: number[];
}
const fixtures = JSON.parse(
  readFileSync(fileURLToPath(new URL('../test/fixtures/qr.json', import.meta.url)), 'utf8'),
) as { cases: QRCase[] };

const mat = (rows: number, cols: number, data: ArrayLike<number>) => ({
  rows,
  cols,
  data: Float64Array.from(data),
});

/** Unblocked Householder QR in plain loops, column by column (LAPACK's dgeqr2 + dorg2r signs). */
function naiveQR(A: Float64Array, m: number, n: number): { q: Float64Array; r: Float64Array } {
  const R = A.slice();
  const vs: Float64Array[] = [];
  const taus: number[] = [];
  for (let k = 0; k < n; k++) {
    let xnorm = 0;
    for (let i = k + 1; i < m; i++) xnorm += R[i * n + k] ** 2;
    xnorm = Math.sqrt(xnorm);
    const alpha = R[k * n + k];
    const v = new Float64Array(m);
    let tau = 0;
    if (xnorm > 0) {
      const beta = (alpha >= 0 ? -1 : 1) * Math.hypot(alpha, xnorm);
      tau = (beta - alpha) / beta;
      v[k] = 1;
      for (let i = k + 1; i < m; i++) v[i] = R[i * n + k] / (alpha - beta);
      for (let j = k; j < n; j++) {
        let s = 0;
        for (let i = k; i < m; i++) s += v[i] * R[i * n + j];
        for (let i = k; i < m; i++) R[i * n + j] -= tau * s * v[i];
      }
    }
    vs.push(v);
    taus.push(tau);
  }
  const Q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += vs[k][i] * Q[i * n + j];
      for (let i = k; i < m; i++) Q[i * n + j] -= taus[k] * s * vs[k][i];
    }
  }
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r[i * n + j] = R[i * n + j];
  return { q: Q, r };
}

const identity = (n: number) => {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
};

describe('qr against numpy.linalg.qr (fixtures from test/fixtures/make_qr_fixtures.py)', () => {
  for (const c of fixtures.cases) {
    for (const blockSize of [16, 32, 1000]) {
      it(`gives numpy's Q and R for ${c.name} at block size ${blockSize}`, () => {
        const { q, r } = qr(mat(c.rows, c.cols, c.a), { blockSize });
        const scale = Math.max(1, ...c.a.map(Math.abs));
        expect(distance(q, c.q)).toBeLessThan(1e-12 * c.rows);
        expect(distance(r, c.r)).toBeLessThan(1e-12 * c.rows * scale);
      });
    }
  }
});

describe('qr', () => {
  for (const [m, n, blockSize] of [
    [100, 100, 32],
    [130, 57, 7],
    [65, 65, 1],
    [33, 33, 64],
  ] as const) {
    it(`has orthonormal columns and reproduces A (${m} x ${n}, block size ${blockSize})`, () => {
      const A = randomMatrix(m, n, m * 31 + n);
      const { q, r } = qr(mat(m, n, A), { blockSize });
      expect(distance(matmul(transpose(q, m, n), q, n, m, n), identity(n))).toBeLessThan(1e-13 * n);
      expect(distance(matmul(q, r, m, n, n), A)).toBeLessThan(1e-13 * m);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(r[i * n + j]).toBe(0);
    });
    it(`agrees with the naive unblocked reference (${m} x ${n}, block size ${blockSize})`, () => {
      const A = randomMatrix(m, n, m * 17 + n);
      const got = qr(mat(m, n, A), { blockSize });
      const want = naiveQR(A, m, n);
      expect(distance(got.q, want.q)).toBeLessThan(1e-12 * n);
      expect(distance(got.r, want.r)).toBeLessThan(1e-12 * n);
    });
  }

  it('handles a rank-deficient matrix (a repeated column) with orthonormal Q', () => {
    const n = 40;
    const A = randomMatrix(n, n, 5);
    for (let i = 0; i < n; i++) A[i * n + 3] = A[i * n + 1];
    const { q, r } = qr(mat(n, n, A), { blockSize: 8 });
    expect(distance(matmul(transpose(q, n, n), q, n, n, n), identity(n))).toBeLessThan(1e-12);
    expect(distance(matmul(q, r, n, n, n), A)).toBeLessThan(1e-12);
  });

  it('returns only Q with qOnly, the same Q', () => {
    const A = randomMatrix(20, 20, 9);
    const { q, r } = qr(mat(20, 20, A), { qOnly: true });
    expect(r.length).toBe(0);
    expect(Array.from(q)).toEqual(Array.from(qr(mat(20, 20, A)).q));
  });

  it('rejects a wide matrix, a bad block size and a non-finite entry, and leaks nothing', () => {
    const before = memoryStats().bytesInUse;
    expect(() => qr(mat(2, 3, new Float64Array(6)))).toThrow(/at least as many rows/);
    expect(() => qr(mat(2, 2, new Float64Array(4)), { blockSize: 0 })).toThrow(/blockSize: 0/);
    expect(() => qr(mat(2, 2, [1, Number.NaN, 0, 1]))).toThrow(/non-finite entry NaN at \(0, 1\)/);
    expect(() => qr(mat(2, 2, new Float64Array(3)))).toThrow(/length 3/);
    qr(mat(50, 50, randomMatrix(50, 50, 1)));
    expect(memoryStats().bytesInUse).toBe(before);
  });
});
