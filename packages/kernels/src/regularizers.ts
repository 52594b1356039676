/**
 * Penalty and proximal kernels (for @descent/regularizers): one pass over a parameter array for
 * the value and gradient of an L1/L2/elastic-net penalty, soft-thresholding in place, and row- or
 * column-group norms and scaling for group lasso and max-norm.
 */
import { alloc, fromArray, type WasmArray } from './arena.js';
import { checkArray, checkDim, checkPair, checkScalar } from './checks.js';
import { namedKernel, type RawKernel } from './exports.js';

export interface L1L2Coefficients {
  /** coefficient of Σ|x_i| */
  l1: number;
  /** coefficient of Σx_i² in the value */
  a: number;
  /** coefficient of x_i in the gradient (2a for the exact gradient) */
  b: number;
}

const kernels: Record<string, () => RawKernel> = {};
function k(name: string): RawKernel {
  return (kernels[name] ??= namedKernel(name))();
}

/**
 * Ω(x) = l1 Σ|x_i| + a Σx_i², and, when `grad` is given, grad_i += l1 sign(x_i) + b x_i.
 * Returns Ω(x).
 */
export function penaltyL1L2(x: WasmArray, grad: WasmArray | null, c: L1L2Coefficients): number {
  checkArray('x', x);
  if (grad) checkPair('x', x, 'grad', grad);
  checkScalar('l1', c.l1);
  checkScalar('a', c.a);
  checkScalar('b', c.b);
  return k(`penalty_l1l2_${x.dtype}`)(x.length, x.ptr, grad ? grad.ptr : 0, c.l1, c.a, c.b, grad ? 1 : 0);
}

/** In place: x_i <- scale · sign(x_i) · max(|x_i| - t, 0). */
export function softThreshold(x: WasmArray, t: number, scale = 1): void {
  checkArray('x', x);
  checkScalar('t', t);
  checkScalar('scale', scale);
  if (t < 0) throw new RangeError(`Invalid threshold t: ${t} (expected >= 0)`);
  k(`soft_threshold_${x.dtype}`)(x.length, x.ptr, t, scale);
}

function checkShape(x: WasmArray, rows: number, cols: number): void {
  checkArray('x', x);
  checkDim('rows', rows);
  checkDim('cols', cols);
  if (rows * cols !== x.length) {
    throw new RangeError(
      `x has length ${x.length}, expected rows * cols = ${rows} * ${cols} = ${rows * cols}`,
    );
  }
}

/** ‖row i‖₂ (byRows) or ‖column j‖₂ of the rows x cols row-major matrix x. */
export function groupNorms(x: WasmArray, rows: number, cols: number, byRows: boolean): Float64Array {
  checkShape(x, rows, cols);
  const out = alloc('f64', byRows ? rows : cols);
  k(`group_norms_${x.dtype}`)(rows, cols, x.ptr, byRows ? 1 : 0, out.ptr);
  const norms = out.toArray();
  out.free();
  return norms;
}

/** In place: multiplies row i (byRows) or column j of x by factors[i or j]. */
export function scaleGroups(
  x: WasmArray,
  rows: number,
  cols: number,
  byRows: boolean,
  factors: Float64Array,
): void {
  checkShape(x, rows, cols);
  const groups = byRows ? rows : cols;
  if (factors.length !== groups) {
    throw new RangeError(
      `factors has length ${factors.length}, expected ${groups} (one per ${byRows ? 'row' : 'column'})`,
    );
  }
  const f = fromArray(factors);
  k(`scale_groups_${x.dtype}`)(rows, cols, x.ptr, byRows ? 1 : 0, f.ptr);
  f.free();
}
