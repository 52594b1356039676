/**
 * Sophia's fused step and Hessian-EMA update (assembly/optim-sophia.ts) over kernel memory:
 *   sophia:        p = decay p;  m = β1 m + (1-β1) d;  p += negStep sign(m) min(|m| / (γ max(h,0) + 1e-12), 1)
 *   sophiaHessian: h = β2 h + (1-β2) u ⊙ (H u)
 */
import type { WasmArray } from './arena.js';
import { checkScalar } from './checks.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';

const stepKernel = typedKernel('sophia');
const hessianKernel = typedKernel('sophiaHessian');

export interface SophiaScalars {
  beta1: number;
  gamma: number;
  /** 1 - η λ */
  decay: number;
  /** -η / (1 - β1^t) */
  negStep: number;
  maximize: boolean;
}

/** One Sophia step: reads grad and hessian; updates param and expAvg in place. */
export function fusedSophiaStep(
  param: WasmArray,
  grad: WasmArray,
  expAvg: WasmArray,
  hessian: WasmArray,
  s: SophiaScalars,
): void {
  const dt = checkStepArrays(param, grad, { expAvg, hessian });
  for (const k of ['beta1', 'gamma', 'decay', 'negStep'] as const) checkScalar(k, s[k]);
  stepKernel(dt)(
    param.length,
    param.ptr,
    grad.ptr,
    expAvg.ptr,
    hessian.ptr,
    s.beta1,
    s.gamma,
    s.decay,
    s.negStep,
    s.maximize ? -1 : 1,
  );
}

/** h = β2 h + (1 - β2) probe ⊙ hvp: reads probe and hvp, updates hessian in place. */
export function sophiaHessianUpdate(
  hessian: WasmArray,
  probe: WasmArray,
  hvp: WasmArray,
  beta2: number,
): void {
  const dt = checkStepArrays(hessian, probe, { hvp });
  checkScalar('beta2', beta2);
  hessianKernel(dt)(hessian.length, hessian.ptr, probe.ptr, hvp.ptr, beta2);
}
