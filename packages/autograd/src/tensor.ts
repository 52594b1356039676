/**
 * Tensors: row-major f32 or f64 arrays of any rank in kernel memory, with the graph that made them.
 *
 *   const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });   // a leaf
 *   const loss = w.matmul(x).relu().sum();                        // records the graph
 *   loss.backward();                                              // w.grad = ∂loss/∂w
 *
 * A tensor made with `fromParam(p)` is a leaf over a core `Param`'s memory: ops read the param's
 * values in place, and backward ACCUMULATES into `p.grad` (as torch does), so an optimizer of
 * @descent/core steps it unchanged: `loss.backward(); opt.step(); opt.zeroGrad()`.
 *
 * Reading values: `t.data` is a live typed-array view (do not keep it across ops: memory may grow),
 * `t.toArray()` a copy, `t.item()` the one value of a single-element tensor.
 */
import type { Param } from '@descent/core';
import { type ArrayOf, axpy, type DType, type WasmArray } from '@descent/kernels';
import { runBackward } from './engine.js';
import type { Node } from './graph.js';
import * as act from './ops/activations.js';
import * as ew from './ops/elementwise.js';
import { matmul } from './ops/matmul.js';
import * as red from './ops/reduce.js';
import * as sh from './ops/shape.js';
import { track, untracked } from './scope.js';
import { acquire, Storage } from './storage.js';

export type Shape = readonly number[];
/** A number, or nested arrays of numbers (rectangular). */
export type NestedNumbers = number | NestedNumbers[];
export type TensorLike = Tensor | number;

export interface BackwardOptions {
  /** keep the graph for another backward pass (default: createGraph) */
  retainGraph?: boolean;
  /** record the backward pass itself, for higher derivatives (default false) */
  createGraph?: boolean;
}

export class Tensor<D extends DType = DType> {
  readonly isTensor = true;
  readonly shape: Shape;
  /** number of elements */
  readonly size: number;
  readonly dtype: D;
  requiresGrad = false;
  /** the op that made this tensor (null for leaves) */
  node: Node | null = null;
  /** survives every enclosing `tidy` (see `keep`) */
  kept = false;
  /** @internal the engine's mark for its graph walk */
  visitMark = 0;
  /** the core Param this leaf views, if any: gradients accumulate into `param.grad` */
  readonly param: Param<D> | undefined;
  private storageRef: Storage | null;
  private gradTensor: Tensor<D> | null = null;

  /** @internal use tensor(), zeros(), fromParam() or an op. */
  constructor(storage: Storage, shape: Shape, param?: Param<D>) {
    this.storageRef = storage;
    this.shape = shape;
    this.size = storage.array.length;
    this.dtype = storage.array.dtype as D;
    this.param = param;
    track(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  get isLeaf(): boolean {
    return this.node === null;
  }

  get freed(): boolean {
    return this.storageRef === null;
  }

  /** @internal the storage (throws once freed). */
  get storage(): Storage {
    if (!this.storageRef)
      throw new Error(`tensor [${this.shape.join(', ')}] was freed (by tidy() or free()) and cannot be used`);
    return this.storageRef;
  }

  /** The buffer in kernel memory (kernels take `buffer.ptr`). */
  get buffer(): WasmArray<D> {
    return this.storage.array as WasmArray<D>;
  }

  /** A live view of the values; re-read it after any op (memory may grow). */
  get data(): ArrayOf<D> {
    return this.buffer.data;
  }

  /** ∂(what backward was called on)/∂this, accumulated over backward calls; null before any. */
  get grad(): Tensor<D> | null {
    if (this.param)
      return wrap(new Storage(this.param.gradient, false), this.shape, undefined, false) as Tensor<D>;
    return this.gradTensor;
  }

  set grad(g: Tensor<D> | null) {
    if (this.param)
      throw new Error('the gradient of a param tensor lives in param.grad: use param.zeroGrad()');
    if (g !== null && (g.dtype !== this.dtype || !sameShape(g.shape, this.shape)))
      throw new RangeError(`grad must be ${this.dtype} [${this.shape.join(', ')}]`);
    this.gradTensor?.free();
    this.gradTensor = g;
  }

  /** A copy of the values. */
  toArray(): ArrayOf<D> {
    return this.data.slice() as ArrayOf<D>;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1)
      throw new RangeError(`item(): tensor has ${this.size} elements (shape [${this.shape.join(', ')}])`);
    return this.data[0];
  }

  /** The values as nested arrays (numbers for rank 0). */
  toNested(): NestedNumbers {
    const v = this.data;
    const build = (dim: number, offset: number): NestedNumbers => {
      if (dim === this.shape.length) return v[offset];
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      const out: NestedNumbers[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /**
   * Backpropagates from this tensor: every leaf that requires a gradient gets ∂this/∂leaf added to
   * its `grad` (a param leaf: to `param.grad`). A tensor with more than one element needs `seed`,
   * the gradient of some scalar with respect to it (torch's `gradient=`).
   */
  backward(seed?: Tensor | null, options: BackwardOptions = {}): void {
    runBackward([this], [seed ?? null], options);
  }

  /** The same values with no graph (shares memory; torch's detach). */
  detach(): Tensor<D> {
    return wrap(this.storage.retain(), this.shape) as Tensor<D>;
  }

  /** Releases the memory now (idempotent); later use throws. */
  free(): void {
    if (!this.storageRef) return;
    this.storageRef.release();
    this.storageRef = null;
    this.gradTensor?.free();
    this.gradTensor = null;
  }

  /** Sets this leaf's gradient to zero (a param leaf's too). */
  zeroGrad(): void {
    if (this.param) this.param.zeroGrad();
    else this.gradTensor?.data.fill(0);
  }

  /** @internal adds g to this leaf's gradient (a copy the leaf owns, or the param's buffer). */
  accumulateGrad(g: Tensor, graph: boolean): void {
    if (this.param) {
      axpy(1, g.buffer, this.param.gradient);
      return;
    }
    if (graph) {
      const next = this.gradTensor && !this.gradTensor.freed ? ew.add(this.gradTensor, g) : g;
      next.kept = true;
      this.gradTensor = next as Tensor<D>;
      return;
    }
    if (!this.gradTensor || this.gradTensor.freed || this.gradTensor.node) {
      const own = wrap(new Storage(acquire(this.dtype, this.size), true), this.shape, undefined, false);
      own.data.set(g.data);
      this.gradTensor = own as Tensor<D>;
      return;
    }
    axpy(1, g.buffer, this.gradTensor.buffer);
  }

  toString(): string {
    return `Tensor(${this.dtype} [${this.shape.join(', ')}]${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  // Method forms of the ops (each documented at its function).
  add(b: TensorLike): Tensor<D> {
    return ew.add(this, b) as Tensor<D>;
  }
  sub(b: TensorLike): Tensor<D> {
    return ew.sub(this, b) as Tensor<D>;
  }
  mul(b: TensorLike): Tensor<D> {
    return ew.mul(this, b) as Tensor<D>;
  }
  div(b: TensorLike): Tensor<D> {
    return ew.div(this, b) as Tensor<D>;
  }
  pow(b: TensorLike): Tensor<D> {
    return ew.pow(this, b) as Tensor<D>;
  }
  neg(): Tensor<D> {
    return ew.neg(this) as Tensor<D>;
  }
  square(): Tensor<D> {
    return ew.square(this) as Tensor<D>;
  }
  sqrt(): Tensor<D> {
    return ew.sqrt(this) as Tensor<D>;
  }
  exp(): Tensor<D> {
    return ew.exp(this) as Tensor<D>;
  }
  log(): Tensor<D> {
    return ew.log(this) as Tensor<D>;
  }
  abs(): Tensor<D> {
    return ew.abs(this) as Tensor<D>;
  }
  relu(): Tensor<D> {
    return act.relu(this) as Tensor<D>;
  }
  tanh(): Tensor<D> {
    return act.tanh(this) as Tensor<D>;
  }
  sigmoid(): Tensor<D> {
    return act.sigmoid(this) as Tensor<D>;
  }
  matmul(b: Tensor): Tensor<D> {
    return matmul(this, b) as Tensor<D>;
  }
  sum(axes?: number | number[], keepDims = false): Tensor<D> {
    return red.sum(this, axes, keepDims) as Tensor<D>;
  }
  mean(axes?: number | number[], keepDims = false): Tensor<D> {
    return red.mean(this, axes, keepDims) as Tensor<D>;
  }
  max(axes?: number | number[], keepDims = false): Tensor<D> {
    return red.max(this, axes, keepDims) as Tensor<D>;
  }
  min(axes?: number | number[], keepDims = false): Tensor<D> {
    return red.min(this, axes, keepDims) as Tensor<D>;
  }
  reshape(shape: readonly number[]): Tensor<D> {
    return sh.reshape(this, shape) as Tensor<D>;
  }
  transpose(dim0 = -2, dim1 = -1): Tensor<D> {
    return sh.transpose(this, dim0, dim1) as Tensor<D>;
  }
  permute(perm: readonly number[]): Tensor<D> {
    return sh.permute(this, perm) as Tensor<D>;
  }
  /** The transpose of a matrix (rank 2), torch's `.T`. */
  get T(): Tensor<D> {
    if (this.rank !== 2) throw new RangeError(`T: expected a matrix, got shape [${this.shape.join(', ')}]`);
    return sh.transpose(this, 0, 1) as Tensor<D>;
  }
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** @internal a tensor over `storage` (tracked by the current scope unless `tracked` is false). */
export function wrap(storage: Storage, shape: Shape, param?: Param, tracked = true): Tensor {
  if (tracked) return new Tensor(storage, shape, param);
  return untracked(() => new Tensor(storage, shape, param));
}

/** @internal a new, uninitialised tensor (pooled memory) of the given shape and dtype. */
export function empty(shape: Shape, dtype: DType): Tensor {
  return new Tensor(new Storage(acquire(dtype, shapeSize(shape)), true), shape);
}

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export { fromParam, full, ones, scalar, type TensorOptions, tensor, zeros } from './create.js';
