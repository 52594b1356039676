/**
 * Element-wise losses with their gradients in one pass over kernel memory (f32 or f64), mean over
 * the n elements (torch's reduction='mean'; n = 0 gives NaN, as torch). Each returns the loss and
 * writes the gradient when `grad` is given (`grad` may be the prediction / logits array itself).
 */
import { alloc, type WasmArray } from './arena.js';
import { checkNoOverlap, checkPair } from './checks.js';
import { typedKernel } from './exports.js';
import { threadCount } from './threads/config.js';
import { BCE_MIN, elementsInParts } from './threads/nn-parts.js';

const kMse = typedKernel('mseLoss');
const kBce = typedKernel('bceWithLogits');

function checkLoss(
  pName: string,
  p: WasmArray,
  tName: string,
  t: WasmArray,
  grad?: WasmArray,
): 'f32' | 'f64' {
  const dt = checkPair(pName, p, tName, t);
  if (grad !== undefined) {
    checkPair(pName, p, 'grad', grad);
    if (grad.ptr !== p.ptr) checkNoOverlap('grad', grad, pName, p);
    if (grad.ptr !== t.ptr) checkNoOverlap('grad', grad, tName, t);
  }
  return dt;
}

/** Mean squared error: L = (1/n) Σ (p - t)², grad = dL/dp = 2 (p - t) / n. */
export function mseLoss(prediction: WasmArray, target: WasmArray, grad?: WasmArray): number {
  const dt = checkLoss('prediction', prediction, 'target', target, grad);
  return kMse(dt)(prediction.length, prediction.ptr, target.ptr, grad === undefined ? 0 : grad.ptr);
}

/**
 * Binary cross-entropy with logits x and targets y in [0, 1], stable form
 * (torch's BCEWithLogitsLoss):
 *
 *   L = (1/n) Σ [ max(x, 0) - x y + log(1 + e^{-|x|}) ],   grad = dL/dx = (σ(x) - y) / n.
 */
export function bceWithLogits(logits: WasmArray, targets: WasmArray, grad?: WasmArray): number {
  const dt = checkLoss('logits', logits, 'targets', targets, grad);
  const args = [logits.length, logits.ptr, targets.ptr, grad === undefined ? 0 : grad.ptr];
  const threaded = args[0] >= BCE_MIN ? bceInParts(dt, args) : undefined;
  return threaded ?? kBce(dt)(...args);
}

const kBceMean = typedKernel('bceMeanOfTerms');

/**
 * bceWithLogits in chunks on the worker pool (the MSE is memory-bound and stays on one thread):
 * each chunk writes its gradient and its loss terms ℓ to a scratch array, then this thread sums
 * the terms in the single-threaded kernel's order, so the loss has the same bits. Undefined
 * (nothing done) without threads. The mean of no element is NaN, never undefined.
 */
function bceInParts(dt: 'f32' | 'f64', [n, x, y, g]: number[]): number | undefined {
  if (threadCount() < 2) return undefined;
  const terms = alloc(dt, n);
  try {
    const ran = elementsInParts(
      `bceWithLogitsChunk_${dt}`,
      dt === 'f32' ? 4 : 8,
      4,
      [n, x, y, g, terms.ptr, n],
      BCE_MIN,
    );
    return ran ? kBceMean(dt)(n, terms.ptr) : undefined;
  } finally {
    terms.free();
  }
}
