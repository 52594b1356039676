/**
 * Evaluation and prediction, always in eval mode (dropout off, batch norm on running statistics;
 * the model's mode is restored afterwards):
 *
 *   evaluate(model, data) -> { loss, accuracy }   loss = the mean over all n rows (batches
 *                                                 weighted by their size), accuracy = the fraction
 *                                                 of rows whose largest output is the label
 *   predict(model, x)     -> the outputs [n, outputs] (logits for a classifier)
 */
import type { Matrix, WasmMatrix } from '@descent/kernels';
import { BatchLoader, countCorrect, type Dataset, prepareData } from './batches.js';
import type { Sequential } from './layers/sequential.js';
import { type Loss, type LossName, lossOf, mseLoss, softmaxCrossEntropy } from './losses/losses.js';

export interface EvaluateOptions {
  /** Default: softmaxCrossEntropy for Int32Array labels, mseLoss for value targets. */
  loss?: Loss | LossName;
  /** Rows per forward pass (default 256; any size gives the same numbers up to rounding). */
  batchSize?: number;
}

export interface Evaluation {
  loss: number;
  /** undefined for value targets (regression) */
  accuracy: number | undefined;
}

/** The loss a dataset implies: cross-entropy for integer labels, MSE otherwise. */
export function defaultLoss(data: Dataset): Loss {
  return data?.y instanceof Int32Array ? softmaxCrossEntropy : mseLoss;
}

export function checkBatchSize(batchSize: unknown): number {
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`Invalid batchSize: ${String(batchSize)} (expected an integer >= 1)`);
  }
  return batchSize;
}

export function evaluate(model: Sequential, data: Dataset, options: EvaluateOptions = {}): Evaluation {
  const loss = options.loss === undefined ? defaultLoss(data) : lossOf(options.loss);
  const batchSize = checkBatchSize(options.batchSize ?? 256);
  const prepared = prepareData('data', data, model.dtype, model.inFeatures, model.outFeatures, loss);
  const loader = new BatchLoader(prepared, model.dtype, batchSize);
  const wasTraining = model.training;
  model.eval();
  try {
    loader.orderFor(0, false, 0);
    let total = 0;
    let correct = 0;
    for (let b = 0; b < loader.batchesPerEpoch; b++) {
      const batch = loader.batch(b);
      const out = model.forward(batch.x);
      total += loss.compute(out, batch.y) * batch.x.rows;
      if (prepared.labels) correct += countCorrect(out, prepared.labels, batch.rows);
    }
    return { loss: total / prepared.n, accuracy: prepared.labels ? correct / prepared.n : undefined };
  } finally {
    loader.free();
    model.training = wasTraining;
  }
}

/** The model's outputs for x (n x inFeatures, row-major, n inferred), as a plain matrix. */
export function predict(
  model: Sequential,
  x: Float32Array | Float64Array,
  options: { batchSize?: number } = {},
): Matrix<Float32Array | Float64Array> {
  if (!(x instanceof Float32Array || x instanceof Float64Array))
    throw new TypeError('x must be a Float32Array or Float64Array');
  const f = model.inFeatures;
  if (x.length % f !== 0) {
    throw new RangeError(
      `Length mismatch: x has ${x.length} values, not a multiple of the model's ${f} inputs`,
    );
  }
  const n = x.length / f;
  const batchSize = checkBatchSize(options.batchSize ?? 256);
  const K = model.outFeatures;
  const out = model.dtype === 'f32' ? new Float32Array(n * K) : new Float64Array(n * K);
  const data = { x, y: new Float32Array(n * K), n, features: f };
  const prepared = prepareData('x', data, model.dtype, f, K, mseLoss);
  const loader = new BatchLoader(prepared, model.dtype, batchSize);
  const wasTraining = model.training;
  model.eval();
  try {
    loader.orderFor(0, false, 0);
    for (let b = 0; b < loader.batchesPerEpoch; b++) {
      const y: WasmMatrix = model.forward(loader.batch(b).x);
      out.set(y.data.data, b * batchSize * K);
    }
  } finally {
    loader.free();
    model.training = wasTraining;
  }
  return { rows: n, cols: K, data: out };
}
