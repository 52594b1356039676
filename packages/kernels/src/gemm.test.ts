import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DType, type FloatArray, fromArray, growMemory, memoryStats } from './arena.js';
import { gemv } from './blas2.js';
import { gemm, releaseGemmScratch } from './gemm.js';
import { matrix, matrixFrom, type WasmMatrix } from './matrix.js';
import { randomArray } from './test-support/random.js';
import { transpose } from './transpose.js';

interface FloatCtor {
  new (n: number): FloatArray;
  from(values: ArrayLike<number>): FloatArray;
}
const dtypes: [DType, FloatCtor][] = [
  ['f32', Float32Array],
  ['f64', Float64Array],
];

/** Naive C = alpha op(A) op(B) + beta C in f64 (beta = 0 ignores C), op(A) m x k, op(B) k x n. */
function gemmRef(
  tA: boolean,
  tB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  b: FloatArray,
  beta: number,
  c: FloatArray,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += (tA ? a[p * m + i] : a[i * k + p]) * (tB ? b[j * k + p] : b[p * n + j]);
      out[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * n + j]);
    }
  }
  return out;
}

/** Runs gemm on fresh copies and returns C with the naive answer. */
function runBoth(
  Ctor: FloatCtor,
  [m, n, k]: number[],
  tA: boolean,
  tB: boolean,
  alpha: number,
  beta: number,
  seed: number,
) {
  const a = randomArray(Ctor, m * k, seed);
  const b = randomArray(Ctor, k * n, seed + 1);
  const c = randomArray(Ctor, m * n, seed + 2);
  const C = matrixFrom(m, n, c);
  gemm(tA ? matrixFrom(k, m, a) : matrixFrom(m, k, a), tB ? matrixFrom(n, k, b) : matrixFrom(k, n, b), C, {
    transA: tA,
    transB: tB,
    alpha,
    beta,
  });
  return { got: C.data.toArray(), want: gemmRef(tA, tB, m, n, k, alpha, a, b, beta, c) };
}

function expectClose(got: FloatArray, want: Float64Array, tol: number, what: string) {
  expect(got.length).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]);
    if (!(e <= worst)) [worst, at] = [e, i];
  }
  expect(worst, `${what}: worst error at [${at}]`).toBeLessThanOrEqual(tol);
}

// [m, n, k]: odd shapes, vectors, and sizes that straddle the blocking (MR = 4, NR = 8 f32 / 4 f64,
// KC = 256, MC = 128, NC = 2048). Products with n a multiple of NR, k <= KC and n <= NC take
// the single-block path (4x8, 32x128x64, 36x16x256, 8x2048x9 at n = NC; with m % 4 rows left to
// the general path in 7x16x5, 33x24x64 and 6x8x3, or all of them with Aᵀ); 12x8x257 just misses
// it. The general path pre-broadcasts A for n >= 8 NR (129x65x33, 5x2049x3, 257x9x513 does not;
// 9x72x300 below, with beta, across two k blocks).
const shapes = [
  [4, 8, 1],
  [32, 128, 64],
  [36, 16, 256],
  [7, 16, 5],
  [33, 24, 64],
  [6, 8, 3],
  [8, 2048, 9],
  [12, 8, 257],
  [1, 1, 1],
  [1, 19, 7],
  [19, 1, 7],
  [5, 6, 1],
  [7, 13, 5],
  [4, 8, 16],
  [3, 9, 2],
  [129, 65, 33],
  [127, 33, 255],
  [128, 16, 256],
  [130, 17, 257],
  [5, 2049, 3],
  [257, 9, 513],
];
const combos = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;
const scalars = [
  [1, 0],
  [-1.5, 0],
  [1, 1],
  [0.5, -0.75],
  [0, 2],
];

describe.each(dtypes)('gemm (%s)', (dt, Ctor) => {
  const eps = dt === 'f32' ? 3e-7 : 1e-15;

  describe.each(combos)('transA = %s, transB = %s', (tA, tB) => {
    it('matches a naive triple loop for odd and block-straddling shapes', () => {
      for (const s of shapes) {
        const { got, want } = runBoth(Ctor, s, tA, tB, 1, 0, s[0] * 7 + s[1] * 3 + s[2]);
        expectClose(got, want, eps * 4 * (s[2] + 2), `${s.join('x')}`);
      }
    });

    it('applies alpha and beta (including alpha = 0 and k = 0)', () => {
      for (const [alpha, beta] of scalars) {
        for (const s of [
          [7, 13, 5],
          [9, 10, 0],
          [33, 20, 300],
          [10, 24, 9],
          [9, 72, 300],
        ]) {
          const { got, want } = runBoth(Ctor, s, tA, tB, alpha, beta, 42);
          expectClose(got, want, eps * 8 * (s[2] + 2), `${s.join('x')} alpha ${alpha} beta ${beta}`);
        }
      }
    });
  });

  it('overwrites C when beta = 0, even where C holds NaN (full tiles, edges and k = 0)', () => {
    for (const [m, n, k] of [
      [8, 16, 5],
      [6, 24, 7],
      [7, 13, 300],
      [3, 4, 0],
    ]) {
      const a = randomArray(Ctor, m * k, 1);
      const b = randomArray(Ctor, k * n, 2);
      const C = matrixFrom(m, n, new Ctor(m * n).fill(Number.NaN));
      gemm(matrixFrom(m, k, a), matrixFrom(k, n, b), C, { beta: 0 });
      expectClose(
        C.data.toArray(),
        gemmRef(false, false, m, n, k, 1, a, b, 0, C.data.data),
        eps * 4 * (k + 2),
        `${m}x${n}x${k}`,
      );
    }
  });

  it('names the matrices whose shapes or dtypes do not fit', () => {
    const A = matrix(dt, 2, 3);
    expect(() => gemm(A, matrix(dt, 4, 5), matrix(dt, 2, 5))).toThrow(
      /A is 2x3, B is 4x5 \(inner dimensions 3 and 4 differ\)/,
    );
    expect(() => gemm(A, matrix(dt, 2, 5), matrix(dt, 2, 5), { transA: true })).toThrow(
      /C is 2x5, Aᵀ B is 3x5/,
    );
    expect(() => gemm(A, matrix(dt, 5, 2), matrix(dt, 3, 5), { transA: true })).toThrow(
      /Aᵀ is 3x2, B is 5x2/,
    );
    expect(() => gemm(A, matrix(dt, 5, 2), matrix(dt, 2, 5), { transB: true })).toThrow(
      /A is 2x3, Bᵀ is 2x5/,
    );
    expect(() => gemm(A, matrix(dt, 3, 5), matrix(dt, 2, 4))).toThrow(/C is 2x4, A B is 2x5/);
    expect(() => gemm(A, matrix(dt === 'f32' ? 'f64' : 'f32', 3, 5), matrix(dt, 2, 5))).toThrow(
      /B.data has dtype/,
    );
    expect(() => gemm(A, matrix(dt, 3, 5), matrix(dt, 2, 5), { beta: Number.POSITIVE_INFINITY })).toThrow(
      /Invalid beta/,
    );
  });

  it('refuses a C that aliases A, and leaves C unchanged', () => {
    const A = matrixFrom(3, 3, randomArray(Ctor, 9, 3));
    const before = A.data.toArray();
    expect(() => gemm(A, matrix(dt, 3, 3), A)).toThrow(/C overlaps A/);
    expect(A.data.toArray()).toEqual(before);
  });

  it('keeps giving right answers after memory grows between calls and its scratch grows', () => {
    const { got: small } = runBoth(Ctor, [6, 10, 4], false, false, 1, 0, 5);
    growMemory(1 << 20);
    const big = runBoth(Ctor, [140, 300, 270], true, false, 1, 0, 6);
    expectClose(big.got, big.want, eps * 4 * 272, 'after growth');
    growMemory(1 << 22);
    expect(runBoth(Ctor, [6, 10, 4], false, false, 1, 0, 5).got).toEqual(small);
  });
});

describe('gemm scratch', () => {
  it('is allocated once, reused by smaller products, and returned by releaseGemmScratch', () => {
    const [A, B, C] = [matrix('f32', 40, 50), matrix('f32', 50, 60), matrix('f32', 40, 60)];
    const [a, b, c] = [matrix('f32', 4, 5), matrix('f32', 5, 6), matrix('f32', 4, 6)];
    releaseGemmScratch();
    const base = memoryStats().bytesInUse;
    gemm(A, B, C);
    const withScratch = memoryStats().bytesInUse;
    expect(withScratch).toBeGreaterThan(base);
    gemm(a, b, c);
    gemm(A, B, C);
    expect(memoryStats().bytesInUse).toBe(withScratch);
    releaseGemmScratch();
    expect(memoryStats().bytesInUse).toBe(base);
  });
});

describe('gemm algebraic identities (fast-check, f64)', () => {
  const dims = fc.record({
    m: fc.integer({ min: 1, max: 20 }),
    n: fc.integer({ min: 1, max: 20 }),
    k: fc.integer({ min: 0, max: 20 }),
    seed: fc.nat(),
  });
  const tol = 1e-12;
  const mat = (r: number, c: number, seed: number): WasmMatrix =>
    matrixFrom(r, c, randomArray(Float64Array, r * c, seed));

  it('(A B) x == A (B x)', () => {
    fc.assert(
      fc.property(dims, ({ m, n, k, seed }) => {
        const A = mat(m, k, seed);
        const B = mat(k, n, seed + 1);
        const x = fromArray(randomArray(Float64Array, n, seed + 2));
        const AB = matrix('f64', m, n);
        gemm(A, B, AB);
        const left = fromArray(new Float64Array(m));
        gemv(AB, x, left);
        const Bx = fromArray(new Float64Array(k));
        gemv(B, x, Bx);
        const right = fromArray(new Float64Array(m));
        gemv(A, Bx, right);
        expectClose(left.toArray(), Float64Array.from(right.toArray()), tol * (k + n + 1), 'ABx');
      }),
      { numRuns: 80 },
    );
  });

  it('(A B)ᵀ == Bᵀ Aᵀ, through transpose and through the transB/transA flags', () => {
    fc.assert(
      fc.property(dims, ({ m, n, k, seed }) => {
        const A = mat(m, k, seed);
        const B = mat(k, n, seed + 1);
        const AB = matrix('f64', m, n);
        gemm(A, B, AB);
        const want = Float64Array.from(transpose(AB).data.toArray());
        const viaTranspose = matrix('f64', n, m);
        gemm(transpose(B), transpose(A), viaTranspose);
        expectClose(viaTranspose.data.toArray(), want, tol * (k + 1), 'transpose');
        const viaFlags = matrix('f64', n, m);
        gemm(B, A, viaFlags, { transA: true, transB: true });
        expectClose(viaFlags.data.toArray(), want, tol * (k + 1), 'flags');
      }),
      { numRuns: 80 },
    );
  });

  it('is linear in beta C: gemm with beta = b equals gemm with beta = 0 plus b C', () => {
    fc.assert(
      fc.property(dims, fc.double({ min: -3, max: 3, noNaN: true }), ({ m, n, k, seed }, b) => {
        const A = mat(m, k, seed);
        const B = mat(k, n, seed + 1);
        const c = randomArray(Float64Array, m * n, seed + 2);
        const C1 = matrixFrom(m, n, c);
        gemm(A, B, C1, { beta: b });
        const C0 = matrix('f64', m, n);
        gemm(A, B, C0);
        const want = Float64Array.from(C0.data.toArray(), (v, i) => v + b * c[i]);
        expectClose(C1.data.toArray(), want, tol * (k + 4), 'beta');
      }),
      { numRuns: 60 },
    );
  });
});
