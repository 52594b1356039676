/**
 * D-Adaptation Adam's first pass (assembly/optim-dadapt-adam.ts) over kernel memory, f32 or f64;
 * the second pass is `adaptiveAdamApply` (optim-prodigy.ts) with stepCoef = -1.
 */
import type { WasmArray } from './arena.js';
import { checkScalar } from './checks.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';
import { reductionSums } from './optim-prodigy.js';

const kernel = typedKernel('dadaptAdamAccumulate');

export interface DAdaptAdamAccumulateScalars {
  beta1: number;
  /** d η (1 - β1) */
  mCoef: number;
  beta2: number;
  /** d η (1 - β2) */
  sCoef: number;
  eps: number;
  /** Coupled decay λ (0 for decoupled). */
  weightDecay: number;
}

/** Updates expAvg, expAvgSq and s; returns the sums Σ d²/denom, Σ s²/denom and Σ |s|. */
export function dadaptAdamAccumulate(
  p: WasmArray,
  grad: WasmArray,
  expAvg: WasmArray,
  expAvgSq: WasmArray,
  s: WasmArray,
  k: DAdaptAdamAccumulateScalars,
): { gsq: number; sksq: number; l1: number } {
  const dt = checkStepArrays(p, grad, { expAvg, expAvgSq, s });
  for (const [name, v] of Object.entries(k)) checkScalar(name, v);
  const out = reductionSums();
  kernel(dt)(
    p.length,
    p.ptr,
    grad.ptr,
    expAvg.ptr,
    expAvgSq.ptr,
    s.ptr,
    out.ptr,
    k.beta1,
    k.mCoef,
    k.beta2,
    1 - k.beta2,
    k.sCoef,
    k.eps,
    k.weightDecay,
  );
  const d = out.data;
  return { gsq: d[0], sksq: d[1], l1: d[2] };
}
