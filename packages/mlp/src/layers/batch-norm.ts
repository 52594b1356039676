/**
 * BatchNorm1d (torch.nn.BatchNorm1d) over a batch x [B, F], per feature j:
 *
 *   training:  μ_j = (1/B) Σ_i x_ij,   σ²_j = (1/B) Σ_i (x_ij - μ_j)²          (biased, to normalize)
 *              x̂_ij = (x_ij - μ_j) / √(σ²_j + ε),   y_ij = γ_j x̂_ij + β_j
 *              running_mean ← (1 - m) running_mean + m μ_j
 *              running_var  ← (1 - m) running_var  + m σ²_j B/(B - 1)         (unbiased, as torch)
 *   eval:      x̂_ij = (x_ij - running_mean_j) / √(running_var_j + ε)
 *
 *   backward (training), with g = dy ⊙ γ:
 *              ∂γ_j += Σ_i dy_ij x̂_ij,   ∂β_j += Σ_i dy_ij
 *              dx_ij = (1/√(σ²_j + ε)) (g_ij - mean_i g_ij - x̂_ij mean_i(g_ij x̂_ij))
 *   backward (eval): dx_ij = dy_ij γ_j / √(running_var_j + ε)
 *
 * m is `momentum` (default 0.1), ε `eps` (default 1e-5); `affine: false` drops γ and β. The
 * per-feature statistics are computed in two plain passes over the batch (no kernel exists for
 * them yet); the batch is small (B x F, a few thousand numbers), the gemms around it dominate.
 */
import { type Param, param } from '@descent/core';
import { alloc, type DType, type FloatArray, type WasmArray, type WasmMatrix } from '@descent/kernels';
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
  /** m in running ← (1 - m) running + m batch (default 0.1, torch's). */
  momentum?: number;
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
  readonly momentum: number;
  readonly weight: Param | undefined;
  readonly bias: Param | undefined;
  readonly runningMean: WasmArray;
  readonly runningVar: WasmArray;
  /** Training batches seen (torch's num_batches_tracked). */
  numBatchesTracked = 0;
  private readonly out: BatchBuffers;
  private readonly dx: BatchBuffers;
  private readonly xhat: BatchBuffers;
  /** 1/√(σ² + ε) of the last forward, per feature */
  private readonly invStd: WasmArray;
  private last: { rows: number; training: boolean } | undefined;
  /** per-feature sums (plain JS scratch, allocated once) */
  private readonly s1: Float64Array;
  private readonly s2: Float64Array;
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
    if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
      throw new RangeError(`Invalid momentum: ${String(momentum)} (expected a number in [0, 1])`);
    }
    if (typeof affine !== 'boolean')
      throw new RangeError(`Invalid affine: ${String(affine)} (expected a boolean)`);
    this.dtype = checkDtype(options.dtype ?? 'f32');
    this.eps = eps;
    this.momentum = momentum;
    this.outFeatures = inFeatures;
    this._name = options.name ?? 'bn';
    const F = inFeatures;
    this.s1 = new Float64Array(F);
    this.s2 = new Float64Array(F);
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
    this.invStd = alloc(this.dtype, F);
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
    const F = this.inFeatures;
    if (training && B < 2) {
      throw new RangeError(`${this.name}: batch norm in training needs more than 1 row per batch, got ${B}`);
    }
    const y = this.out.get(B);
    const xh = this.xhat.get(B);
    // views taken after every allocation above
    const X = x.data.data;
    const Y = y.data.data;
    const XH = xh.data.data;
    const inv = this.invStd.data;
    const rm = this.runningMean.data;
    const rv = this.runningVar.data;
    if (training) {
      const mean = this.s1.fill(0);
      const sq = this.s2.fill(0);
      for (let i = 0; i < B; i++) for (let j = 0; j < F; j++) mean[j] += X[i * F + j];
      for (let j = 0; j < F; j++) mean[j] /= B;
      for (let i = 0; i < B; i++) {
        for (let j = 0; j < F; j++) {
          const d = X[i * F + j] - mean[j];
          sq[j] += d * d;
        }
      }
      const m = this.momentum;
      for (let j = 0; j < F; j++) {
        const v = sq[j] / B;
        inv[j] = 1 / Math.sqrt(v + this.eps);
        rm[j] = (1 - m) * rm[j] + m * mean[j];
        rv[j] = (1 - m) * rv[j] + m * (sq[j] / (B - 1));
      }
      for (let i = 0; i < B; i++)
        for (let j = 0; j < F; j++) XH[i * F + j] = (X[i * F + j] - mean[j]) * inv[j];
      this.numBatchesTracked++;
    } else {
      for (let j = 0; j < F; j++) inv[j] = 1 / Math.sqrt(rv[j] + this.eps);
      for (let i = 0; i < B; i++) for (let j = 0; j < F; j++) XH[i * F + j] = (X[i * F + j] - rm[j]) * inv[j];
    }
    this.affine(XH, Y, B);
    this.last = { rows: B, training };
    return y;
  }

  /** Y = γ x̂ + β (or Y = x̂ without affine). */
  private affine(XH: FloatArray, Y: FloatArray, B: number): void {
    const F = this.inFeatures;
    if (!this.weight || !this.bias) {
      Y.set(XH);
      return;
    }
    const g = this.weight.data;
    const b = this.bias.data;
    for (let i = 0; i < B; i++) for (let j = 0; j < F; j++) Y[i * F + j] = g[j] * XH[i * F + j] + b[j];
  }

  backward(dy: WasmMatrix): WasmMatrix {
    checkOutputGrad(this, dy, this.last?.rows);
    const { rows: B, training } = this.last as { rows: number; training: boolean };
    const F = this.inFeatures;
    const dx = this.dx.get(B);
    const DY = dy.data.data;
    const DX = dx.data.data;
    const XH = this.xhat.get(B).data.data;
    const inv = this.invStd.data;
    const gamma = this.weight?.data;
    if (this.weight && this.bias) {
      const dg = this.weight.grad;
      const db = this.bias.grad;
      for (let i = 0; i < B; i++) {
        for (let j = 0; j < F; j++) {
          dg[j] += DY[i * F + j] * XH[i * F + j];
          db[j] += DY[i * F + j];
        }
      }
    }
    if (!training) {
      for (let i = 0; i < B; i++) {
        for (let j = 0; j < F; j++) DX[i * F + j] = DY[i * F + j] * (gamma ? gamma[j] : 1) * inv[j];
      }
      return dx;
    }
    const meanG = this.s1.fill(0);
    const meanGX = this.s2.fill(0);
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < F; j++) {
        const g = DY[i * F + j] * (gamma ? gamma[j] : 1);
        meanG[j] += g;
        meanGX[j] += g * XH[i * F + j];
      }
    }
    for (let j = 0; j < F; j++) {
      meanG[j] /= B;
      meanGX[j] /= B;
    }
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < F; j++) {
        const g = DY[i * F + j] * (gamma ? gamma[j] : 1);
        DX[i * F + j] = inv[j] * (g - meanG[j] - XH[i * F + j] * meanGX[j]);
      }
    }
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
    this.invStd.free();
    this.runningMean.free();
    this.runningVar.free();
    this.weight?.free();
    this.bias?.free();
  }
}
