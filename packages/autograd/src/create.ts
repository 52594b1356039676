/**
 * Making tensors: from numbers, nested arrays or typed arrays (copied), filled ones, and leaves over
 * a core `Param`'s memory (not copied: backward adds into `p.grad`).
 */
import type { Param } from '@descent/core';
import type { DType } from '@descent/kernels';
import { Storage } from './storage.js';
import { empty, type NestedNumbers, shapeSize, Tensor } from './tensor.js';

export interface TensorOptions {
  /** 'f32' or 'f64' (default: a typed array's own; 'f64' for numbers and nested arrays, as core's param()) */
  dtype?: DType;
  /** the shape (default: inferred from nesting; [n] for a typed array) */
  shape?: readonly number[];
  /** make a leaf whose gradient is kept (default false) */
  requiresGrad?: boolean;
}

/** A tensor holding a copy of `values`: a number (rank 0), nested arrays, or a typed array. */
export function tensor(
  values: NestedNumbers | Float32Array | Float64Array,
  options: TensorOptions = {},
): Tensor {
  let flat: number[] | Float32Array | Float64Array;
  let inferred: number[];
  if (values instanceof Float32Array || values instanceof Float64Array) {
    flat = values;
    inferred = [values.length];
  } else {
    inferred = nestedShape(values);
    flat = [];
    flatten(values, flat as number[]);
  }
  const shape = options.shape ? checkShape(options.shape, 'shape') : inferred;
  if (shapeSize(shape) !== flat.length)
    throw new RangeError(`tensor: shape [${shape.join(', ')}] does not hold ${flat.length} values`);
  const dtype: DType =
    options.dtype ??
    (values instanceof Float32Array ? 'f32' : values instanceof Float64Array ? 'f64' : 'f64');
  if (dtype !== 'f32' && dtype !== 'f64')
    throw new TypeError(`Invalid dtype: ${String(dtype)} (expected 'f32' or 'f64')`);
  const t = empty(shape, dtype);
  t.data.set(flat);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/** A zero tensor. */
export function zeros(
  shape: readonly number[],
  dtype: DType = 'f64',
  options: { requiresGrad?: boolean } = {},
): Tensor {
  return full(shape, 0, dtype, options);
}

/** A tensor of ones. */
export function ones(
  shape: readonly number[],
  dtype: DType = 'f64',
  options: { requiresGrad?: boolean } = {},
): Tensor {
  return full(shape, 1, dtype, options);
}

/** A tensor filled with `value`. */
export function full(
  shape: readonly number[],
  value: number,
  dtype: DType = 'f64',
  options: { requiresGrad?: boolean } = {},
): Tensor {
  const t = empty(checkShape(shape, 'shape'), dtype);
  t.data.fill(value);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/** A rank-0 tensor. */
export function scalar(value: number, dtype: DType = 'f64'): Tensor {
  return full([], value, dtype);
}

/**
 * A leaf over a core `Param`'s memory (no copy): `shape` defaults to the param's. Backward adds
 * into `p.grad`, so every core optimizer steps it as it is.
 */
export function fromParam<D extends DType>(p: Param<D>, shape?: readonly number[]): Tensor<D> {
  if (!p || typeof p !== 'object' || !('gradient' in p))
    throw new TypeError('fromParam: expected a Param from @descent/core');
  const s = shape ? checkShape(shape, 'shape') : [...p.shape];
  if (shapeSize(s) !== p.length)
    throw new RangeError(`fromParam: shape [${s.join(', ')}] does not hold ${p.name}'s ${p.length} values`);
  const t = new Tensor(new Storage(p.value, false), s, p) as Tensor<D>;
  t.requiresGrad = true;
  return t;
}

function checkShape(shape: readonly number[], name: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new RangeError(`Invalid ${name}: [${String(shape)}] (expected non-negative integers)`);
  return [...shape];
}

function nestedShape(v: NestedNumbers): number[] {
  const shape: number[] = [];
  let cur: NestedNumbers = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
    if (cur === undefined) break;
  }
  return shape;
}

function flatten(v: NestedNumbers, out: number[], depth = 0, shape?: number[]): void {
  const s = shape ?? nestedShape(v);
  if (depth === s.length) {
    if (typeof v !== 'number')
      throw new TypeError(`tensor: expected a number at depth ${depth}, got ${typeof v}`);
    out.push(v);
    return;
  }
  if (!Array.isArray(v) || v.length !== s[depth])
    throw new RangeError(`tensor: ragged nested array (expected length ${s[depth]} at depth ${depth})`);
  for (const x of v) flatten(x, out, depth + 1, s);
}
