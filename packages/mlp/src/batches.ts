/**
 * Mini-batches from a dataset: the rows of epoch e in the order of a permutation that depends only
 * on (seed, e) (so a run resumed at epoch e sees the same batches), copied into kernel buffers
 * allocated once per batch size.
 *
 * A dataset is `{ x, y, n, features }`: x is n x features row-major; y holds one integer class
 * per row (Int32Array: classification) or n x outputs target values (Float32Array / Float64Array).
 * `digits()`, `iris()` and the synthetic sets of the data module have this shape.
 */
import { alloc, type DType, type WasmArray, type WasmMatrix } from '@descent/kernels';
import type { Loss } from './losses/losses.js';
import { deriveSeed, Rng } from './random.js';

export interface Dataset {
  x: Float32Array | Float64Array;
  y: Int32Array | Float32Array | Float64Array;
  n: number;
  features: number;
}

/** A dataset checked against a model and a loss, its arrays in the model's dtype. */
export interface PreparedData {
  n: number;
  features: number;
  x: Float32Array | Float64Array;
  /** targets per row: 1 (labels) or the model's outputs */
  targetWidth: number;
  y: Float32Array | Float64Array;
  /** the integer labels, for accuracy (undefined for value targets) */
  labels: Int32Array | undefined;
}

/**
 * Checks `data` (named `name` in messages) against a model with `inFeatures` inputs and
 * `outFeatures` outputs and the loss's kind of targets; converts to `dtype` once.
 */
export function prepareData(
  name: string,
  data: Dataset,
  dtype: DType,
  inFeatures: number,
  outFeatures: number,
  loss: Loss,
): PreparedData {
  if (!data || typeof data !== 'object')
    throw new TypeError(`${name} must be a dataset { x, y, n, features }`);
  const { x, y, n, features } = data;
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`Invalid ${name}.n: ${String(n)} (expected an integer >= 1)`);
  if (features !== inFeatures) {
    throw new RangeError(`Shape mismatch: ${name} has ${features} features, the model takes ${inFeatures}`);
  }
  if (!(x instanceof Float32Array || x instanceof Float64Array)) {
    throw new TypeError(`${name}.x must be a Float32Array or Float64Array`);
  }
  if (x.length !== n * features) {
    throw new RangeError(
      `Length mismatch: ${name}.x has ${x.length} values, ${name}.n * ${name}.features = ${n * features}`,
    );
  }
  const F = dtype === 'f32' ? Float32Array : Float64Array;
  const xs = x instanceof F ? x : F.from(x);
  checkFinite(`${name}.x`, xs, features);
  if (loss.targets === 'labels') {
    if (!(y instanceof Int32Array)) {
      throw new TypeError(`${name}.y must be an Int32Array of class labels for ${loss.name}`);
    }
    if (y.length !== n)
      throw new RangeError(`Length mismatch: ${name}.y has ${y.length} labels, ${name}.n is ${n}`);
    for (let i = 0; i < n; i++) {
      if (y[i] < 0 || y[i] >= outFeatures) {
        throw new RangeError(`Invalid label ${name}.y[${i}]: ${y[i]} (the model has ${outFeatures} classes)`);
      }
    }
    return { n, features, x: xs, targetWidth: 1, y: F.from(y), labels: y };
  }
  if (!(y instanceof Float32Array || y instanceof Float64Array)) {
    throw new TypeError(`${name}.y must be a Float32Array or Float64Array of targets for ${loss.name}`);
  }
  if (y.length !== n * outFeatures) {
    throw new RangeError(
      `Length mismatch: ${name}.y has ${y.length} values, ${name}.n * the model's ${outFeatures} outputs = ${n * outFeatures}`,
    );
  }
  const ys = y instanceof F ? y : F.from(y);
  checkFinite(`${name}.y`, ys, outFeatures);
  return { n, features, x: xs, targetWidth: outFeatures, y: ys, labels: undefined };
}

/**
 * Throws a RangeError naming the first non-finite value of `values` (n x width, row-major) by row
 * and column (0-based): one NaN in the inputs makes every loss NaN, so it is refused up front.
 * Checked in the dtype training uses, so an f64 value that overflows f32 is caught too.
 */
function checkFinite(name: string, values: Float32Array | Float64Array, width: number): void {
  if (allFiniteValues(values)) return;
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) {
      const row = Math.floor(k / width);
      throw new RangeError(
        `Invalid ${name}: row ${row}, column ${k - row * width} is ${values[k]} (every value must be finite)`,
      );
    }
  }
}

/**
 * Whether every value is finite: v * 0 is 0 for a finite v and NaN for ±Infinity or NaN, so the sum
 * of them is 0 exactly when all are (four sums, which run about twice as fast as one test per value).
 */
function allFiniteValues(values: Float32Array | Float64Array): boolean {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = values.length - (values.length % 4);
  for (let k = 0; k < n; k += 4) {
    s0 += values[k] * 0;
    s1 += values[k + 1] * 0;
    s2 += values[k + 2] * 0;
    s3 += values[k + 3] * 0;
  }
  for (let k = n; k < values.length; k++) s0 += values[k] * 0;
  return s0 + s1 + s2 + s3 === 0;
}

/** One batch in kernel memory: inputs, targets, and the row indices it holds. */
export interface Batch {
  x: WasmMatrix;
  y: WasmArray;
  rows: Int32Array;
}

/** Gathers rows of a prepared dataset into reused kernel buffers. */
export class BatchLoader {
  private readonly buffers = new Map<number, { x: WasmMatrix; y: WasmArray }>();
  readonly order: Int32Array;

  constructor(
    readonly data: PreparedData,
    readonly dtype: DType,
    readonly batchSize: number,
  ) {
    this.order = new Int32Array(data.n);
  }

  get batchesPerEpoch(): number {
    return Math.ceil(this.data.n / this.batchSize);
  }

  /** Sets the row order of epoch `epoch`: the identity, or a permutation drawn from (seed, epoch). */
  orderFor(epoch: number, shuffle: boolean, seed: number): void {
    for (let i = 0; i < this.order.length; i++) this.order[i] = i;
    if (shuffle) new Rng(deriveSeed(seed, epoch)).shuffle(this.order);
  }

  /** Rows in batch `b` (the last one may be short). */
  rowsIn(b: number): number {
    return Math.min(this.batchSize, this.data.n - b * this.batchSize);
  }

  /** Batch `b` of the current order (the last one may be short). */
  batch(b: number): Batch {
    const rows = this.rowsIn(b);
    let buf = this.buffers.get(rows);
    if (!buf) {
      buf = {
        x: { rows, cols: this.data.features, data: alloc(this.dtype, rows * this.data.features) },
        y: alloc(this.dtype, rows * this.data.targetWidth),
      };
      this.buffers.set(rows, buf);
    }
    this.gather(b, 0, buf.x, buf.y);
    const start = b * this.batchSize;
    return { x: buf.x, y: buf.y, rows: this.order.subarray(start, start + rows) };
  }

  /**
   * Copies x.rows rows of batch `b`, from its row `from` on, into x (rows x features) and y (their
   * targets): a shard of the batch (data-parallel.ts), or the whole of it.
   */
  gather(b: number, from: number, x: WasmMatrix, y: WasmArray): void {
    const { features, x: xs, y: ys, targetWidth } = this.data;
    const start = b * this.batchSize + from;
    const xv = x.data.data;
    const yv = y.data;
    for (let i = 0; i < x.rows; i++) {
      const r = this.order[start + i];
      xv.set(xs.subarray(r * features, (r + 1) * features), i * features);
      if (targetWidth === 1) yv[i] = ys[r];
      else yv.set(ys.subarray(r * targetWidth, (r + 1) * targetWidth), i * targetWidth);
    }
  }

  free(): void {
    for (const b of this.buffers.values()) {
      b.x.data.free();
      b.y.free();
    }
    this.buffers.clear();
  }
}

/** Number of rows i whose largest output is at column labels[rows[i]] (ties: the first). */
export function countCorrect(out: WasmMatrix, labels: Int32Array, rows: Int32Array): number {
  const o = out.data.data;
  const K = out.cols;
  let correct = 0;
  for (let i = 0; i < out.rows; i++) {
    let best = 0;
    let bestV = o[i * K];
    for (let j = 1; j < K; j++) {
      if (o[i * K + j] > bestV) {
        bestV = o[i * K + j];
        best = j;
      }
    }
    if (best === labels[rows[i]]) correct++;
  }
  return correct;
}
