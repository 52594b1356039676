/**
 * Reading the PyTorch fixtures of test/fixtures/torch/ (made by generate.py there): a tensor is
 * { shape, data } with data flat and row-major, non-finite numbers written as the strings
 * "Infinity", "-Infinity", "NaN"; and the error measure the parity tests use,
 *
 *   relativeError(a, e) = max_i |aᵢ − eᵢ| / max_i |eᵢ|     over the finite entries of e,
 *
 * with every non-finite entry of e required to be the same non-finite value in a (else Infinity).
 */
import { readFileSync } from 'node:fs';
import type { DType } from '@descent/kernels';
import { type Tensor, tensor } from '../index.js';

export interface FixtureTensor {
  shape: number[];
  data: Array<number | string>;
}

const FIXTURES = new URL('../../test/fixtures/torch/', import.meta.url);

export function loadFixture<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as T;
}

/** The values as a Float64Array (exact: f32 fixture values are f32 numbers written as doubles). */
export function values(t: FixtureTensor): Float64Array {
  return Float64Array.from(t.data, (v) => (typeof v === 'number' ? v : Number(v)));
}

/** The values as a typed array of `dtype`. */
export function typed(t: FixtureTensor, dtype: DType): Float32Array | Float64Array {
  return dtype === 'f32' ? Float32Array.from(values(t)) : values(t);
}

/** A tensor of `dtype` holding the fixture's values in its shape. */
export function toTensor(t: FixtureTensor, dtype: DType, requiresGrad = false): Tensor {
  return tensor(typed(t, dtype), { dtype, shape: t.shape, requiresGrad });
}

/** max |a − e| / max |e| over e's finite entries; Infinity if a non-finite entry of e is not matched. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (!Number.isFinite(e)) {
      if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) return Infinity;
      continue;
    }
    diff = Math.max(diff, Math.abs(a - e));
    if (Number.isNaN(a)) return Infinity;
    scale = Math.max(scale, Math.abs(e));
  }
  return scale === 0 ? diff : diff / scale;
}

/** The tolerance of the parity tests: 1e-10 in f64, 1e-5 in f32 (relative to max |expected|). */
export const tolerance = (dtype: DType): number => (dtype === 'f64' ? 1e-10 : 1e-5);
