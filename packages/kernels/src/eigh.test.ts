import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromArray, memoryStats } from './arena.js';
import { eigh, eigvalsh } from './eigh.js';
import {
  distance,
  frobenius,
  fromSpectrum,
  matmul,
  randomMatrix,
  randomOrthogonal,
  symmetricFromLower,
  transpose,
} from './test-support/dense-reference.js';

interface EighCase {
  name: string;
  n: number;
  a: number[];
  values: number[];
  vectors?: number[];
}
const fixtures = JSON.parse(
  readFileSync(fileURLToPath(new URL('../test/fixtures/linalg.json', import.meta.url)), 'utf8'),
) as { eigh: EighCase[]; formula256: { n: number; values: number[] } };

const matrix = (n: number, data: ArrayLike<number>) => ({ rows: n, cols: n, data: Float64Array.from(data) });

/**
 * The contract of the issue: ‖A - Q diag(w) Qᵀ‖_F <= 1e-12 n ‖A‖_F, ‖QᵀQ - I‖_F <= 1e-12 n,
 * ascending values, and (when given) |w - expected| <= 1e-10 ‖A‖₂ (‖A‖₂ = max |expected|).
 */
function expectDecomposition(A: Float64Array, n: number, expected?: ArrayLike<number>): void {
  const { values, vectors } = eigh({ rows: n, cols: n, data: A });
  expect(values.length).toBe(n);
  expect(vectors.length).toBe(n * n);
  for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
  const VW = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) VW[i * n + j] = vectors[i * n + j] * values[j];
  const rebuilt = matmul(VW, transpose(vectors, n, n), n, n, n);
  expect(distance(rebuilt, A)).toBeLessThanOrEqual(1e-12 * n * frobenius(A));
  const gram = matmul(transpose(vectors, n, n), vectors, n, n, n);
  for (let i = 0; i < n; i++) gram[i * n + i] -= 1;
  expect(frobenius(gram)).toBeLessThanOrEqual(1e-12 * Math.max(n, 1));
  if (expected) {
    let norm2 = 0;
    for (let i = 0; i < n; i++) norm2 = Math.max(norm2, Math.abs(expected[i]));
    for (let i = 0; i < n; i++) expect(Math.abs(values[i] - expected[i])).toBeLessThanOrEqual(1e-10 * norm2);
  }
}

describe('eigh against numpy.linalg.eigh (fixtures from test/fixtures/make_linalg_fixtures.py)', () => {
  it.each(fixtures.eigh.map((c) => [c.name, c] as const))(
    'decomposes the %s matrix and matches its eigenvalues',
    (_name, c) => {
      expectDecomposition(Float64Array.from(c.a), c.n, c.values);
    },
  );

  it.each(fixtures.eigh.filter((c) => c.vectors).map((c) => [c.name, c] as const))(
    'gives the same eigenvectors as numpy up to sign for the %s matrix',
    (_name, c) => {
      const n = c.n;
      const { vectors } = eigh(matrix(n, c.a));
      const ref = c.vectors!;
      for (let j = 0; j < n; j++) {
        let dotRef = 0;
        for (let i = 0; i < n; i++) dotRef += vectors[i * n + j] * ref[i * n + j];
        const sign = Math.sign(dotRef);
        for (let i = 0; i < n; i++)
          expect(Math.abs(vectors[i * n + j] - sign * ref[i * n + j])).toBeLessThan(1e-9);
      }
    },
  );

  it('matches numpy on the n = 256 matrix a_ij = (((i+1)(j+1) 37 + (i+j) 11) mod 97) / 48 - 1', () => {
    const n = fixtures.formula256.n;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) A[i * n + j] = (((i + 1) * (j + 1) * 37 + (i + j) * 11) % 97) / 48 - 1;
    }
    expectDecomposition(A, n, fixtures.formula256.values);
  });
});

describe('eigh on n = 256 matrices with a known spectrum (Q diag(w) Qᵀ, Q random orthogonal)', () => {
  const n = 256;
  const Q = randomOrthogonal(n, 256);
  const ascending = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  const spectra: [string, Float64Array][] = [
    ['ill-conditioned (eigenvalues 1e-10..1e2)', ascending((i) => 10 ** (-10 + (12 * i) / (n - 1)))],
    ['indefinite (eigenvalues -5..5)', ascending((i) => -5 + (10 * i) / (n - 1))],
    [
      'repeated-eigenvalue (-1 x 100, 0.5 x 56, 3 x 100)',
      ascending((i) => (i < 100 ? -1 : i < 156 ? 0.5 : 3)),
    ],
    ['rank-1 (255 zeros and 7)', ascending((i) => (i === n - 1 ? 7 : 0))],
  ];
  it.each(spectra)('decomposes the %s matrix and finds its spectrum', (_name, w) => {
    expectDecomposition(fromSpectrum(w, Q), n, w);
  });

  it('decomposes the zero matrix into zeros and the identity', () => {
    const { values, vectors } = eigh(matrix(n, new Float64Array(n * n)));
    expect(Array.from(values).every((v) => v === 0)).toBe(true);
    let mismatches = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) if (vectors[i * n + j] !== (i === j ? 1 : 0)) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('sorts the entries of a diagonal matrix and permutes the identity', () => {
    const d = Float64Array.from({ length: n }, (_, i) => ((i * 89) % n) - 100.5);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) A[i * n + i] = d[i];
    const { values, vectors } = eigh(matrix(n, A));
    expect(Array.from(values)).toEqual(Array.from(d).sort((x, y) => x - y));
    for (let j = 0; j < n; j++) {
      const i = d.indexOf(values[j]);
      expect(Math.abs(vectors[i * n + j])).toBe(1);
    }
  });
});

describe('eigh on matrices with closed-form spectra and on random sizes', () => {
  it.each([2, 7, 101])(
    'finds the eigenvalues -(n-1), -(n-3), ..., n-1 of the symmetric Clement matrix of order %i',
    (n) => {
      const A = new Float64Array(n * n);
      for (let i = 1; i < n; i++) A[i * n + i - 1] = A[(i - 1) * n + i] = Math.sqrt(i * (n - i));
      expectDecomposition(
        A,
        n,
        Float64Array.from({ length: n }, (_, i) => -(n - 1) + 2 * i),
      );
    },
  );

  it('decomposes random symmetric matrices of every size from 1 to 40', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 2 ** 30 }), (n, seed) => {
        expectDecomposition(symmetricFromLower(randomMatrix(n, n, seed), n), n);
      }),
      { numRuns: 40 },
    );
  });
});

describe('eigh: small cases, input handling and errors', () => {
  it('returns empty arrays for a 0 x 0 matrix', () => {
    expect(eigh(matrix(0, []))).toEqual({ values: new Float64Array(0), vectors: new Float64Array(0) });
    expect(eigvalsh(matrix(0, []))).toEqual(new Float64Array(0));
  });

  it('returns the entry and [1] for a 1 x 1 matrix', () => {
    const { values, vectors } = eigh(matrix(1, [-2.5]));
    expect(Array.from(values)).toEqual([-2.5]);
    expect(Array.from(vectors)).toEqual([1]);
  });

  it('matches the closed form (a+c)/2 ± sqrt(((a-c)/2)² + b²) on 2 x 2 matrices', () => {
    for (const [a, b, c] of [
      [1, 2, 3],
      [-4, 0.5, 10],
      [1e-3, 1e3, -1e-3],
      [5, 0, 5],
    ]) {
      const r = Math.hypot((a - c) / 2, b);
      const w = eigvalsh(matrix(2, [a, b, b, c]));
      expect(w[0]).toBeCloseTo((a + c) / 2 - r, 12);
      expect(w[1]).toBeCloseTo((a + c) / 2 + r, 12);
      expectDecomposition(Float64Array.from([a, b, b, c]), 2, [(a + c) / 2 - r, (a + c) / 2 + r]);
    }
  });

  it.each([1e200, 1e-200, 1e306])(
    'decomposes a matrix scaled by %s without overflow or underflow',
    (scale) => {
      const c = fixtures.eigh.find((x) => x.n === 17)!;
      const A = Float64Array.from(c.a, (v) => v * scale);
      expectDecomposition(
        A,
        17,
        Float64Array.from(c.values, (v) => v * scale),
      );
    },
  );

  it('gives eigvalsh the eigenvalues eigh gives to within 1e-13 ‖A‖ (QL vs divide and conquer)', () => {
    const c = fixtures.eigh.find((x) => x.n === 64)!;
    const w = eigvalsh(matrix(64, c.a));
    const { values } = eigh(matrix(64, c.a));
    const norm = Math.max(...values.map(Math.abs));
    for (let i = 0; i < 64; i++) expect(Math.abs(w[i] - values[i])).toBeLessThanOrEqual(1e-13 * norm);
  });

  it('reads only the lower triangle (the upper one may hold anything, even NaN)', () => {
    const c = fixtures.eigh.find((x) => x.n === 17)!;
    const A = Float64Array.from(c.a);
    for (let i = 0; i < 17; i++) for (let j = i + 1; j < 17; j++) A[i * 17 + j] = Number.NaN;
    const got = eigh({ rows: 17, cols: 17, data: A });
    expect(got).toEqual(eigh(matrix(17, symmetricFromLower(Float64Array.from(c.a), 17))));
  });

  it('accepts a WasmMatrix, leaves it unchanged and frees all its scratch memory', () => {
    const c = fixtures.eigh.find((x) => x.n === 33)!;
    const data = fromArray(Float64Array.from(c.a));
    const before = memoryStats().bytesInUse;
    const got = eigh({ rows: 33, cols: 33, data });
    expect(memoryStats().bytesInUse).toBe(before);
    expect(Array.from(data.data)).toEqual(c.a);
    expect(got).toEqual(eigh(matrix(33, c.a)));
    data.free();
  });

  it('rejects a non-square, non-f64 or non-finite A, naming it', () => {
    expect(() => eigh({ rows: 2, cols: 3, data: new Float64Array(6) })).toThrow(
      /A must be square, got 2 x 3/,
    );
    expect(() => eigh({ rows: 2, cols: 2, data: new Float32Array(4) as unknown as Float64Array })).toThrow(
      /A\.data must be a Float64Array/,
    );
    expect(() => eigvalsh({ rows: 2, cols: 2, data: fromArray(new Float32Array(4)) as never })).toThrow(
      /A has dtype f32, expected f64/,
    );
    expect(() => eigh(matrix(2, [1, 0, Number.NaN, 1]))).toThrow(/A has a non-finite entry NaN at \(1, 0\)/);
    expect(() => eigh({ rows: 2, cols: 2, data: new Float64Array(3) })).toThrow(
      /A\.data has length 3, expected/,
    );
  });
});
