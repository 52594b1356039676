import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DType, type FloatArray, fromArray } from '../arena.js';
import { gemm } from '../gemm.js';
import { gemmBatched } from '../gemm-batched.js';
import { matrixFrom } from '../matrix.js';
import { randomArray } from '../test-support/random.js';
import { poolJobs, setThreads } from './config.js';
import { setCrossovers } from './parallel.js';

/** Uniform values in [-1, 1) of the dtype, seeded. */
const rand = (dt: DType, n: number, seed: number): FloatArray =>
  dt === 'f32' ? randomArray(Float32Array, n, seed) : randomArray(Float64Array, n, seed);

/** Runs `f` with `n` threads and returns its result. */
function on<T>(n: number, f: () => T): T {
  setThreads(n);
  return f();
}

/** C = alpha op(A) op(B) + beta C0 with the kernels, as a plain array. */
function product(
  dt: DType,
  tA: boolean,
  tB: boolean,
  [m, n, k]: number[],
  alpha: number,
  beta: number,
  seed: number,
): FloatArray {
  const A = matrixFrom(tA ? k : m, tA ? m : k, rand(dt, m * k, seed));
  const B = matrixFrom(tB ? n : k, tB ? k : n, rand(dt, k * n, seed + 1));
  const C = matrixFrom(m, n, rand(dt, m * n, seed + 2));
  gemm(A, B, C, { transA: tA, transB: tB, alpha, beta });
  const out = C.data.toArray();
  for (const x of [A, B, C]) x.data.free();
  return out;
}

/** Elements that differ bit for bit (NaNs of any payload count as equal). */
function bitDiffs(a: FloatArray, b: FloatArray): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) d++;
  return d;
}

// Split even small products, to test the split at odd shapes; one test restores the crossover.
let defaults: ReturnType<typeof setCrossovers>;
beforeAll(() => {
  defaults = setCrossovers({ gemm: 0 });
});
afterAll(() => {
  setCrossovers(defaults);
  setThreads(1);
});

describe('gemm on threads', () => {
  // Around the crossover (64³), odd edges (m, n, k not multiples of 4, 8, KC = 256), the
  // single-block path (k <= 256, n a multiple of 8) and the general one (k > 256, n odd), MC = 128
  // blocks split between parts, and an untransposed A with m % 4 rows left over.
  const shapes = [
    [64, 64, 64],
    [66, 64, 64],
    [130, 64, 72],
    [33, 70, 129],
    [50, 45, 300],
    [257, 96, 260],
    [301, 129, 77],
  ];
  for (const dt of ['f32', 'f64'] as const) {
    for (const [tA, tB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      it(`${dt} ${tA ? 'Aᵀ' : 'A'} ${tB ? 'Bᵀ' : 'B'}: 2 threads give the same bits as 1 for every shape`, () => {
        let seed = 1;
        for (const shape of shapes) {
          for (const [alpha, beta] of [
            [1, 0],
            [-0.75, 1.5],
          ]) {
            seed += 10;
            const one = on(1, () => product(dt, tA, tB, shape, alpha, beta, seed));
            const jobs = poolJobs();
            const two = on(2, () => product(dt, tA, tB, shape, alpha, beta, seed));
            expect(bitDiffs(one, two), `${shape} alpha ${alpha} beta ${beta}`).toBe(0);
            if (shape[0] >= 32) expect(poolJobs(), `${shape} ran on the pool`).toBeGreaterThan(jobs);
          }
        }
      });
    }
  }

  it('3 threads split the rows into three parts with the same bits', () => {
    const one = on(1, () => product('f32', false, false, [203, 136, 150], 1, 0, 7));
    const three = on(3, () => product('f32', false, false, [203, 136, 150], 1, 0, 7));
    expect(bitDiffs(one, three)).toBe(0);
  });

  it('agrees with a naive product in f64 (the split computes the right thing, not only the same thing)', () => {
    const [m, n, k] = [70, 33, 90];
    const a = randomArray(Float64Array, m * k, 3);
    const b = randomArray(Float64Array, k * n, 4);
    setThreads(2);
    const A = matrixFrom(m, k, a);
    const B = matrixFrom(k, n, b);
    const C = matrixFrom(m, n, new Float64Array(m * n));
    gemm(A, B, C);
    let worst = 0;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
        worst = Math.max(worst, Math.abs(C.data.data[i * n + j] - s));
      }
    expect(worst).toBeLessThan(1e-12);
  });

  it('stays on one thread below the crossover', () => {
    setCrossovers(defaults);
    setThreads(2);
    const jobs = poolJobs();
    product('f32', false, false, [64, 64, 64], 1, 0, 5);
    expect(64 ** 3).toBeLessThan(defaults.gemm);
    expect(poolJobs()).toBe(jobs);
    product('f32', false, false, [128, 128, 128], 1, 0, 5);
    expect(128 ** 3).toBeGreaterThanOrEqual(defaults.gemm);
    expect(poolJobs()).toBe(jobs + 1);
    setCrossovers({ gemm: 0 });
  });
});

describe('gemmBatched on threads', () => {
  function batched(
    dt: DType,
    batch: number,
    [m, n, k]: number[],
    cStride: number,
    beta: number,
    seed: number,
  ) {
    const C0 = rand(dt, cStride === 0 ? m * n : batch * m * n, seed + 2);
    const A = fromArray(rand(dt, batch * m * k, seed));
    const B = fromArray(rand(dt, k * n, seed + 1));
    const C = fromArray(C0);
    gemmBatched(
      batch,
      m,
      n,
      k,
      { data: A, stride: m * k },
      { data: B, stride: 0 },
      { data: C, stride: cStride },
      {
        transB: true,
        beta,
      },
    );
    const out = C.toArray();
    for (const x of [A, B, C]) x.free();
    return out;
  }

  it('split over the batch (many small products): the same bits as 1 thread', () => {
    for (const dt of ['f32', 'f64'] as const) {
      const one = on(1, () => batched(dt, 12, [24, 32, 40], 24 * 32, 0, 1));
      const jobs = poolJobs();
      const two = on(2, () => batched(dt, 12, [24, 32, 40], 24 * 32, 0, 1));
      expect(bitDiffs(one, two)).toBe(0);
      expect(poolJobs()).toBeGreaterThan(jobs);
    }
  });

  it('split over rows (two large products): the same bits as 1 thread', () => {
    const one = on(1, () => batched('f32', 2, [90, 40, 70], 90 * 40, 0.5, 2));
    const two = on(2, () => batched('f32', 2, [90, 40, 70], 90 * 40, 0.5, 2));
    expect(bitDiffs(one, two)).toBe(0);
  });

  it('C stride 0 (products summed into one C) sums in order of b on any thread count', () => {
    const one = on(1, () => batched('f32', 6, [64, 32, 48], 0, 1, 3));
    const jobs = poolJobs();
    const two = on(2, () => batched('f32', 6, [64, 32, 48], 0, 1, 3));
    expect(bitDiffs(one, two)).toBe(0);
    expect(poolJobs()).toBeGreaterThan(jobs);
  });
});
