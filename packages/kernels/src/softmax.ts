/**
 * Row-wise softmax, log-softmax and the fused softmax + cross-entropy over kernel memory (f32 or
 * f64), each row shifted by its maximum m so every exponent is <= 0 (logits of ±1000 are fine):
 *
 *   softmax(x)_j = e^{x_j - m} / Σ_k e^{x_k - m},   logSoftmax(x)_j = (x_j - m) - log Σ_k e^{x_k - m}
 *
 * Class labels are class indices stored as values of the logits' own dtype (a WasmArray of
 * 0, 1, 2, ... as f32 or f64; exact for any realistic class count), checked to be integers in
 * [0, classes). The element-wise losses (MSE, BCE with logits) are in losses.ts, re-exported here.
 */
import { alloc, type WasmArray } from './arena.js';
import { checkArray, checkNoOverlap } from './checks.js';
import { type RawKernel, typedKernel } from './exports.js';
import { checkMatrix, type WasmMatrix } from './matrix.js';
import { ROWS_MIN, rangeInParts } from './threads/nn-parts.js';

export * from './losses.js';

function checkSameShape(aName: string, a: WasmMatrix, bName: string, b: WasmMatrix): void {
  checkMatrix(bName, b, a.data.dtype);
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`Shape mismatch: ${aName} is ${a.rows}x${a.cols}, ${bName} is ${b.rows}x${b.cols}`);
  }
  if (a.data.ptr !== b.data.ptr) checkNoOverlap(bName, b.data, aName, a.data);
}

/**
 * Row-wise kernel `name`(rows, cols, p1..pK) on matrices of X's shape (pointers `ptrs`): rows
 * apart on the worker pool when rows · cols >= ROWS_MIN and threads are on (each part the kernel
 * on its rows: the same bits), else here.
 */
function byRows(k: (dt: 'f32' | 'f64') => RawKernel, name: string, X: WasmMatrix, ptrs: number[]): void {
  const dt = X.data.dtype;
  const rowBytes = X.cols * (dt === 'f32' ? 4 : 8);
  const parts =
    X.rows * X.cols >= ROWS_MIN &&
    rangeInParts(`${name}_${dt}`, X.rows, 1, X.rows * X.cols, ROWS_MIN, (r0, r1) => [
      r1 - r0,
      X.cols,
      ...ptrs.map((p) => p + r0 * rowBytes),
    ]);
  if (!parts) k(dt)(X.rows, X.cols, ...ptrs);
}

const kSoftmax = typedKernel('softmax');
const kLogSoftmax = typedKernel('logSoftmax');
const kSoftmaxCrossEntropy = typedKernel('softmaxCrossEntropy');

/** out = softmax of every row of X (out may be X). */
export function softmax(X: WasmMatrix, out: WasmMatrix): void {
  checkMatrix('X', X);
  checkSameShape('X', X, 'out', out);
  byRows(kSoftmax, 'softmax', X, [X.data.ptr, out.data.ptr]);
}

/** out = log-softmax of every row of X (out may be X). */
export function logSoftmax(X: WasmMatrix, out: WasmMatrix): void {
  checkMatrix('X', X);
  checkSameShape('X', X, 'out', out);
  byRows(kLogSoftmax, 'logSoftmax', X, [X.data.ptr, out.data.ptr]);
}

const kSoftmaxBackward = typedKernel('softmaxBackward');
const kLogSoftmaxBackward = typedKernel('logSoftmaxBackward');

function checkSoftmaxBackward(Y: WasmMatrix, dY: WasmMatrix, dX: WasmMatrix): void {
  checkMatrix('Y', Y);
  checkSameShape('Y', Y, 'dY', dY);
  checkSameShape('dY', dY, 'dX', dX);
  if (dX.data.ptr !== Y.data.ptr) checkNoOverlap('dX', dX.data, 'Y', Y.data);
}

/** Backward of softmax from its saved OUTPUT Y: dX_ij = Y_ij (dY_ij - Σ_k dY_ik Y_ik). dX may be dY or Y. */
export function softmaxBackward(Y: WasmMatrix, dY: WasmMatrix, dX: WasmMatrix): void {
  checkSoftmaxBackward(Y, dY, dX);
  byRows(kSoftmaxBackward, 'softmaxBackward', Y, [Y.data.ptr, dY.data.ptr, dX.data.ptr]);
}

/** Backward of log-softmax from its saved OUTPUT Y: dX_ij = dY_ij - e^{Y_ij} Σ_k dY_ik. dX may be dY or Y. */
export function logSoftmaxBackward(Y: WasmMatrix, dY: WasmMatrix, dX: WasmMatrix): void {
  checkSoftmaxBackward(Y, dY, dX);
  byRows(kLogSoftmaxBackward, 'logSoftmaxBackward', Y, [Y.data.ptr, dY.data.ptr, dX.data.ptr]);
}

/** Throws unless `labels` holds `rows` integer class indices in [0, classes). */
function checkLabels(labels: WasmArray, rows: number, classes: number, dtype: 'f32' | 'f64'): void {
  checkArray('labels', labels, dtype);
  if (labels.length !== rows) {
    throw new RangeError(`Length mismatch: logits has ${rows} rows, labels has ${labels.length} elements`);
  }
  const v = labels.data;
  for (let i = 0; i < rows; i++) {
    const c = v[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new RangeError(
        `Invalid label at index ${i}: ${c} (expected an integer class in [0, ${classes}))`,
      );
    }
  }
}

/**
 * Fused softmax + cross-entropy, mean over the R rows (torch's F.cross_entropy, reduction='mean'):
 *
 *   loss = (1/R) Σ_i [ log Σ_j e^{x_ij} - x_{i, y_i} ]
 *   dLogits_ij = (softmax(x_i)_j - [j = y_i]) / R
 *
 * Returns the loss; writes dLogits when given (one pass per row; dLogits may be logits itself).
 * R = 0 gives NaN (as torch).
 */
export function softmaxCrossEntropy(logits: WasmMatrix, labels: WasmArray, dLogits?: WasmMatrix): number {
  checkMatrix('logits', logits);
  const dt = logits.data.dtype;
  if (dLogits !== undefined) checkSameShape('logits', logits, 'dLogits', dLogits);
  checkLabels(labels, logits.rows, logits.cols, dt);
  if (dLogits !== undefined) checkNoOverlap('dLogits', dLogits.data, 'labels', labels);
  const g = dLogits === undefined ? 0 : dLogits.data.ptr;
  const { rows, cols } = logits;
  if (rows * cols >= ROWS_MIN) {
    const loss = crossEntropyInParts(`softmaxCrossEntropy_rows_${dt}`, rows, cols, [
      logits.data.ptr,
      labels.ptr,
      g,
    ]);
    if (loss !== undefined) return loss;
  }
  return kSoftmaxCrossEntropy(dt)(rows, cols, logits.data.ptr, labels.ptr, g);
}

/**
 * softmaxCrossEntropy with rows apart on the pool: each part writes its rows' dLogits and terms
 * ℓ_i = m_i + log Σ_j e^{x_ij - m_i} - x_{i, y_i}; the loss is then (Σ_i ℓ_i) / R summed here in
 * row order from 0, the single-threaded kernel's f64 arithmetic, so it has the same bits.
 * Undefined (nothing done) without threads.
 */
function crossEntropyInParts(name: string, rows: number, cols: number, ptrs: number[]): number | undefined {
  let terms: WasmArray<'f64'> | undefined; // allocated once the pool takes the job
  try {
    const parts = rangeInParts(name, rows, 1, rows * cols, ROWS_MIN, (r0, r1) => {
      terms ??= alloc('f64', rows);
      return [r0, r1, rows, cols, ...ptrs, terms.ptr];
    });
    if (!parts || !terms) return undefined;
    const t = terms.data;
    let loss = 0;
    for (let i = 0; i < rows; i++) loss += t[i];
    return loss * (1 / rows);
  } finally {
    terms?.free();
  }
}
