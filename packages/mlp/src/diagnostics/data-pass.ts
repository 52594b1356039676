/**
 * Full-data passes for the diagnostics. A diagnostic looks at the loss over the whole data set,
 *
 *   L(θ) = (1/n) Σ_i ℓ(f(x_i; θ), y_i) = Σ_batches (B_b / n) L_b(θ),
 *
 * so each batch's loss, gradient and Hessian product is weighted by B_b / n. Diagnostics run in
 * eval mode (dropout off, batch norm on its running statistics: the function being analysed is
 * then deterministic) and leave the model as they found it: its mode, and the parameters'
 * gradients, which they use as scratch, are restored afterwards.
 */
import { scal, type WasmArray, type WasmMatrix } from '@descent/kernels';
import { BatchLoader, type Dataset, type PreparedData, prepareData } from '../batches.js';
import { checkBatchSize, defaultLoss } from '../evaluate.js';
import { BatchBuffers } from '../layers/layer.js';
import type { Sequential } from '../layers/sequential.js';
import { type Loss, type LossName, lossOf } from '../losses/losses.js';

export interface DataPassOptions {
  /** Default: softmaxCrossEntropy for Int32Array labels, mseLoss for value targets (as `evaluate`). */
  loss?: Loss | LossName;
  /** Rows per forward pass (default 512); the result does not depend on it beyond rounding. */
  batchSize?: number;
}

export interface WeightedBatch {
  x: WasmMatrix;
  y: WasmArray;
  /** B_b / n: this batch's share of the mean loss. */
  weight: number;
}

/** A data set prepared for a model, iterated in fixed order as weighted batches. */
export class DataPass {
  readonly loss: Loss;
  readonly data: PreparedData;
  private readonly loader: BatchLoader;

  constructor(model: Sequential, data: Dataset, options: DataPassOptions = {}) {
    this.loss = options.loss === undefined ? defaultLoss(data) : lossOf(options.loss);
    const batchSize = checkBatchSize(options.batchSize ?? 512);
    this.data = prepareData('data', data, model.dtype, model.inFeatures, model.outFeatures, this.loss);
    this.loader = new BatchLoader(this.data, model.dtype, batchSize);
    this.loader.orderFor(0, false, 0);
  }

  /** The batches in row order, each with its weight B_b / n. */
  *batches(): Generator<WeightedBatch> {
    for (let b = 0; b < this.loader.batchesPerEpoch; b++) {
      const batch = this.loader.batch(b);
      yield { x: batch.x, y: batch.y, weight: batch.x.rows / this.data.n };
    }
  }

  free(): void {
    this.loader.free();
  }
}

/**
 * Runs `fn` with the model in eval mode and its gradients saved; restores both afterwards (also
 * when `fn` throws).
 */
export function preservingModel<T>(model: Sequential, fn: () => T): T {
  const params = model.parameters();
  const saved = params.map((p) => p.gradient.toArray());
  const wasTraining = model.training;
  model.eval();
  try {
    return fn();
  } finally {
    model.training = wasTraining;
    params.forEach((p, k) => {
      p.grad.set(saved[k]);
    });
  }
}

/** The total number of parameter values of a model (the dimension of θ). */
export function parameterCount(model: Sequential): number {
  return model.parameters().reduce((s, p) => s + p.length, 0);
}

/** θ as one Float64Array, in `model.parameters()` order. */
export function flatParameters(model: Sequential): Float64Array {
  const out = new Float64Array(parameterCount(model));
  let o = 0;
  for (const p of model.parameters()) {
    out.set(p.data, o);
    o += p.length;
  }
  return out;
}

/** Sets θ from one Float64Array in `model.parameters()` order (rounded to the model's dtype). */
export function setFlatParameters(model: Sequential, theta: Float64Array): void {
  const n = parameterCount(model);
  if (!(theta instanceof Float64Array) || theta.length !== n) {
    throw new RangeError(`Length mismatch: theta has ${theta?.length} values, the model has ${n} parameters`);
  }
  let o = 0;
  for (const p of model.parameters()) {
    p.data.set(theta.subarray(o, o + p.length));
    o += p.length;
  }
}

/**
 * The mean loss over the data set and its gradient ∇_θ L as one Float64Array in
 * `model.parameters()` order (eval mode; the model's own gradients are left as they were).
 */
export function lossAndGradient(
  model: Sequential,
  data: Dataset,
  options: DataPassOptions = {},
): { loss: number; gradient: Float64Array } {
  const pass = new DataPass(model, data, options);
  const lossGrad = new BatchBuffers(model.dtype, model.outFeatures);
  try {
    return preservingModel(model, () => {
      model.zeroGrad();
      let loss = 0;
      for (const { x, y, weight } of pass.batches()) {
        const out = model.forward(x);
        const g = lossGrad.get(out.rows);
        loss += weight * pass.loss.compute(out, y, g);
        scal(weight, g.data);
        model.backward(g);
      }
      const gradient = new Float64Array(parameterCount(model));
      let o = 0;
      for (const p of model.parameters()) {
        gradient.set(p.grad, o);
        o += p.length;
      }
      return { loss, gradient };
    });
  } finally {
    lossGrad.free();
    pass.free();
  }
}
