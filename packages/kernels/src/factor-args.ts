/**
 * Argument handling shared by the factorization wrappers (cholesky.ts, lu.ts, eigh.ts): checking a
 * square f64 matrix (plain `Matrix` or `WasmMatrix`), copying it and right-hand sides into kernel
 * memory, and copying results out. Every error names the argument at fault. Not part of the
 * package's public API.
 */
import { alloc, type WasmArray } from './arena.js';
import { checkDim } from './checks.js';
import type { Matrix, WasmMatrix } from './matrix.js';

/** A square f64 matrix, plain or in kernel memory. */
export type SquareMatrix = Matrix<Float64Array> | WasmMatrix<'f64'>;

/** Which part of a square matrix a factorization reads (and so checks for finiteness). */
export type Part = 'lower' | 'full';

function isWasmMatrix(m: SquareMatrix): m is WasmMatrix<'f64'> {
  return typeof (m.data as { ptr?: unknown }).ptr === 'number';
}

/** The live f64 values of `m` (a view for a WasmMatrix: use it before anything allocates). */
function valuesOf(name: string, m: SquareMatrix): Float64Array {
  if (isWasmMatrix(m)) {
    const d = m.data;
    if (d.freed) throw new Error(`${name}.data was freed`);
    if (d.dtype !== 'f64') throw new TypeError(`${name} has dtype ${d.dtype}, expected f64`);
    return d.data as Float64Array;
  }
  if (!(m.data instanceof Float64Array)) {
    throw new TypeError(`${name}.data must be a Float64Array (f64), got ${describe(m.data)}`);
  }
  return m.data;
}

function describe(v: unknown): string {
  return v === null || v === undefined ? String(v) : ((v as object).constructor?.name ?? typeof v);
}

/**
 * Checks that `m` is a well-formed square f64 matrix whose `part` is finite; returns its order n.
 */
export function squareOrder(name: string, m: SquareMatrix, part: Part): number {
  if (!m || typeof m !== 'object' || !m.data) {
    throw new TypeError(`${name} must be a matrix { rows, cols, data }`);
  }
  checkDim(`${name}.rows`, m.rows);
  checkDim(`${name}.cols`, m.cols);
  if (m.rows !== m.cols) throw new RangeError(`${name} must be square, got ${m.rows} x ${m.cols}`);
  const v = valuesOf(name, m);
  const n = m.rows;
  if (v.length !== n * n) {
    throw new RangeError(
      `${name}.data has length ${v.length}, expected ${name}.rows * ${name}.cols = ${n * n}`,
    );
  }
  for (let i = 0; i < n; i++) {
    const end = part === 'lower' ? i * n + i + 1 : (i + 1) * n;
    for (let k = i * n; k < end; k++) {
      if (!Number.isFinite(v[k])) {
        throw new RangeError(`${name} has a non-finite entry ${v[k]} at (${i}, ${k - i * n})`);
      }
    }
  }
  return n;
}

/** A fresh copy of the square matrix `m` (already checked) in kernel memory. */
export function copyIn(m: SquareMatrix, extra = 0): WasmArray<'f64'> {
  const n = m.rows;
  const out = alloc('f64', n * n + extra);
  out.data.set(isWasmMatrix(m) ? (m.data.data as Float64Array) : m.data);
  return out;
}

/**
 * Kernel memory holding the read-only square matrix `m`: its own memory for a WasmMatrix (nothing
 * copied), else a copy. Call `release()` when done (it frees only a copy).
 */
export function borrow(m: SquareMatrix): { arr: WasmArray<'f64'>; release(): void } {
  if (isWasmMatrix(m)) return { arr: m.data, release() {} };
  const arr = copyIn(m);
  return { arr, release: () => arr.free() };
}

/** A right-hand side: a vector of n values, or an n x k matrix (k right-hand sides). */
export type RightHandSide = Float64Array | Matrix<Float64Array>;

/**
 * Checks `b` against order n and copies it into kernel memory with each right-hand side
 * contiguous (a matrix is stored transposed, k x n). Returns the copy and k.
 */
export function rhsIn(
  name: string,
  b: RightHandSide,
  n: number,
  aName: string,
): { x: WasmArray<'f64'>; k: number } {
  let k: number;
  let v: Float64Array;
  if (b instanceof Float64Array) {
    if (b.length !== n) {
      throw new RangeError(`Length mismatch: ${aName} is ${n} x ${n}, ${name} has ${b.length} elements`);
    }
    k = 1;
    v = b;
  } else {
    if (!b || typeof b !== 'object' || !(b.data instanceof Float64Array)) {
      throw new TypeError(`${name} must be a Float64Array or a matrix { rows, cols, data: Float64Array }`);
    }
    checkDim(`${name}.cols`, b.cols);
    if (b.rows !== n) {
      throw new RangeError(`Shape mismatch: ${aName} is ${n} x ${n}, ${name} has ${b.rows} rows`);
    }
    if (b.data.length !== n * b.cols) {
      throw new RangeError(
        `${name}.data has length ${b.data.length}, expected ${name}.rows * ${name}.cols = ${n * b.cols}`,
      );
    }
    k = b.cols;
    v = b.data;
  }
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new RangeError(`${name} has a non-finite entry ${v[i]} at index ${i}`);
  }
  const x = alloc('f64', n * k);
  const d = x.data;
  if (k === 1) d.set(v);
  else for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) d[j * n + i] = v[i * k + j];
  return { x, k };
}

/** Copies the k solutions (each contiguous, as rhsIn laid them out) back to b's row-major shape. */
export function rhsOut(x: WasmArray<'f64'>, n: number, k: number): Float64Array {
  const d = x.data;
  if (k === 1) return d.slice();
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] = d[j * n + i];
  return out;
}
