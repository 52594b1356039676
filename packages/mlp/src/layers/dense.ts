/**
 * Dense (torch.nn.Linear): y = x Wᵀ + b for a batch x [B, in], weight W [out, in] row-major (torch's
 * layout), bias b [out].
 *
 *   forward:   Y = X Wᵀ + 1 bᵀ                 (gemm with transB, then biasAdd)
 *   backward:  ∂W += dYᵀ X,  ∂b += Σ_rows dY,  dX = dY W
 *
 * Parameter gradients accumulate (gemm with β = 1, columnSums with accumulate), as torch's do.
 * A replica (data-parallel.ts) runs the same kernels on the same weights into gradients of its own,
 * which each backward overwrites (β = 0).
 */
import { type Param, param } from '@descent/core';
import {
  alloc,
  biasAdd,
  columnSums,
  type DType,
  gemm,
  type WasmArray,
  type WasmMatrix,
} from '@descent/kernels';
import { Rng } from '../random.js';
import { checkInit, type InitScheme, initDense } from './init.js';
import {
  BatchBuffers,
  checkDtype,
  checkFeatures,
  checkInput,
  checkOutputGrad,
  type Layer,
  type LayerConfig,
  type LayerReplica,
} from './layer.js';
import { checkParameterMemory } from './memory.js';

export interface DenseOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  /** Initialization scheme (default 'torch', nn.Linear's). */
  init?: InitScheme;
  /** Seed of the initialization (default 0); or pass a generator shared across layers. */
  seed?: number;
  rng?: Rng;
  /** 'f32' (default, training) or 'f64' (gradient checks, analysis). */
  dtype?: DType;
  /** The layer's name (default 'dense'); a model renames its layers dense0, dense1, ... */
  name?: string;
}

export class Dense implements Layer {
  readonly type = 'dense';
  readonly dtype: DType;
  readonly weight: Param;
  readonly bias: Param | undefined;
  private readonly W: WasmMatrix;
  private readonly pass: DensePass;
  private _name: string;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: DenseOptions = {},
  ) {
    checkFeatures('inFeatures', inFeatures);
    checkFeatures('outFeatures', outFeatures);
    const dtype = checkDtype(options.dtype ?? 'f32');
    const init = checkInit(options.init ?? 'torch');
    const withBias = options.bias ?? true;
    if (typeof withBias !== 'boolean')
      throw new RangeError(`Invalid bias: ${String(withBias)} (expected a boolean)`);
    checkParameterMemory(
      `Dense(${inFeatures}, ${outFeatures})`,
      (inFeatures + (withBias ? 1 : 0)) * outFeatures,
      dtype,
    );
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    this.dtype = dtype;
    this._name = options.name ?? 'dense';
    const make = (n: number) => (dtype === 'f32' ? new Float32Array(n) : new Float64Array(n));
    const w = make(outFeatures * inFeatures);
    const b = withBias ? make(outFeatures) : undefined;
    initDense(init, w, b, inFeatures, outFeatures, rng);
    this.weight = param(w, { name: `${this._name}.weight`, shape: [outFeatures, inFeatures] });
    this.bias = b ? param(b, { name: `${this._name}.bias`, shape: [outFeatures] }) : undefined;
    this.W = { rows: outFeatures, cols: inFeatures, data: this.weight.value };
    const dW = { rows: outFeatures, cols: inFeatures, data: this.weight.gradient };
    this.pass = new DensePass(this, this.W, this.bias?.value, dW, this.bias?.gradient, true);
  }

  get name(): string {
    return this._name;
  }

  /** Renaming a layer renames its parameters (`<name>.weight`, `<name>.bias`). */
  set name(name: string) {
    this._name = name;
    rename(this.weight, `${name}.weight`);
    if (this.bias) rename(this.bias, `${name}.bias`);
  }

  forward(x: WasmMatrix, _training = false): WasmMatrix {
    return this.pass.forward(x);
  }

  backwardParamsOnly(dy: WasmMatrix): void {
    this.pass.backwardParamsOnly(dy);
  }

  backward(dy: WasmMatrix): WasmMatrix {
    return this.pass.backward(dy);
  }

  /** A replica on the same weights with its own gradients (overwritten by each backward). */
  replicate(): LayerReplica {
    const dW = { rows: this.outFeatures, cols: this.inFeatures, data: alloc(this.dtype, this.weight.length) };
    const db = this.bias ? alloc(this.dtype, this.outFeatures) : undefined;
    return new DensePass(this, this.W, this.bias?.value, dW, db, false);
  }

  parameters(): Param[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  config(): LayerConfig {
    return {
      type: this.type,
      name: this.name,
      inFeatures: this.inFeatures,
      outFeatures: this.outFeatures,
      bias: this.bias !== undefined,
    };
  }

  free(): void {
    this.pass.free();
    this.weight.free();
    this.bias?.free();
  }
}

/**
 * The forward and backward passes of a dense layer on given gradient buffers: the layer's own
 * (accumulating, as torch) or a replica's (overwritten). Outputs and input gradients live in buffers
 * keyed by batch size.
 */
class DensePass implements LayerReplica {
  private readonly out: BatchBuffers;
  private readonly dx: BatchBuffers;
  private x: WasmMatrix | undefined;
  readonly gradients: WasmArray[];

  constructor(
    private readonly layer: Dense,
    private readonly W: WasmMatrix,
    private readonly b: WasmArray | undefined,
    private readonly dW: WasmMatrix,
    private readonly db: WasmArray | undefined,
    private readonly accumulate: boolean,
  ) {
    this.out = new BatchBuffers(layer.dtype, layer.outFeatures);
    this.dx = new BatchBuffers(layer.dtype, layer.inFeatures);
    this.gradients = db ? [dW.data, db] : [dW.data];
  }

  forward(x: WasmMatrix, _training = false): WasmMatrix {
    checkInput(this.layer, x);
    const y = this.out.get(x.rows);
    gemm(x, this.W, y, { transB: true });
    if (this.b) biasAdd(y, this.b);
    this.x = x;
    return y;
  }

  backwardParamsOnly(dy: WasmMatrix): void {
    const x = this.x;
    checkOutputGrad(this.layer, dy, x?.rows);
    gemm(dy, x as WasmMatrix, this.dW, { transA: true, beta: this.accumulate ? 1 : 0 });
    if (this.db) columnSums(dy, this.db, { accumulate: this.accumulate });
  }

  backward(dy: WasmMatrix): WasmMatrix {
    this.backwardParamsOnly(dy);
    const dx = this.dx.get(dy.rows);
    gemm(dy, this.W, dx);
    return dx;
  }

  /** Frees the buffers, and the gradients when they are a replica's own. */
  free(): void {
    this.out.free();
    this.dx.free();
    if (!this.accumulate) for (const g of this.gradients) g.free();
  }
}

/** Param.name is readonly for users; a model naming its layers is the one place that sets it. */
export function rename(p: Param, name: string): void {
  (p as { name: string }).name = name;
}
