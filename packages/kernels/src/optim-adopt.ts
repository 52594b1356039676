/**
 * ADOPT's fused step (assembly/optim-adopt.ts) over kernel memory, f32 or f64:
 *   first step: v = d²;  later: p += decayCoef p;  u = clamp(d / max(√v, ε), ±clip);
 *   m = lerp(m, u, 1 - β1);  p -= η m;  v = β2 v + (1 - β2) d²      (d = ±g + λ_coupled p)
 */
import type { WasmArray } from './arena.js';
import { checkScalar } from './checks.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';

const kernel = typedKernel('adopt');

export interface AdoptScalars {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** The clamp bound step^(1/4) (step counted from 0 as in the reference); null: no clamp. */
  clip: number | null;
  /** Coupled decay λ (added to the gradient), 0 for none. */
  weightDecay: number;
  /** -η λ for decoupled decay, 0 for none. */
  decayCoef: number;
  maximize: boolean;
  /** The very first step only initializes v = d². */
  first: boolean;
}

/** One ADOPT step: reads grad, updates param, expAvg (m) and expAvgSq (v) in place. */
export function fusedAdoptStep(
  param: WasmArray,
  grad: WasmArray,
  expAvg: WasmArray,
  expAvgSq: WasmArray,
  s: AdoptScalars,
): void {
  const dt = checkStepArrays(param, grad, { expAvg, expAvgSq });
  for (const k of ['lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'decayCoef'] as const) checkScalar(k, s[k]);
  if (s.clip !== null) checkScalar('clip', s.clip);
  const w = 1 - s.beta1;
  kernel(dt)(
    param.length,
    param.ptr,
    grad.ptr,
    expAvg.ptr,
    expAvgSq.ptr,
    s.lr,
    w,
    s.beta1,
    s.beta2,
    1 - s.beta2,
    s.eps,
    s.clip ?? 0,
    s.weightDecay,
    s.decayCoef,
    s.maximize ? -1 : 1,
    (s.first ? 1 : 0) | (s.clip !== null ? 2 : 0) | (w >= 0.5 ? 4 : 0),
  );
}
