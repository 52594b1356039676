/**
 * Lion's fused step over kernel memory (assembly/optim-lion.ts), f32 or f64:
 *
 *   θ = θ·(1 - ηλ),   c = β1·m + (1 - β1)·g,   θ = θ - η·sign(c),   m = β2·m + (1 - β2)·g
 */
import type { WasmArray } from './arena.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';
import { runElementwise } from './threads/parallel.js';

const kernel = typedKernel('lion');

export interface LionScalars {
  lr: number;
  beta1: number;
  beta2: number;
  weightDecay: number;
  maximize: boolean;
}

/** One Lion step: reads grad, updates param and expAvg (m) in place. */
export function fusedLionStep(param: WasmArray, grad: WasmArray, expAvg: WasmArray, s: LionScalars): void {
  const dt = checkStepArrays(param, grad, { expAvg });
  runElementwise(kernel(dt), 'lion', dt, 3, [
    param.length,
    param.ptr,
    grad.ptr,
    expAvg.ptr,
    s.lr,
    s.beta1,
    s.beta2,
    1 - s.lr * s.weightDecay,
    s.maximize ? -1 : 1,
  ]);
}
