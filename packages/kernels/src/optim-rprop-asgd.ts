/**
 * Rprop's and ASGD's fused steps over kernel memory (assembly/optim-rprop-asgd.ts), f32 or f64.
 *
 * Rprop:  q = g·g_prev,  Δ = clamp(Δ·(q > 0 ? η+ : q < 0 ? η- : 1), Δmin, Δmax),
 *         g = q < 0 ? 0 : g,  θ = θ - sign(g)·Δ,  g_prev = g
 * ASGD:   g = s·∇f + λθ,  θ = θ·(1 - lambd·η_t) - η_t·g,  ax = μ_t = 1 ? θ : ax + (θ - ax)·μ_t
 */
import type { WasmArray } from './arena.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';

const rprop = typedKernel('rprop');
const asgd = typedKernel('asgd');

export interface RpropScalars {
  etaMinus: number;
  etaPlus: number;
  stepMin: number;
  stepMax: number;
  maximize: boolean;
}

/** One Rprop step: reads grad, updates param, prev (the last gradient kept) and stepSize in place. */
export function fusedRpropStep(
  param: WasmArray,
  grad: WasmArray,
  prev: WasmArray,
  stepSize: WasmArray,
  s: RpropScalars,
): void {
  const dt = checkStepArrays(param, grad, { prev, stepSize });
  rprop(dt)(
    param.length,
    param.ptr,
    grad.ptr,
    prev.ptr,
    stepSize.ptr,
    s.etaMinus,
    s.etaPlus,
    s.stepMin,
    s.stepMax,
    s.maximize ? -1 : 1,
  );
}

export interface AsgdScalars {
  /** η_t, the step's learning rate. */
  eta: number;
  /** The decay term's λ (torch's `lambd`). */
  lambd: number;
  /** μ_t, the averaging weight; 1 copies θ into ax. */
  mu: number;
  weightDecay: number;
  maximize: boolean;
}

/** One ASGD step: reads grad, updates param and ax (the running average) in place. */
export function fusedAsgdStep(param: WasmArray, grad: WasmArray, ax: WasmArray, s: AsgdScalars): void {
  const dt = checkStepArrays(param, grad, { ax });
  asgd(dt)(
    param.length,
    param.ptr,
    grad.ptr,
    ax.ptr,
    s.eta,
    1 - s.lambd * s.eta,
    s.mu,
    s.weightDecay,
    s.maximize ? -1 : 1,
    s.mu === 1 ? 1 : 0,
  );
}
