/**
 * Adagrad's fused step over kernel memory (assembly/optim-adagrad.ts), f32 or f64:
 *
 *   g = s·∇f + λθ,   G = G + g²,   θ = θ - clr·g / (√G + ε)
 *
 * `clr` = lr / (1 + (t - 1)·lrDecay) is computed by the caller (torch.optim.Adagrad does the same).
 */
import type { WasmArray } from './arena.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';
import { runElementwise } from './threads/parallel.js';

const kernel = typedKernel('adagrad');

export interface AdagradScalars {
  /** The decayed learning rate lr / (1 + (t - 1)·lrDecay). */
  clr: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** One Adagrad step: reads grad, updates param and sum (the running sum of squares) in place. */
export function fusedAdagradStep(param: WasmArray, grad: WasmArray, sum: WasmArray, s: AdagradScalars): void {
  const dt = checkStepArrays(param, grad, { sum });
  runElementwise(kernel(dt), 'adagrad', dt, 3, [
    param.length,
    param.ptr,
    grad.ptr,
    sum.ptr,
    s.clr,
    s.eps,
    s.weightDecay,
    s.maximize ? -1 : 1,
  ]);
}
