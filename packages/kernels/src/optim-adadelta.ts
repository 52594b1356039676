/**
 * Adadelta's fused step over kernel memory (assembly/optim-adadelta.ts), f32 or f64:
 *
 *   g = s·∇f + λθ,   v = ρ·v + (1 - ρ)·g²,   δ = √(u + ε) / √(v + ε) · g,
 *   u = ρ·u + (1 - ρ)·δ²,   θ = θ - η·δ
 */
import type { WasmArray } from './arena.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';
import { runElementwise } from './threads/parallel.js';

const kernel = typedKernel('adadelta');

export interface AdadeltaScalars {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** One Adadelta step: reads grad, updates param, squareAvg (v) and accDelta (u) in place. */
export function fusedAdadeltaStep(
  param: WasmArray,
  grad: WasmArray,
  squareAvg: WasmArray,
  accDelta: WasmArray,
  s: AdadeltaScalars,
): void {
  const dt = checkStepArrays(param, grad, { squareAvg, accDelta });
  runElementwise(kernel(dt), 'adadelta', dt, 4, [
    param.length,
    param.ptr,
    grad.ptr,
    squareAvg.ptr,
    accDelta.ptr,
    s.lr,
    s.rho,
    s.eps,
    s.weightDecay,
    s.maximize ? -1 : 1,
  ]);
}
