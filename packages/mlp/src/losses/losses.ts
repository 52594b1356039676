/**
 * Losses on a model's output batch [B, K], mean reduction as torch's defaults; each returns the
 * value and, when asked, writes the gradient with respect to the output (one fused kernel pass):
 *
 *   mseLoss              L = (1/(BK)) Σ_ij (o_ij - t_ij)²                   ∂L/∂o = 2 (o - t) / (BK)
 *   softmaxCrossEntropy  L = (1/B) Σ_i [ log Σ_j e^{o_ij} - o_{i,y_i} ]     ∂L/∂o_ij = (softmax(o_i)_j - [j = y_i]) / B
 *                        (shifted by each row's max: stable for any logits; torch's F.cross_entropy)
 *   bceWithLogits        L = (1/(BK)) Σ_ij [ max(o,0) - o t + log(1 + e^{-|o|}) ]   ∂L/∂o = (σ(o) - t) / (BK)
 *                        (torch's BCEWithLogitsLoss; targets in [0, 1])
 *
 * Targets live in kernel memory in the output's dtype: class indices (one per row) for
 * softmaxCrossEntropy, one value per output element for the other two.
 */
import {
  bceWithLogits as bceKernel,
  mseLoss as mseKernel,
  softmaxCrossEntropy as sceKernel,
  type WasmArray,
  type WasmMatrix,
} from '@descent/kernels';

export type LossName = 'mse' | 'softmaxCrossEntropy' | 'bceWithLogits';

export interface Loss {
  readonly name: LossName;
  /** 'labels': one class index per row; 'values': one target per output element. */
  readonly targets: 'labels' | 'values';
  /** The mean loss of `output` against `target`; writes ∂L/∂output into `grad` when given. */
  compute(output: WasmMatrix, target: WasmArray, grad?: WasmMatrix): number;
}

function checkValues(output: WasmMatrix, target: WasmArray): void {
  if (target.length !== output.rows * output.cols) {
    throw new RangeError(
      `Length mismatch: output is ${output.rows}x${output.cols} (${output.rows * output.cols} values), target has ${target.length}`,
    );
  }
}

export const mseLoss: Loss = Object.freeze({
  name: 'mse',
  targets: 'values',
  compute(output: WasmMatrix, target: WasmArray, grad?: WasmMatrix): number {
    checkValues(output, target);
    return mseKernel(output.data, target, grad?.data);
  },
} as const);

export const softmaxCrossEntropy: Loss = Object.freeze({
  name: 'softmaxCrossEntropy',
  targets: 'labels',
  compute(output: WasmMatrix, target: WasmArray, grad?: WasmMatrix): number {
    return sceKernel(output, target, grad);
  },
} as const);

export const bceWithLogits: Loss = Object.freeze({
  name: 'bceWithLogits',
  targets: 'values',
  compute(output: WasmMatrix, target: WasmArray, grad?: WasmMatrix): number {
    checkValues(output, target);
    return bceKernel(output.data, target, grad?.data);
  },
} as const);

const LOSSES: Record<LossName, Loss> = { mse: mseLoss, softmaxCrossEntropy, bceWithLogits };

/** A loss by name or the loss itself; RangeError naming the option otherwise. */
export function lossOf(loss: unknown): Loss {
  if (typeof loss === 'string' && Object.hasOwn(LOSSES, loss)) return LOSSES[loss as LossName];
  if (loss && typeof loss === 'object' && typeof (loss as Loss).compute === 'function') return loss as Loss;
  throw new RangeError(
    `Invalid loss: ${String(loss)} (expected one of ${Object.keys(LOSSES).join(', ')} or a Loss)`,
  );
}
