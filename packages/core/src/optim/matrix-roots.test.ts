import { describe, expect, it } from 'vitest';
import {
  eigenbasis,
  gemmProduct,
  householderQ,
  inverseRootEigh,
  inverseRootNewton,
  kernelHouseholderQ,
  naiveProduct,
} from './matrix-roots.js';
import { expectClose } from './test-support/conformance.js';
import { shampooSoapFixture } from './test-support/shampoo-soap-fixture.js';

/** A symmetric positive definite n x n matrix B Bᵀ + 0.1 I from a fixed pattern. */
function spd(n: number): Float64Array {
  const B = Float64Array.from({ length: n * n }, (_, k) => Math.sin(1.3 * k * k + 0.4));
  const A = naiveProduct(B, n, n, B, n, n, false, true);
  for (let i = 0; i < n; i++) A[i * n + i] += 0.1;
  return A;
}

describe('matrix roots', () => {
  it('gives diag(d)^(-1/p) for a diagonal matrix (closed form)', () => {
    const A = Float64Array.from([16, 0, 0, 0, 81, 0, 0, 0, 1]);
    const want = [0.5, 0, 0, 0, 1 / 3, 0, 0, 0, 1];
    expectClose(inverseRootEigh(A, 3, 4, 0, naiveProduct), want, 1e-14, 'eigh');
    expectClose(inverseRootNewton(A, 3, 4, 0, naiveProduct), want, 1e-12, 'newton');
  });

  it('makes X^p (A + εI) = I, by eigh and by the coupled Newton iteration, on gemm and on loops', () => {
    const n = 6;
    const A = spd(n);
    for (const p of [2, 4]) {
      for (const mm of [naiveProduct, gemmProduct]) {
        for (const X of [inverseRootEigh(A, n, p, 1e-3, mm), inverseRootNewton(A, n, p, 1e-3, mm)]) {
          let Y = X;
          for (let e = 1; e < p; e++) Y = naiveProduct(Y, n, n, X, n, n);
          const Ae = A.slice();
          for (let i = 0; i < n; i++) Ae[i * n + i] += 1e-3;
          const I = naiveProduct(Y, n, n, Ae, n, n);
          expectClose(
            I,
            Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0)),
            1e-9,
            `p=${p}`,
          );
        }
      }
    }
  });

  it('orders the eigenbasis by descending eigenvalue', () => {
    const n = 5;
    const A = spd(n);
    for (let i = 0; i < n; i++) A[i * n + i] += i; // distinct eigenvalues
    const Q = eigenbasis(A, n);
    const AQ = naiveProduct(A, n, n, Q, n, n);
    const rayleigh = Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += Q[i * n + j] * AQ[i * n + j];
      return s;
    });
    for (let j = 1; j < n; j++) expect(rayleigh[j]).toBeLessThan(rayleigh[j - 1]);
  });

  it("gives numpy.linalg.qr's Q (LAPACK's signs)", () => {
    const { A, Q } = shampooSoapFixture.qr;
    expectClose(householderQ(Float64Array.from(A), 5), Q, 1e-13, 'Q');
    expectClose(kernelHouseholderQ(Float64Array.from(A), 5), Q, 1e-13, 'kernel Q');
  });

  it("gives householderQ's Q from the kernels' blocked QR (three panels of 32)", () => {
    const n = 70;
    const A = new Float64Array(n * n).map((_, i) => (Math.sin(i * 12.9898 + 78.233) * 43758.5453) % 1);
    expectClose(kernelHouseholderQ(A, n), householderQ(A, n), 1e-12, 'Q');
  });
});
