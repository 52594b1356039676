/**
 * AdEMAMix's fused step (assembly/optim-ademamix.ts) over kernel memory, f32 or f64:
 *   m1 = β1 m1 + (1-β1) g;  m2 = β3 m2 + (1-β3) g;  v = β2 v + (1-β2) g²
 *   p = p - η ((m1/bc1 + α m2) / (√v/bc2Sqrt + ε) + λ p)
 */
import type { WasmArray } from './arena.js';
import { checkScalar } from './checks.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';

const kernel = typedKernel('ademamix');

export interface AdEMAMixScalars {
  lr: number;
  beta1: number;
  beta2: number;
  /** β3 of this step (after its warmup). */
  beta3: number;
  /** α of this step (after its warmup). */
  alpha: number;
  /** 1 - β1^t */
  bias1: number;
  /** √(1 - β2^t) */
  bias2Sqrt: number;
  eps: number;
  weightDecay: number;
}

/** One AdEMAMix step: reads grad; updates param, expAvgFast, expAvgSlow and expAvgSq in place. */
export function fusedAdEMAMixStep(
  param: WasmArray,
  grad: WasmArray,
  expAvgFast: WasmArray,
  expAvgSlow: WasmArray,
  expAvgSq: WasmArray,
  s: AdEMAMixScalars,
): void {
  const dt = checkStepArrays(param, grad, { expAvgFast, expAvgSlow, expAvgSq });
  for (const [k, v] of Object.entries(s)) checkScalar(k, v);
  kernel(dt)(
    param.length,
    param.ptr,
    grad.ptr,
    expAvgFast.ptr,
    expAvgSlow.ptr,
    expAvgSq.ptr,
    s.beta1,
    s.beta2,
    s.beta3,
    s.bias1,
    s.bias2Sqrt,
    s.alpha,
    s.eps,
    s.weightDecay,
    s.lr,
  );
}
