/**
 * Muon's element-wise steps over kernel memory (assembly/optim-muon.ts); the Newton-Schulz
 * orthogonalization between them is @descent/core's newtonSchulz (gemm).
 *
 *   B = lerp(B, g, 1 - μ),   M = nesterov ? lerp(g, B, μ) : B          (fusedMuonMomentum)
 *   θ = θ·(1 - ηλ) - η'·O                                             (fusedMuonApply)
 */
import type { WasmArray } from './arena.js';
import { checkNoOverlap, checkPair } from './checks.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';

const momentumKernel = typedKernel('muonMomentum');
const applyKernel = typedKernel('muonApply');

/** torch's lerp switches formula at w = 0.5; returns the kernel's `high` flag. */
function lerpHigh(w: number): number {
  return Math.abs(w) < 0.5 ? 0 : 1;
}

/** B = lerp(B, g, 1 - μ); out = nesterov ? lerp(g, B, μ) : B. Reads grad, writes buf and out. */
export function fusedMuonMomentum(
  grad: WasmArray,
  buf: WasmArray,
  out: WasmArray,
  momentum: number,
  nesterov: boolean,
): void {
  const dt = checkStepArrays(grad, buf, { out });
  const w1 = 1 - momentum;
  momentumKernel(dt)(
    grad.length,
    grad.ptr,
    buf.ptr,
    out.ptr,
    w1,
    lerpHigh(w1),
    momentum,
    lerpHigh(momentum),
    nesterov ? 1 : 0,
  );
}

/** θ = θ·decay - lr·update. Reads update; updates param in place. */
export function fusedMuonApply(param: WasmArray, update: WasmArray, decay: number, lr: number): void {
  const dt = checkPair('param', param, 'update', update);
  checkNoOverlap('param', param, 'update', update);
  applyKernel(dt)(param.length, param.ptr, update.ptr, decay, -lr);
}
