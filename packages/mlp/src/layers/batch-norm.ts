/**
 * BatchNorm1d (torch.nn.BatchNorm1d) over a batch x [B, F], per feature j:
 *
 *   training:  μ_j = (1/B) Σ_i x_ij,   σ²_j = (1/B) Σ_i (x_ij - μ_j)²          (biased, to normalize)
 *              x̂_ij = (x_ij - μ_j) / √(σ²_j + ε),   y_ij = γ_j x̂_ij + β_j
 *              running_mean ← (1 - m) running_mean + m μ_j
 *              running_var  ← (1 - m) running_var  + m σ²_j B/(B - 1)         (unbiased, as torch)
 *              with m = `momentum`, or m = 1/t on the t-th training batch for `momentum: null`
 *              (torch's cumulative moving average: the running statistics are then the plain
 *              means of the batch statistics seen so far)
 *   eval:      x̂_ij = (x_ij - running_mean_j) / √(running_var_j + ε)
 *
 *   backward (training), with g = dy ⊙ γ:
 *              ∂γ_j += Σ_i dy_ij x̂_ij,   ∂β_j += Σ_i dy_ij
 *              dx_ij = (1/√(σ²_j + ε)) (g_ij - mean_i g_ij - x̂_ij mean_i(g_ij x̂_ij))
 *   backward (eval): dx_ij = dy_ij γ_j / √(running_var_j + ε)
 *
 * m is `momentum` (default 0.1), ε `eps` (default 1e-5); `affine: false` drops γ and β. The
 * work is two kernel calls per direction (@descent/kernels' batchNormForward / batchNormBackward:
 * SIMD over the features, shifted two-pass statistics that stay accurate in f32 for a large common
 * offset); the layer keeps μ, 1/√(σ² + ε) and x̂ of the last forward for its backward.
 */
import { type Param, param } from '@descent/core';
import {
  alloc,
  type BatchNormSaved,
  batchNormBackward,
  batchNormForward,
  type DType,
  type FloatArray,
  type WasmArray,
  type WasmMatrix,
} from '@descent/kernels';
import { rename } from './dense.js';
import {
  BatchBuffers,
  checkDtype,
  checkFeatures,
  checkInput,
  checkOutputGrad,
  type Layer,
  type LayerConfig,
} from './layer.js';

export interface BatchNorm1dOptions {
  /** ε added to the variance (default 1e-5). */
  eps?: number;
  /**
   * m in running ← (1 - m) running + m batch (default 0.1, torch's); `null`: the cumulative
   * moving average, m = 1/t on the t-th training batch (torch's `momentum=None`).
   */
  momentum?: number | null;
  /** Learn γ (init 1) and β (init 0) (default true). */
  affine?: boolean;
  dtype?: DType;
  name?: string;
}

export class BatchNorm1d implements Layer {
  readonly type = 'batchNorm1d';
  readonly dtype: DType;
  readonly outFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly weight: Param | undefined;
  readonly bias: Param | undefined;
  readonly runningMean: WasmArray;
  readonly runningVar: WasmArray;
  /** Training batches seen (torch's num_batches_tracked). */
  numBatchesTracked = 0;
  private readonly out: BatchBuffers;
  private readonly dx: BatchBuffers;
  private readonly xhat: BatchBuffers;
  /** μ and 1/√(σ² + ε) of the last forward, per feature */
  private readonly mean: WasmArray;
  private readonly invStd: WasmArray;
  /** the backward's per-feature sums (2F, allocated once) */
  private readonly scratch: WasmArray;
  private last: { saved: BatchNormSaved; training: boolean } | undefined;
  private _name: string;

  constructor(
    readonly inFeatures: number,
    options: BatchNorm1dOptions = {},
  ) {
    checkFeatures('numFeatures', inFeatures);
    const { eps = 1e-5, momentum = 0.1, affine = true } = options;
    if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) {
      throw new RangeError(`Invalid eps: ${String(eps)} (expected a finite number >= 0)`);
    }
    if (momentum !== null && (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1))) {
      throw new RangeError(`Invalid momentum: ${String(momentum)} (expected a number in [0, 1], or null)`);
    }
    if (typeof affine !== 'boolean')
      throw new RangeError(`Invalid affine: ${String(affine)} (expected a boolean)`);
    this.dtype = checkDtype(options.dtype ?? 'f32');
    this.eps = eps;
    this.momentum = momentum;
    this.outFeatures = inFeatures;
    this._name = options.name ?? 'bn';
    const F = inFeatures;
    const ones = this.dtype === 'f32' ? new Float32Array(F).fill(1) : new Float64Array(F).fill(1);
    this.weight = affine ? param(ones, { name: `${this._name}.weight`, shape: [F] }) : undefined;
    this.bias = affine
      ? param(
          ones.map(() => 0),
          { name: `${this._name}.bias`, shape: [F] },
        )
      : undefined;
    this.runningMean = alloc(this.dtype, F);
    this.runningVar = alloc(this.dtype, F);
    this.runningVar.data.fill(1);
    this.mean = alloc(this.dtype, F);
    this.invStd = alloc(this.dtype, F);
    this.scratch = alloc(this.dtype, 2 * F);
    this.out = new BatchBuffers(this.dtype, F);
    this.dx = new BatchBuffers(this.dtype, F);
    this.xhat = new BatchBuffers(this.dtype, F);
  }

  get name(): string {
    return this._name;
  }

  set name(name: string) {
    this._name = name;
    if (this.weight) rename(this.weight, `${name}.weight`);
    if (this.bias) rename(this.bias, `${name}.bias`);
  }

  forward(x: WasmMatrix, training = false): WasmMatrix {
    checkInput(this, x);
    const B = x.rows;
    if (training && B < 2) {
      throw new RangeError(`${this.name}: batch norm in training needs more than 1 row per batch, got ${B}`);
    }
    const y = this.out.get(B);
    const saved: BatchNormSaved = { mean: this.mean, invStd: this.invStd, xhat: this.xhat.get(B) };
    batchNormForward(x, y, saved, {
      training,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      weight: this.weight?.value,
      bias: this.bias?.value,
      // torch counts the batch first: m = 1/t on the t-th training batch.
      momentum: this.momentum ?? 1 / (this.numBatchesTracked + 1),
      eps: this.eps,
    });
    if (training) this.numBatchesTracked++;
    this.last = { saved, training };
    return y;
  }

  backward(dy: WasmMatrix): WasmMatrix {
    checkOutputGrad(this, dy, this.last?.saved.xhat.rows);
    const { saved, training } = this.last as { saved: BatchNormSaved; training: boolean };
    const dx = this.dx.get(dy.rows);
    batchNormBackward(dy, dx, saved, {
      training,
      weight: this.weight?.value,
      weightGrad: this.weight?.gradient,
      biasGrad: this.bias?.gradient,
      scratch: this.scratch,
    });
    return dx;
  }

  parameters(): Param[] {
    return this.weight && this.bias ? [this.weight, this.bias] : [];
  }

  extraState(): Record<string, number | Float32Array | Float64Array> {
    return {
      runningMean: this.runningMean.toArray(),
      runningVar: this.runningVar.toArray(),
      numBatchesTracked: this.numBatchesTracked,
    };
  }

  loadExtraState(state: Record<string, unknown>): void {
    const { runningMean, runningVar, numBatchesTracked } = state;
    for (const [k, v] of [
      ['runningMean', runningMean],
      ['runningVar', runningVar],
    ] as const) {
      const ok = this.dtype === 'f32' ? v instanceof Float32Array : v instanceof Float64Array;
      if (!ok || (v as FloatArray).length !== this.inFeatures) {
        throw new TypeError(`${this.name}: ${k} must be a ${this.dtype} array of ${this.inFeatures} values`);
      }
    }
    if (typeof numBatchesTracked !== 'number')
      throw new TypeError(`${this.name}: numBatchesTracked must be a number`);
    this.runningMean.data.set(runningMean as FloatArray);
    this.runningVar.data.set(runningVar as FloatArray);
    this.numBatchesTracked = numBatchesTracked;
  }

  config(): LayerConfig {
    return {
      type: this.type,
      name: this.name,
      features: this.inFeatures,
      eps: this.eps,
      momentum: this.momentum,
      affine: this.weight !== undefined,
    };
  }

  free(): void {
    this.out.free();
    this.dx.free();
    this.xhat.free();
    this.mean.free();
    this.invStd.free();
    this.scratch.free();
    this.runningMean.free();
    this.runningVar.free();
    this.weight?.free();
    this.bias?.free();
  }
}
