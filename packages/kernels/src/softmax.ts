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
import type { WasmArray } from './arena.js';
import { checkArray, checkNoOverlap } from './checks.js';
import { typedKernel } from './exports.js';
import { checkMatrix, type WasmMatrix } from './matrix.js';

export * from './losses.js';

function checkSameShape(aName: string, a: WasmMatrix, bName: string, b: WasmMatrix): void {
  checkMatrix(bName, b, a.data.dtype);
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`Shape mismatch: ${aName} is ${a.rows}x${a.cols}, ${bName} is ${b.rows}x${b.cols}`);
  }
  if (a.data.ptr !== b.data.ptr) checkNoOverlap(bName, b.data, aName, a.data);
}

const kSoftmax = typedKernel('softmax');
const kLogSoftmax = typedKernel('logSoftmax');
const kSoftmaxCrossEntropy = typedKernel('softmaxCrossEntropy');

/** out = softmax of every row of X (out may be X). */
export function softmax(X: WasmMatrix, out: WasmMatrix): void {
  checkMatrix('X', X);
  checkSameShape('X', X, 'out', out);
  kSoftmax(X.data.dtype)(X.rows, X.cols, X.data.ptr, out.data.ptr);
}

/** out = log-softmax of every row of X (out may be X). */
export function logSoftmax(X: WasmMatrix, out: WasmMatrix): void {
  checkMatrix('X', X);
  checkSameShape('X', X, 'out', out);
  kLogSoftmax(X.data.dtype)(X.rows, X.cols, X.data.ptr, out.data.ptr);
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
  kSoftmaxBackward(Y.data.dtype)(Y.rows, Y.cols, Y.data.ptr, dY.data.ptr, dX.data.ptr);
}

/** Backward of log-softmax from its saved OUTPUT Y: dX_ij = dY_ij - e^{Y_ij} Σ_k dY_ik. dX may be dY or Y. */
export function logSoftmaxBackward(Y: WasmMatrix, dY: WasmMatrix, dX: WasmMatrix): void {
  checkSoftmaxBackward(Y, dY, dX);
  kLogSoftmaxBackward(Y.data.dtype)(Y.rows, Y.cols, Y.data.ptr, dY.data.ptr, dX.data.ptr);
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
  return kSoftmaxCrossEntropy(dt)(logits.rows, logits.cols, logits.data.ptr, labels.ptr, g);
}
