/**
 * The shared part of the NN threads tests (src/threads/nn-threads-*.test.ts): seeded inputs of a
 * dtype, sameBitsOnThreads (1 thread against 2, bit for bit) and take (copy out and free).
 */
import { expect } from 'vitest';
import { type DType, type FloatArray, fromArray, type WasmArray } from '../arena.js';
import { matrixFrom, type WasmMatrix } from '../matrix.js';
import { poolJobs, setThreads } from '../threads/config.js';
import { randomArray } from './random.js';

/** Uniform values in [-1, 1) of the dtype, seeded. */
export const rand = (dt: DType, n: number, seed: number): FloatArray =>
  dt === 'f32' ? randomArray(Float32Array, n, seed) : randomArray(Float64Array, n, seed);
export const arr = (dt: DType, n: number, seed: number): WasmArray => fromArray(rand(dt, n, seed));
export const mat = (dt: DType, rows: number, cols: number, seed: number): WasmMatrix =>
  matrixFrom(rows, cols, rand(dt, rows * cols, seed));

/**
 * Runs `f` (which makes its inputs, calls kernels, frees what it made and returns its outputs as
 * plain arrays) on 1 thread and on 2; expects the same bits in every output and the pool to have
 * run jobs on 2 threads (and none on 1).
 */
export function sameBitsOnThreads(f: () => FloatArray[]): void {
  setThreads(1);
  const jobs0 = poolJobs();
  const one = f();
  expect(poolJobs(), 'the pool ran a job on 1 thread').toBe(jobs0);
  setThreads(2);
  const jobs1 = poolJobs();
  const two = f();
  expect(poolJobs(), 'the pool ran no job on 2 threads').toBeGreaterThan(jobs1);
  expect(two.length).toBe(one.length);
  for (let j = 0; j < one.length; j++) {
    expect(two[j].length).toBe(one[j].length);
    let diffs = 0;
    for (let i = 0; i < one[j].length; i++) if (!Object.is(one[j][i], two[j][i])) diffs++;
    expect(diffs, `output ${j}: elements that differ`).toBe(0);
  }
}

/** Copies out the arrays' contents and frees them. */
export function take(...a: WasmArray[]): FloatArray[] {
  const out = a.map((x) => x.toArray());
  for (const x of a) x.free();
  return out;
}
