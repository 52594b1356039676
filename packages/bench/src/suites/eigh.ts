/**
 * The f64 factorizations against ml-matrix, in one run:
 *   eigh (symmetric eigendecomposition with vectors), n = 64, 128, 256, vs ml-matrix
 *     EigenvalueDecomposition (JAMA's tred2 + tql2 in plain JS). Target: >= 5x at n = 256.
 *   cholesky, and solve (LU with partial pivoting), n = 256, vs ml-matrix's CholeskyDecomposition
 *     and solve (LU). Reported, no target.
 * Both sides start from a matrix already in their own format and return fresh results (ours
 * copies in and out of kernel memory inside the timed call).
 * For orientation (not a peer, Python is no bench dependency): numpy.linalg.eigh (OpenBLAS LAPACK,
 * one thread) took 7.2 ms at n = 256 (1.5 ms at 128, 0.39 ms at 64) on the development machine.
 */
import { cholesky, eigh, solve } from '@descent/kernels';
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix, solve as mlSolve } from 'ml-matrix';
import { report, time } from '../harness.js';

/** A seeded symmetric matrix with entries in [-0.5, 0.5) (Park–Miller, so runs are identical). */
function randomSymmetric(n: number, seed: number): Float64Array {
  let s = seed;
  const next = () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = next();
  return a;
}

function toMl(a: Float64Array, n: number): Matrix {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(a.subarray(i * n, i * n + n)));
  return new Matrix(rows);
}

export async function run(): Promise<void> {
  for (const n of [64, 128, 256]) {
    const a = randomSymmetric(n, 12345 + n);
    const A = { rows: n, cols: n, data: a };
    const M = toMl(a, n);
    const samples = n === 256 ? 5 : 7;
    const ours = await time(`descent eigh f64 n=${n}`, () => eigh(A), { samples });
    const ml = await time(
      `ml-matrix EigenvalueDecomposition n=${n}`,
      () => new EigenvalueDecomposition(M, { assumeSymmetric: true }),
      { samples, warmup: 1 },
    );
    report(`eigh f64, n = ${n}`, ours, [ml], n === 256 ? [{ peer: ml.name, atLeast: 5 }] : []);
  }

  const n = 256;
  const a = randomSymmetric(n, 777);
  for (let i = 0; i < n; i++) a[i * n + i] += n; // diagonally dominant: symmetric positive definite
  const A = { rows: n, cols: n, data: a };
  const M = toMl(a, n);
  const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
  const B = Matrix.columnVector(Array.from(b));

  const chol = await time('descent cholesky f64 n=256', () => cholesky(A));
  const mlChol = await time('ml-matrix CholeskyDecomposition n=256', () => new CholeskyDecomposition(M));
  report('cholesky f64, n = 256', chol, [mlChol]);

  const sol = await time('descent solve f64 n=256', () => solve(A, b));
  const mlSol = await time('ml-matrix solve (LU) n=256', () => mlSolve(M, B));
  report('solve (LU) f64, n = 256, one right-hand side', sol, [mlSol]);
}
