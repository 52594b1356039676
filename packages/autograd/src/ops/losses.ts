/**
 * Softmax and the losses of torch.nn.functional, reduction 'mean' (default), 'sum' or 'none':
 *
 *   softmax     y = e^{x − max} / Σ e^{x − max}            x̄ = y (ḡ − Σ ḡ y)
 *   logSoftmax  y = x − logΣe^x                            x̄ = ḡ − e^y Σ ḡ
 *   crossEntropy(z, labels)  ℓᵢ = logΣⱼ e^{zᵢⱼ} − z_{i,yᵢ}      (integer class labels)
 *   crossEntropy(z, P)       ℓᵢ = −Σⱼ Pᵢⱼ log softmax(zᵢ)ⱼ     (a tensor of probabilities)
 *   nllLoss(L, labels)       ℓᵢ = −L_{i,yᵢ}                      (L: log-probabilities)
 *   mse(p, y)                ℓᵢ = (pᵢ − yᵢ)²
 *   binaryCrossEntropy(p, y) ℓᵢ = −(yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)), logs clamped at −100 (torch)
 *   binaryCrossEntropyWithLogits(z, y)  ℓᵢ = softplus(zᵢ) − yᵢ zᵢ   (stable for any z)
 *
 * Softmax runs over the last axis in one fused kernel pass per row (other axes are permuted there).
 * crossEntropy with labels and 'mean' computes the loss and ∂ℓ/∂z in one fused pass; its backward
 * reuses that gradient unless the backward pass is recorded, when it is (softmax(z) − onehot)/N ⊙ ḡ.
 */
import {
  logSoftmax as kLogSoftmax,
  logSoftmaxBackward as kLogSoftmaxBackward,
  softmax as kSoftmax,
  softmaxBackward as kSoftmaxBackward,
  softmaxCrossEntropy as kSoftmaxCrossEntropy,
  type WasmMatrix,
} from '@descent/kernels';
import { normalizeAxis } from '../broadcast.js';
import { record } from '../graph.js';
import { isGradEnabled, noGrad } from '../scope.js';
import { empty, type Tensor, tensor } from '../tensor.js';
import { softplus } from './activations.js';
import { add, affine, clamp, div, exp, log, maximum, mul, neg, square, sub } from './elementwise.js';
import { mean, sum } from './reduce.js';
import { flatten, indexAddInto, indexSelect, permute, reshape } from './shape.js';

export type Reduction = 'mean' | 'sum' | 'none';

const asMatrix = (t: Tensor): WasmMatrix => {
  const cols = t.shape[t.rank - 1] ?? 1;
  return { rows: cols === 0 ? 0 : t.size / cols, cols, data: t.buffer };
};

function lastAxis(op: string, x: Tensor, axis: number, f: (x: Tensor) => Tensor): Tensor {
  if (x.rank === 0) throw new RangeError(`${op}: expected a tensor of rank ≥ 1`);
  const a = normalizeAxis(op, axis, x.rank);
  if (a === x.rank - 1) return f(x);
  const perm = x.shape.map((_, i) => (i === a ? x.rank - 1 : i === x.rank - 1 ? a : i));
  return permute(f(permute(x, perm)), perm);
}

/** softmax over `axis` (default: the last). */
export function softmax(x: Tensor, axis = -1): Tensor {
  return lastAxis('softmax', x, axis, (v) => {
    const out = empty(v.shape, v.dtype);
    kSoftmax(asMatrix(v), asMatrix(out));
    return record(
      out,
      'softmax',
      [v],
      (g) => {
        if (!isGradEnabled()) {
          const dx = empty(g.shape, g.dtype);
          kSoftmaxBackward(asMatrix(out), asMatrix(g), asMatrix(dx));
          return [dx];
        }
        return [mul(out, sub(g, sum(mul(g, out), -1, true)))];
      },
      [out],
    );
  });
}

/** log softmax over `axis` (default: the last). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return lastAxis('logSoftmax', x, axis, (v) => {
    const out = empty(v.shape, v.dtype);
    kLogSoftmax(asMatrix(v), asMatrix(out));
    return record(
      out,
      'logSoftmax',
      [v],
      (g) => {
        if (!isGradEnabled()) {
          const dx = empty(g.shape, g.dtype);
          kLogSoftmaxBackward(asMatrix(out), asMatrix(g), asMatrix(dx));
          return [dx];
        }
        return [sub(g, mul(exp(out), sum(g, -1, true)))];
      },
      [out],
    );
  });
}

function reduce(op: string, losses: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return mean(losses);
  if (reduction === 'sum') return sum(losses);
  if (reduction === 'none') return losses;
  throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${String(reduction)}`);
}

export interface LossOptions {
  reduction?: Reduction;
}

/** Integer labels as a tensor of `dtype`, checked: one per row, integers in [0, classes). */
function labelTensor(
  op: string,
  labels: Tensor | ArrayLike<number>,
  rows: number,
  classes: number,
  dtype: 'f32' | 'f64',
) {
  const values =
    (labels as Tensor).isTensor === true ? (labels as Tensor).data : (labels as ArrayLike<number>);
  if (values.length !== rows)
    throw new RangeError(`${op}: ${rows} rows of logits but ${values.length} labels`);
  for (let i = 0; i < values.length; i++) {
    const c = values[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes)
      throw new RangeError(`${op}: label ${i} is ${c}, expected an integer class in [0, ${classes})`);
  }
  const t = empty([rows], dtype);
  t.data.set(Array.from(values));
  return t;
}

/** Flat positions i·C + yᵢ of the labelled entries in an [N, C] matrix. */
function pickedPositions(labels: Tensor, classes: number): Tensor {
  const pos = empty([labels.size], labels.dtype);
  const l = labels.data;
  const p = pos.data;
  for (let i = 0; i < l.length; i++) p[i] = i * classes + l[i];
  return pos;
}

/**
 * Cross-entropy of logits [N, C] (or [C]) against integer labels (N of them) or a tensor of
 * class probabilities shaped like the logits.
 */
export function crossEntropy(
  logits: Tensor,
  target: Tensor | ArrayLike<number>,
  options: LossOptions = {},
): Tensor {
  const reduction = options.reduction ?? 'mean';
  const z = logits.rank === 1 ? reshape(logits, [1, logits.shape[0]]) : logits;
  if (z.rank !== 2)
    throw new RangeError(`crossEntropy: logits must be [N, C] or [C], got [${logits.shape.join(', ')}]`);
  const [N, C] = z.shape;
  if ((target as Tensor).isTensor === true && (target as Tensor).rank === z.rank && logits.rank > 1) {
    const P = target as Tensor;
    if (P.shape[0] !== N || P.shape[1] !== C)
      throw new RangeError(
        `crossEntropy: probabilities [${P.shape.join(', ')}] do not match logits [${N}, ${C}]`,
      );
    return reduce('crossEntropy', neg(sum(mul(P, logSoftmax(z)), -1)), reduction);
  }
  const labels = labelTensor('crossEntropy', target, N, C, z.dtype);
  if (reduction === 'mean' && N > 0) return fusedMeanCrossEntropy(z, labels, C);
  const picked = indexSelect(flatten(logSoftmax(z)), 0, pickedPositions(labels, C));
  return reduce('crossEntropy', neg(picked), reduction);
}

function fusedMeanCrossEntropy(z: Tensor, labels: Tensor, C: number): Tensor {
  const N = z.shape[0];
  const dz = empty(z.shape, z.dtype);
  const loss = kSoftmaxCrossEntropy(asMatrix(z), labels.buffer, asMatrix(dz));
  const out = tensor([loss], { dtype: z.dtype, shape: [] });
  return record(
    out,
    'crossEntropy',
    [z],
    (g) => {
      if (!isGradEnabled()) return [mul(dz, g)];
      const onehot = reshape(indexAddInto(onesOf(N, z.dtype), [N * C], 0, pickedPositions(labels, C)), [
        N,
        C,
      ]);
      return [mul(affine(sub(softmax(z), onehot), 1 / N, 0), g)];
    },
    [dz, labels],
  );
}

function onesOf(n: number, dtype: 'f32' | 'f64'): Tensor {
  const t = empty([n], dtype);
  t.data.fill(1);
  return t;
}

/** Negative log-likelihood of log-probabilities [N, C] at integer labels. */
export function nllLoss(
  logProbs: Tensor,
  labels: Tensor | ArrayLike<number>,
  options: LossOptions = {},
): Tensor {
  if (logProbs.rank !== 2)
    throw new RangeError(`nllLoss: expected [N, C], got [${logProbs.shape.join(', ')}]`);
  const [N, C] = logProbs.shape;
  const l = labelTensor('nllLoss', labels, N, C, logProbs.dtype);
  return reduce(
    'nllLoss',
    neg(indexSelect(flatten(logProbs), 0, pickedPositions(l, C))),
    options.reduction ?? 'mean',
  );
}

function checkSame(op: string, a: Tensor, b: Tensor): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i]))
    throw new RangeError(
      `${op}: input [${a.shape.join(', ')}] and target [${b.shape.join(', ')}] differ in shape`,
    );
}

/** Mean squared error (torch's mse_loss). */
export function mse(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  checkSame('mse', prediction, target);
  return reduce('mse', square(sub(prediction, target)), options.reduction ?? 'mean');
}

/** torch's ε in the gradient of binary_cross_entropy: 1e-12 rounded to float32. */
const BCE_EPSILON = Math.fround(1e-12);

/**
 * Binary cross-entropy of probabilities p ∈ [0, 1] (torch clamps each log at −100). Its gradient is
 * torch's p̄ = ḡ (p − y) / max(p (1 − p), ε), finite at p = 0 and 1 (where the clamped logs'
 * chain rule would give 0/0), with torch's ε: 1e-12 as a float32; ȳ = ḡ (log(1 − p) − log p), each
 * log clamped at −100.
 */
export function binaryCrossEntropy(p: Tensor, y: Tensor, options: LossOptions = {}): Tensor {
  checkSame('binaryCrossEntropy', p, y);
  const clampedLogs = () => [clamp(log(p), -100), clamp(log(affine(p, -1, 1)), -100)];
  const losses = noGrad(() => {
    const [logP, log1mP] = clampedLogs();
    return neg(add(mul(y, logP), mul(affine(y, -1, 1), log1mP)));
  });
  const recorded = record(losses, 'binaryCrossEntropy', [p, y], (g) => {
    const [logP, log1mP] = y.requiresGrad ? clampedLogs() : [];
    return [
      p.requiresGrad ? mul(g, div(sub(p, y), maximum(mul(p, affine(p, -1, 1)), BCE_EPSILON))) : null,
      y.requiresGrad ? mul(g, sub(log1mP, logP)) : null,
    ];
  });
  return reduce('binaryCrossEntropy', recorded, options.reduction ?? 'mean');
}

/** Binary cross-entropy from logits, softplus(z) − y z (torch's binary_cross_entropy_with_logits). */
export function binaryCrossEntropyWithLogits(z: Tensor, y: Tensor, options: LossOptions = {}): Tensor {
  checkSame('binaryCrossEntropyWithLogits', z, y);
  return reduce('binaryCrossEntropyWithLogits', sub(softplus(z), mul(y, z)), options.reduction ?? 'mean');
}
