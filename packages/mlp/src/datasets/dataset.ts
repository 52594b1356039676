/**
 * The shape every data set of this package has (`digits()`, `iris()`, the synthetic sets, a parsed
 * CSV), which `fit`, `evaluate` and the splits take:
 *
 *   x  n x features, row-major (row i is sample i)
 *   y  one integer class label per row in 0 .. classes-1 (classification),
 *      or n x targets values (regression: a CSV parsed with `target: 'value'`)
 */
import type { Dataset } from '../batches.js';

/** A classification data set: labels 0 .. classes-1, names when the source had them. */
export interface ClassificationDataset {
  x: Float32Array;
  y: Int32Array;
  n: number;
  features: number;
  classes: number;
  featureNames?: string[];
  classNames?: string[];
}

/** A regression data set: y holds n x targets values. */
export interface RegressionDataset {
  x: Float32Array;
  y: Float32Array;
  n: number;
  features: number;
  targets: number;
  featureNames?: string[];
  targetNames?: string[];
}

/** Throws unless `data` is a consistent `{ x, y, n, features }`, naming `name` in the message. */
export function checkDataset(name: string, data: Dataset): void {
  if (!data || typeof data !== 'object')
    throw new TypeError(`${name} must be a data set { x, y, n, features }`);
  const { x, y, n, features } = data;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Invalid ${name}.n: ${String(n)}`);
  if (!Number.isInteger(features) || features < 1) {
    throw new RangeError(`Invalid ${name}.features: ${String(features)}`);
  }
  if (!(x instanceof Float32Array || x instanceof Float64Array)) {
    throw new TypeError(`${name}.x must be a Float32Array or Float64Array`);
  }
  if (x.length !== n * features) {
    throw new RangeError(
      `Length mismatch: ${name}.x has ${x.length} values, ${name}.n * ${name}.features = ${n * features}`,
    );
  }
  if (!(y instanceof Int32Array || y instanceof Float32Array || y instanceof Float64Array)) {
    throw new TypeError(`${name}.y must be an Int32Array (labels) or a Float32Array / Float64Array (values)`);
  }
  if (n > 0 && y.length % n !== 0) {
    throw new RangeError(
      `Length mismatch: ${name}.y has ${y.length} values, not a multiple of ${name}.n = ${n}`,
    );
  }
}

/**
 * The rows `indices` of a data set, in that order, as a new data set of the same kind (torch's
 * `Subset`, copied): x, y and n change; every other field (classes, names, ...) is kept.
 */
export function subset<T extends Dataset>(data: T, indices: ArrayLike<number>): T {
  checkDataset('data', data);
  const { n, features } = data;
  const width = n > 0 ? data.y.length / n : 1;
  const m = indices.length;
  const x = new (data.x.constructor as Float32ArrayConstructor)(m * features);
  const y = new (data.y.constructor as Int32ArrayConstructor)(m * width);
  for (let i = 0; i < m; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= n) {
      throw new RangeError(`Invalid row index indices[${i}]: ${r} (the data set has ${n} rows)`);
    }
    x.set(data.x.subarray(r * features, (r + 1) * features), i * features);
    y.set(data.y.subarray(r * width, (r + 1) * width), i * width);
  }
  return { ...data, x, y, n: m };
}

/** Samples per class: counts[c] = #{i : y_i = c}, for labels 0 .. classes-1. */
export function classCounts(data: { y: Int32Array; classes?: number }): Int32Array {
  let classes = data.classes ?? 0;
  if (data.classes === undefined) for (const c of data.y) classes = Math.max(classes, c + 1);
  const counts = new Int32Array(classes);
  for (let i = 0; i < data.y.length; i++) {
    const c = data.y[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new RangeError(`Invalid label y[${i}]: ${c} (expected 0 .. ${classes - 1})`);
    }
    counts[c]++;
  }
  return counts;
}

/** A deep copy: new x and y arrays, and new arrays of names (any other field is copied as is). */
export function copyDataset<T extends Dataset>(d: T): T {
  const out = { ...d, x: d.x.slice(), y: d.y.slice() };
  const fields = out as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(fields)) if (Array.isArray(v)) fields[k] = [...v];
  return out;
}
