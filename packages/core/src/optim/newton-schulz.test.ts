import { fromArray } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { newtonSchulz, newtonSchulzReference } from './newton-schulz.js';
import { expectClose } from './test-support/conformance.js';

function seeded(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

function gram(X: ArrayLike<number>, rows: number, cols: number): number[] {
  // X Xᵀ for a wide X, Xᵀ X for a tall one (the small side)
  const k = Math.min(rows, cols);
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      if (rows <= cols) for (let l = 0; l < cols; l++) s += X[i * cols + l] * X[j * cols + l];
      else for (let l = 0; l < rows; l++) s += X[l * cols + i] * X[l * cols + j];
      out.push(s);
    }
  }
  return out;
}

const shapes = [
  [3, 5],
  [6, 4],
  [7, 7],
  [1, 9],
  [17, 33],
] as const;

describe('newtonSchulz', () => {
  it.each(shapes)('the gemm path equals the plain-loop reference (%i x %i, f64)', (rows, cols) => {
    const G = seeded(rows * cols, rows * 100 + cols);
    const out = newtonSchulz({ rows, cols, data: fromArray(G) });
    expectClose(out.data.data, newtonSchulzReference(G, rows, cols), 1e-12, `${rows}x${cols}`);
  });

  it.each(shapes)(
    'with the cubic (1.5, -0.5, 0) converges to the polar factor: Q Qᵀ = I (%i x %i)',
    (rows, cols) => {
      // a well-conditioned G: identity-like plus a small perturbation, scaled
      const k = Math.min(rows, cols);
      const G = seeded(rows * cols, 7).map((x) => 0.2 * x);
      for (let i = 0; i < k; i++) G[i * cols + i] += 3;
      const Q = newtonSchulz({ rows, cols, data: fromArray(G) }, { coefficients: [1.5, -0.5, 0], steps: 40 });
      const I = Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0));
      expectClose(gram(Q.data.data, rows, cols), I, 1e-12, 'Q Qᵀ');
      // polar factor: Q Gᵀ (wide) / Gᵀ Q (tall) is symmetric positive definite
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < i; j++) {
          let sij = 0;
          let sji = 0;
          if (rows <= cols) {
            for (let l = 0; l < cols; l++) {
              sij += Q.data.data[i * cols + l] * G[j * cols + l];
              sji += Q.data.data[j * cols + l] * G[i * cols + l];
            }
          } else {
            for (let l = 0; l < rows; l++) {
              sij += G[l * cols + i] * Q.data.data[l * cols + j];
              sji += G[l * cols + j] * Q.data.data[l * cols + i];
            }
          }
          expect(sij).toBeCloseTo(sji, 10);
        }
      }
    },
  );

  it("with torch's quintic (5 steps) brings every singular value of a random matrix into [0.5, 1.5]", () => {
    const [rows, cols] = [8, 12];
    const Q = newtonSchulz({ rows, cols, data: fromArray(seeded(rows * cols, 3)) });
    // eigenvalues of Q Qᵀ are σ²; check them through the trace bounds of the Gram matrix's diagonal
    // and, more strictly, by power iteration on Q Qᵀ and on (2.25 I - Q Qᵀ)
    const A = gram(Q.data.data, rows, cols);
    const k = rows;
    const power = (M: number[]) => {
      let v = Array.from({ length: k }, (_, i) => 1 + i / k);
      let lambda = 0;
      for (let it = 0; it < 500; it++) {
        const w = v.map((_, i) => v.reduce((s, vj, j) => s + M[i * k + j] * vj, 0));
        lambda = Math.hypot(...w) / Math.hypot(...v);
        v = w.map((x) => x / Math.hypot(...w));
      }
      return lambda;
    };
    const largest = power(A);
    const smallest = 2.25 - power(A.map((x, i) => (i % (k + 1) === 0 ? 2.25 : 0) - x));
    expect(Math.sqrt(largest)).toBeLessThan(1.5);
    expect(Math.sqrt(smallest)).toBeGreaterThan(0.5);
  });
});
