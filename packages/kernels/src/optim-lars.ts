/**
 * LARS's two passes (assembly/optim-lars.ts) over kernel memory, f32 or f64:
 *   larsNorms: ‖p‖² and ‖g + λ p‖²
 *   larsApply: u = scale (g + λ p);  t = u + μ t;  p = p + (nesterov ? u + μ t : t)
 */
import type { WasmArray } from './arena.js';
import { checkScalar } from './checks.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';
import { reductionSums } from './optim-prodigy.js';

const normsKernel = typedKernel('larsNorms');
const applyKernel = typedKernel('larsApply');

/** Returns { paramSq: ‖p‖², updateSq: ‖g + λ p‖² } (f64 sums). */
export function larsNorms(
  param: WasmArray,
  grad: WasmArray,
  weightDecay: number,
): { paramSq: number; updateSq: number } {
  const dt = checkStepArrays(param, grad, {});
  checkScalar('weightDecay', weightDecay);
  const out = reductionSums();
  normsKernel(dt)(param.length, param.ptr, grad.ptr, out.ptr, weightDecay);
  const d = out.data;
  return { paramSq: d[0], updateSq: d[1] };
}

export interface LarsApplyScalars {
  weightDecay: number;
  /** -η · trust ratio */
  scale: number;
  momentum: number;
  nesterov: boolean;
}

/** One LARS update: reads grad; updates param and the momentum trace in place. */
export function larsApply(param: WasmArray, grad: WasmArray, trace: WasmArray, s: LarsApplyScalars): void {
  const dt = checkStepArrays(param, grad, { trace });
  checkScalar('weightDecay', s.weightDecay);
  checkScalar('scale', s.scale);
  checkScalar('momentum', s.momentum);
  applyKernel(dt)(
    param.length,
    param.ptr,
    grad.ptr,
    trace.ptr,
    s.weightDecay,
    s.scale,
    s.momentum,
    s.nesterov ? 1 : 0,
  );
}
