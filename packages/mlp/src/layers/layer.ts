/**
 * The layer contract. A layer maps a row-major batch [batch, inFeatures] to [batch, outFeatures]
 * in kernel memory, and back-propagates:
 *
 *   forward(x)   -> y          (saves what backward needs: x, or y, or a mask)
 *   backward(dy) -> dx = (∂y/∂x)ᵀ dy, and ACCUMULATES into its parameters' gradients (as torch:
 *                   zero them before a new backward pass)
 *
 * Outputs and input-gradients live in buffers the layer owns, allocated once per batch size and
 * reused: a forward or backward call allocates nothing after the first call with that batch size.
 * A returned matrix stays valid until the layer's next forward (or backward) with that batch size.
 */
import type { Param } from '@descent/core';
import { alloc, type DType, type WasmArray, type WasmMatrix } from '@descent/kernels';

/** The JSON description of a layer (enough to rebuild it; weights travel separately). */
export interface LayerConfig {
  type: string;
  name: string;
  [option: string]: unknown;
}

export interface Layer {
  /** 'dense', 'relu', 'batchNorm1d', ... (the `type` in its config). */
  readonly type: string;
  /** Unique in its model: `dense0`, `bn1`, ... (parameters are named `<name>.weight`). */
  name: string;
  readonly dtype: DType;
  /** Features in and out (activations and dropout: the same number). */
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** y = layer(x); `training` switches dropout and batch norm between their two modes. */
  forward(x: WasmMatrix, training: boolean): WasmMatrix;
  /** dx from dy (the output gradient of the last forward); parameter gradients accumulate. */
  backward(dy: WasmMatrix): WasmMatrix;
  /** Backward without dx (the first layer needs only its parameter gradients). */
  backwardParamsOnly?(dy: WasmMatrix): void;
  /** The trainable parameters, named `<name>.<what>`. */
  parameters(): Param[];
  /** Non-trainable state that a checkpoint keeps (running statistics, RNG state). */
  extraState?(): Record<string, number | Float32Array | Float64Array>;
  loadExtraState?(state: Record<string, unknown>): void;
  config(): LayerConfig;
  /**
   * A replica for data-parallel training (data-parallel.ts): the same parameter values (the same
   * kernel memory, never copied), gradients and buffers of its own. Absent where shards of a batch
   * cannot be computed apart: batch norm (its statistics couple the batch's rows) and dropout (its
   * mask is drawn in row order from one generator).
   */
  replicate?(): LayerReplica;
  /** Returns every buffer and parameter to the arena. */
  free(): void;
}

/** A layer's replica: its passes write the replica's own gradients, overwriting them. */
export interface LayerReplica {
  forward(x: WasmMatrix, training: boolean): WasmMatrix;
  backward(dy: WasmMatrix): WasmMatrix;
  backwardParamsOnly?(dy: WasmMatrix): void;
  /** The gradients, in the order of the layer's parameters(). */
  readonly gradients: readonly WasmArray[];
  free(): void;
}

/**
 * Buffers keyed by batch size: `get(rows)` makes a rows x cols matrix the first time and returns
 * the same one afterwards (a training epoch sees at most two batch sizes: full and last).
 */
export class BatchBuffers {
  private readonly byRows = new Map<number, WasmMatrix>();

  constructor(
    readonly dtype: DType,
    readonly cols: number,
  ) {}

  get(rows: number): WasmMatrix {
    let m = this.byRows.get(rows);
    if (!m) {
      m = { rows, cols: this.cols, data: alloc(this.dtype, rows * this.cols) };
      this.byRows.set(rows, m);
    }
    return m;
  }

  free(): void {
    for (const m of this.byRows.values()) m.data.free();
    this.byRows.clear();
  }
}

/** Throws unless x is a batch of `features` columns in `dtype`, naming the layer. */
export function checkInput(layer: Layer, x: WasmMatrix): void {
  if (x.cols !== layer.inFeatures) {
    throw new RangeError(
      `Shape mismatch: ${layer.name} expects ${layer.inFeatures} features, the input has ${x.cols}`,
    );
  }
  if (x.data.dtype !== layer.dtype) {
    throw new TypeError(`${layer.name} is ${layer.dtype}, the input is ${x.data.dtype}`);
  }
}

/** Throws unless dy matches the shape of the last forward's output, naming the layer. */
export function checkOutputGrad(layer: Layer, dy: WasmMatrix, rows: number | undefined): void {
  if (rows === undefined) throw new Error(`${layer.name}: backward() called before forward()`);
  if (dy.rows !== rows || dy.cols !== layer.outFeatures) {
    throw new RangeError(
      `Shape mismatch: ${layer.name}'s output is ${rows}x${layer.outFeatures}, dy is ${dy.rows}x${dy.cols}`,
    );
  }
}

/** Throws a RangeError unless n is an integer >= 1, naming the option. */
export function checkFeatures(option: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new RangeError(`Invalid ${option}: ${String(n)} (expected an integer >= 1)`);
  }
  return n;
}

/** Throws a RangeError unless dtype is 'f32' or 'f64'. */
export function checkDtype(dtype: unknown): DType {
  if (dtype !== 'f32' && dtype !== 'f64') {
    throw new RangeError(`Invalid dtype: ${String(dtype)} (expected 'f32' or 'f64')`);
  }
  return dtype;
}
