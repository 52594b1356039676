/**
 * Parameters: `{ data, grad }`, two arrays of the same length and element type (Float32Array for
 * training, Float64Array for analysis and second-order methods), living in kernel memory so that
 * the fused optimizer kernels update them in one pass.
 *
 * `param(values)` copies `values` in; afterwards read and write through `p.data` and `p.grad`.
 * Both are live views, re-derived whenever WebAssembly memory grows: index them freely, but do not
 * keep a reference to them across a call that may allocate (creating params, optimizers, ...).
 */
import {
  type ArrayOf,
  alloc,
  type DType,
  dtypeOf,
  type FloatArray,
  fromArray,
  type WasmArray,
} from '@descent/kernels';

export interface ParamOptions {
  /** A name for messages and masks (`dense0.weight`); defaults to `param<N>`. */
  name?: string;
  /** Logical shape; its product must equal the length. Matrices are [rows, cols], row-major. */
  shape?: number[];
}

let unnamed = 0;

export class Param<D extends DType = DType> {
  readonly name: string;
  readonly shape: readonly number[];
  /** The values, in kernel memory (kernels take `value.ptr`). */
  readonly value: WasmArray<D>;
  /** The gradient, in kernel memory, zero until something writes it. */
  readonly gradient: WasmArray<D>;

  constructor(value: WasmArray<D>, options: ParamOptions = {}) {
    this.name = options.name ?? `param${unnamed++}`;
    const shape = options.shape ?? [value.length];
    if (
      !shape.every((d) => Number.isInteger(d) && d >= 0) ||
      shape.reduce((a, b) => a * b, 1) !== value.length
    ) {
      throw new RangeError(
        `Invalid shape for ${this.name}: [${shape.join(', ')}] does not hold ${value.length} values`,
      );
    }
    this.shape = Object.freeze([...shape]);
    this.value = value;
    this.gradient = alloc(value.dtype, value.length);
  }

  /** Live view of the values. */
  get data(): ArrayOf<D> {
    return this.value.data;
  }

  /** Live view of the gradient. */
  get grad(): ArrayOf<D> {
    return this.gradient.data;
  }

  get dtype(): D {
    return this.value.dtype;
  }

  get length(): number {
    return this.value.length;
  }

  /** Sets the gradient to zero. */
  zeroGrad(): void {
    this.gradient.data.fill(0);
  }

  /**
   * Returns both arrays' memory to the arena at once; the parameter is unusable afterwards. A
   * parameter that is simply dropped is returned too, but only when the garbage collector runs,
   * which kernel memory does not prompt: free what a loop builds and no longer needs.
   */
  free(): void {
    this.value.free();
    this.gradient.free();
  }
}

/**
 * A parameter holding a copy of `values` (a typed array keeps its element type; a plain number
 * array becomes Float64Array unless `dtype` says otherwise).
 */
export function param(values: Float32Array, options?: ParamOptions): Param<'f32'>;
export function param(values: Float64Array, options?: ParamOptions): Param<'f64'>;
export function param(values: FloatArray | number[], options?: ParamOptions & { dtype?: DType }): Param;
export function param(values: FloatArray | number[], options: ParamOptions & { dtype?: DType } = {}): Param {
  if (Array.isArray(values)) {
    const dtype = options.dtype ?? 'f64';
    const arr = dtype === 'f32' ? Float32Array.from(values) : Float64Array.from(values);
    return new Param(fromArray(arr), options);
  }
  dtypeOf(values); // throws a TypeError on anything but Float32Array / Float64Array
  return new Param(fromArray(values), options);
}

/** A zero-initialised parameter of `length` elements. */
export function zerosParam(dtype: DType, length: number, options?: ParamOptions): Param {
  return new Param(alloc(dtype, length), options);
}
