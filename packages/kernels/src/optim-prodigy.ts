/**
 * Prodigy's two passes and the Adam-shaped update shared with D-Adaptation Adam
 * (assembly/optim-prodigy.ts), over kernel memory, f32 or f64. The sums come back as f64.
 */
import { alloc, type WasmArray } from './arena.js';
import { checkScalar } from './checks.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';

const accumulateKernel = typedKernel('prodigyAccumulate');
const applyKernel = typedKernel('adaptiveAdamApply');

let sums: WasmArray<'f64'> | undefined;
/** A 4-element f64 buffer the reductions write their sums into (allocated once). */
export function reductionSums(): WasmArray<'f64'> {
  if (!sums || sums.freed) sums = alloc('f64', 4);
  return sums;
}

export interface ProdigyAccumulateScalars {
  beta1: number;
  /** d (1 - β1) */
  mCoef: number;
  beta2: number;
  /** d² (1 - β2) */
  vCoef: number;
  beta3: number;
  /** (d / d0) η d, or (d / d0) d with safeguardWarmup */
  sCoef: number;
  /** Coupled decay λ (0 for decoupled). */
  weightDecay: number;
}

/**
 * Pass 1 for one parameter: updates expAvg, expAvgSq and s; returns { dot: Σ d (p0 - p), l1: Σ |s| }.
 */
export function prodigyAccumulate(
  p: WasmArray,
  grad: WasmArray,
  p0: WasmArray,
  expAvg: WasmArray,
  expAvgSq: WasmArray,
  s: WasmArray,
  k: ProdigyAccumulateScalars,
): { dot: number; l1: number } {
  const dt = checkStepArrays(p, grad, { p0, expAvg, expAvgSq, s });
  for (const [name, v] of Object.entries(k)) checkScalar(name, v);
  const out = reductionSums();
  accumulateKernel(dt)(
    p.length,
    p.ptr,
    grad.ptr,
    p0.ptr,
    expAvg.ptr,
    expAvgSq.ptr,
    s.ptr,
    out.ptr,
    k.beta1,
    k.mCoef,
    k.beta2,
    k.vCoef,
    k.beta3,
    k.sCoef,
    k.weightDecay,
  );
  const d = out.data;
  return { dot: d[0], l1: d[1] };
}

/** p = p + decayCoef p;  p = p + stepCoef m / (√v + eps). */
export function adaptiveAdamApply(
  p: WasmArray,
  expAvg: WasmArray,
  expAvgSq: WasmArray,
  decayCoef: number,
  stepCoef: number,
  eps: number,
): void {
  const dt = checkStepArrays(p, expAvg, { expAvgSq });
  checkScalar('decayCoef', decayCoef);
  checkScalar('stepCoef', stepCoef);
  checkScalar('eps', eps);
  applyKernel(dt)(p.length, p.ptr, expAvg.ptr, expAvgSq.ptr, decayCoef, stepCoef, eps);
}
