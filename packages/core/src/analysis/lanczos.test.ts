import { eigh } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { rosenbrock } from '../problems/classic-nd.js';
import { hessian, hvpOperator } from './hessian.js';
import { lanczos } from './lanczos.js';
import { seededRandom } from './seeded-random.js';

/** A random symmetric n x n matrix (entries N(0, 1), symmetrized) and its product operator. */
function randomSymmetric(n: number, seed: number) {
  const r = seededRandom(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = r.normal();
      A[i * n + j] = v;
      A[j * n + i] = v;
    }
  }
  const apply = (v: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j] * v[j];
      out[i] = s;
    }
    return out;
  };
  return { A, apply };
}

describe('lanczos', () => {
  it.each([1, 2])(
    "matches the full eigh's 5 largest and 5 smallest eigenvalues of a random symmetric 200 x 200 matrix to 1e-8 (seed %i)",
    (seed) => {
      const n = 200;
      const { A, apply } = randomSymmetric(n, seed);
      const { values } = eigh({ rows: n, cols: n, data: A });
      const result = lanczos(apply, n, 5, { seed });
      for (let i = 0; i < 5; i++) {
        expect(Math.abs(result.largest[i] - values[n - 1 - i])).toBeLessThan(1e-8);
        expect(Math.abs(result.smallest[i] - values[i])).toBeLessThan(1e-8);
      }
      expect(result.converged).toBe(true);
    },
  );

  it('stops early on a matrix with well-separated extreme eigenvalues, with unit Ritz vectors A y ≈ θ y', () => {
    const n = 300;
    // diag(1, 2, ..., 300) with two outliers, rotated by a product of reflections would also do: the
    // operator only needs products, so a diagonal one keeps the reference exact.
    const d = Float64Array.from({ length: n }, (_, i) => 1 + i / 10);
    d[0] = -50;
    d[n - 1] = 500;
    const apply = (v: Float64Array, out: Float64Array) => out.map((_, i) => d[i] * v[i]);
    const result = lanczos(apply, n, 1, { seed: 4 });
    expect(result.iterations).toBeLessThan(60);
    expect(result.largest[0]).toBeCloseTo(500, 8);
    expect(result.smallest[0]).toBeCloseTo(-50, 8);
    const y = result.largestVectors[0];
    expect(Math.hypot(...y)).toBeCloseTo(1, 12);
    expect(Math.abs(y[n - 1])).toBeCloseTo(1, 8);
  });

  it("gives the Hessian's extreme eigenvalues of Rosenbrock (n = 30) from Hessian-vector products of the gradient", () => {
    const p = rosenbrock(30);
    const x = Float64Array.from({ length: 30 }, (_, i) => 0.5 + 0.02 * i);
    const { values } = eigh(hessian(p, x));
    const result = lanczos(
      hvpOperator((z, out) => p.grad(z, out), x),
      30,
      2,
      { seed: 5 },
    );
    for (let i = 0; i < 2; i++) {
      expect(result.largest[i]).toBeCloseTo(values[29 - i], 5);
      expect(result.smallest[i]).toBeCloseTo(values[i], 5);
    }
  });

  it('is exact after n steps even when the start lies in an invariant subspace (restarts after a breakdown)', () => {
    const apply = (v: Float64Array, out: Float64Array) => out.map((_, i) => [3, 3, 1, -2][i] * v[i]);
    const result = lanczos(apply, 4, 1, { seed: 1 });
    expect(result.largest[0]).toBeCloseTo(3, 12);
    expect(result.smallest[0]).toBeCloseTo(-2, 12);
  });

  it.each([
    ['k = 0', () => lanczos((v) => v, 3, 0), /Invalid k: 0/],
    ['k > n', () => lanczos((v) => v, 3, 4), /Invalid k: 4 \(expected 1 <= k <= n = 3\)/],
    ['a bad n', () => lanczos((v) => v, 0, 1), /Invalid n: 0/],
    [
      'an operator of the wrong length',
      () => lanczos(() => new Float64Array(2), 3, 1),
      /operator returned length 2, expected n = 3/,
    ],
  ])('rejects %s', (_what, call, message) => {
    expect(call).toThrow(message);
  });
});
