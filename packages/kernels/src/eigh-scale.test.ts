import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eigh, eigvalsh } from './eigh.js';
import {
  frobenius,
  fromSpectrum,
  matmul,
  randomMatrix,
  randomOrthogonal,
  symmetricFromLower,
  transpose,
} from './test-support/dense-reference.js';

/** Fixtures from test/fixtures/make_eigh_fixtures.py (numpy.linalg.eigvalsh and mpmath at 60 digits). */
interface ScaleCase {
  name: string;
  n: number;
  a?: number[];
  numpy: number[];
  exact?: number[];
}
const fixtures = JSON.parse(
  readFileSync(fileURLToPath(new URL('../test/fixtures/eigh-scale.json', import.meta.url)), 'utf8'),
) as { graded: ScaleCase[]; wilkinson: ScaleCase[] };

const EPS = 2 ** -52;

/**
 * Backward error and orthogonality in units of n ε ‖A‖_F (resp. n ε):
 *   residual = ‖A V − V Λ‖_F / (n ε ‖A‖_F),  orthogonality = ‖VᵀV − I‖_F / (n ε).
 */
function quality(
  A: Float64Array,
  n: number,
): { residual: number; orthogonality: number; values: Float64Array } {
  const { values, vectors } = eigh({ rows: n, cols: n, data: A });
  const AV = matmul(A, vectors, n, n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) AV[i * n + j] -= vectors[i * n + j] * values[j];
  const gram = matmul(transpose(vectors, n, n), vectors, n, n, n);
  for (let i = 0; i < n; i++) gram[i * n + i] -= 1;
  return {
    residual: frobenius(AV) / (n * EPS * frobenius(A)),
    orthogonality: frobenius(gram) / (n * EPS),
    values,
  };
}

function wilkinson(m: number): Float64Array {
  const A = new Float64Array(m * m);
  const k = (m - 1) / 2;
  for (let i = 0; i < m; i++) {
    A[i * m + i] = Math.abs(i - k);
    if (i > 0) A[i * m + i - 1] = A[(i - 1) * m + i] = 1;
  }
  return A;
}

describe('eigh by divide and conquer: backward stable and orthogonal (in units of n ε ‖A‖)', () => {
  it('decomposes a random symmetric 300 x 300 matrix with residual and orthogonality below 2 n ε', () => {
    const n = 300;
    const q = quality(symmetricFromLower(randomMatrix(n, n, 31), n), n);
    expect(q.residual).toBeLessThan(2);
    expect(q.orthogonality).toBeLessThan(2);
  });

  it('keeps the eigenvectors of tight clusters (gaps 1e-13) orthogonal and finds the clustered values', () => {
    const n = 200;
    // 20 clusters of 10 eigenvalues each, c + 1e-13 j, c = -10, -9, ..., 9.
    const w = Float64Array.from({ length: n }, (_, i) => -10 + Math.floor(i / 10) + 1e-13 * (i % 10));
    const A = fromSpectrum(w, randomOrthogonal(n, 5));
    const q = quality(A, n);
    expect(q.residual).toBeLessThan(2);
    expect(q.orthogonality).toBeLessThan(2);
    for (let i = 0; i < n; i++) expect(Math.abs(q.values[i] - w[i])).toBeLessThan(n * EPS * 10);
  });

  it.each(fixtures.wilkinson.map((c) => [c.name, c] as const))(
    'matches numpy on the Wilkinson matrix %s (pairs of eigenvalues equal to 1e-14 and more)',
    (_name, c) => {
      const A = wilkinson(c.n);
      const q = quality(A, c.n);
      expect(q.residual).toBeLessThan(2);
      expect(q.orthogonality).toBeLessThan(2);
      for (let i = 0; i < c.n; i++)
        expect(Math.abs(q.values[i] - c.numpy[i])).toBeLessThan(c.n * EPS * 10 * c.numpy[c.n - 1]);
    },
  );

  it('decomposes a random 517 x 517 matrix (odd halves; the leading reflectors go to the top half before the last merge) below 2 n ε', () => {
    const n = 517;
    const q = quality(symmetricFromLower(randomMatrix(n, n, 47), n), n);
    expect(q.residual).toBeLessThan(2);
    expect(q.orthogonality).toBeLessThan(2);
  });

  it('deflates a 262 x 262 spectrum of 5 values, each repeated, and keeps the vectors orthogonal', () => {
    const n = 262;
    // Most poles of every merge deflate; the few kept ones (not a multiple of 4) mix both halves.
    const w = Float64Array.from({ length: n }, (_, i) => [-3, -0.5, 0, 1, 2.5][Math.floor((i * 5) / n)]);
    const q = quality(fromSpectrum(w, randomOrthogonal(n, 11)), n);
    expect(q.residual).toBeLessThan(2);
    expect(q.orthogonality).toBeLessThan(2);
    for (let i = 0; i < n; i++) expect(Math.abs(q.values[i] - w[i])).toBeLessThan(n * EPS * 10);
  });

  it('gives eigvalsh the eigenvalues eigh gives to within n ε ‖A‖ (QL without vectors, divide and conquer with)', () => {
    const n = 150;
    const A = symmetricFromLower(randomMatrix(n, n, 8), n);
    const w = eigvalsh({ rows: n, cols: n, data: A });
    const { values } = eigh({ rows: n, cols: n, data: A });
    for (let i = 0; i < n; i++) expect(Math.abs(w[i] - values[i])).toBeLessThan(n * EPS * frobenius(A));
  });
});

describe('eigh on graded matrices (diagonal 1e-15 .. 1e15): tiny eigenvalues to high relative accuracy', () => {
  it.each(fixtures.graded.map((c) => [c.name, c] as const))(
    'finds every eigenvalue of the graded matrix with its large entries %s to 1e4 ε relative (mpmath)',
    (_name, c) => {
      const n = c.n;
      const A = Float64Array.from(c.a!);
      const exact = c.exact!;
      const q = quality(A, n);
      const vals = eigvalsh({ rows: n, cols: n, data: A });
      for (let i = 0; i < n; i++) {
        expect(Math.abs(q.values[i] - exact[i]) / Math.abs(exact[i])).toBeLessThan(1e4 * EPS);
        expect(Math.abs(vals[i] - exact[i]) / Math.abs(exact[i])).toBeLessThan(1e4 * EPS);
      }
      expect(q.residual).toBeLessThan(2);
      expect(q.orthogonality).toBeLessThan(2);
    },
  );

  it('is as accurate as numpy or better on both orientations (numpy is off by 1e30 ε on one)', () => {
    for (const c of fixtures.graded) {
      const w = eigvalsh({ rows: c.n, cols: c.n, data: Float64Array.from(c.a!) });
      const err = (v: ArrayLike<number>) =>
        Math.max(...c.exact!.map((x, i) => Math.abs(v[i] - x) / Math.abs(x)));
      expect(err(w)).toBeLessThanOrEqual(Math.max(err(c.numpy), 1e3 * EPS));
    }
  });
});
