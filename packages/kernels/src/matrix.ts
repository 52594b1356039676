/**
 * Row-major matrices: `{ rows, cols, data }`, element (i, j) at data[i * cols + j]. Kernel calls
 * take a `WasmMatrix` (data in kernel memory); the factorization wrappers also accept a plain
 * `Matrix` whose data is a Float64Array and copy it in.
 */
import { alloc, type DType, type FloatArray, fromArray, WasmArray } from './arena.js';
import { checkArray, checkDim } from './checks.js';

export interface WasmMatrix<D extends DType = DType> {
  rows: number;
  cols: number;
  data: WasmArray<D>;
}

/** A plain row-major matrix outside kernel memory. */
export interface Matrix<A extends FloatArray = FloatArray> {
  rows: number;
  cols: number;
  data: A;
}

/** A zero rows x cols matrix in kernel memory. */
export function matrix<D extends DType>(dtype: D, rows: number, cols: number): WasmMatrix<D> {
  checkDim('rows', rows);
  checkDim('cols', cols);
  return { rows, cols, data: alloc(dtype, rows * cols) };
}

/** A copy of a plain matrix (or of row-major `values`) in kernel memory. */
export function matrixFrom(rows: number, cols: number, values: FloatArray): WasmMatrix {
  checkDim('rows', rows);
  checkDim('cols', cols);
  if (values.length !== rows * cols) {
    throw new RangeError(`values has length ${values.length}, expected rows * cols = ${rows * cols}`);
  }
  return { rows, cols, data: fromArray(values) };
}

/** Throws unless `m` is a well-formed WasmMatrix (of `dtype`, when given), naming it. */
export function checkMatrix(name: string, m: WasmMatrix, dtype?: DType): void {
  // The common case without building any message: kernel calls on small matrices (a 32x64 gemm
  // takes about 12 us) should not spend a few percent on naming arguments that are fine.
  if (
    m &&
    typeof m === 'object' &&
    m.data instanceof WasmArray &&
    Number.isInteger(m.rows) &&
    m.rows >= 0 &&
    Number.isInteger(m.cols) &&
    m.cols >= 0 &&
    !m.data.freed &&
    (dtype === undefined || m.data.dtype === dtype) &&
    m.data.length === m.rows * m.cols
  ) {
    return;
  }
  if (!m || typeof m !== 'object' || !(m.data instanceof WasmArray)) {
    throw new TypeError(`${name} must be a matrix { rows, cols, data: WasmArray }`);
  }
  checkDim(`${name}.rows`, m.rows);
  checkDim(`${name}.cols`, m.cols);
  checkArray(`${name}.data`, m.data, dtype);
  if (m.data.length !== m.rows * m.cols) {
    throw new RangeError(
      `${name}.data has length ${m.data.length}, expected ${name}.rows * ${name}.cols = ${m.rows * m.cols}`,
    );
  }
}
