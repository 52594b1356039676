/**
 * LAMB's two passes (assembly/optim-lamb.ts) over kernel memory, f32 or f64:
 *   lambMoments: m, v updated; returns ‖p‖² and ‖u‖², u = (m/bc1) / (√(v/bc2 + εroot) + ε) + λ p
 *   lambApply:   p = p + scale u   (scale = -η · trust ratio)
 */
import type { WasmArray } from './arena.js';
import { checkScalar } from './checks.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';
import { reductionSums } from './optim-prodigy.js';

const momentsKernel = typedKernel('lambMoments');
const applyKernel = typedKernel('lambApply');

export interface LambScalars {
  beta1: number;
  beta2: number;
  /** 1 - β1^t */
  bias1: number;
  /** 1 - β2^t */
  bias2: number;
  eps: number;
  epsRoot: number;
  weightDecay: number;
}

function check(s: LambScalars): void {
  for (const [k, v] of Object.entries(s)) checkScalar(k, v);
}

/** Pass 1: updates expAvg and expAvgSq; returns { paramSq: ‖p‖², updateSq: ‖u‖² } (f64 sums). */
export function lambMoments(
  param: WasmArray,
  grad: WasmArray,
  expAvg: WasmArray,
  expAvgSq: WasmArray,
  s: LambScalars,
): { paramSq: number; updateSq: number } {
  const dt = checkStepArrays(param, grad, { expAvg, expAvgSq });
  check(s);
  const out = reductionSums();
  momentsKernel(dt)(
    param.length,
    param.ptr,
    grad.ptr,
    expAvg.ptr,
    expAvgSq.ptr,
    out.ptr,
    s.beta1,
    s.beta2,
    s.bias1,
    s.bias2,
    s.eps,
    s.epsRoot,
    s.weightDecay,
  );
  const d = out.data;
  return { paramSq: d[0], updateSq: d[1] };
}

/** Pass 2: p = p + scale u, u recomputed from expAvg, expAvgSq and p. */
export function lambApply(
  param: WasmArray,
  expAvg: WasmArray,
  expAvgSq: WasmArray,
  s: LambScalars,
  scale: number,
): void {
  const dt = checkStepArrays(param, expAvg, { expAvgSq });
  check(s);
  checkScalar('scale', scale);
  applyKernel(dt)(
    param.length,
    param.ptr,
    expAvg.ptr,
    expAvgSq.ptr,
    s.bias1,
    s.bias2,
    s.eps,
    s.epsRoot,
    s.weightDecay,
    scale,
  );
}
