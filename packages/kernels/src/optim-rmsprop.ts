/**
 * RMSprop's fused step over kernel memory (assembly/optim-rmsprop.ts), f32 or f64:
 *
 *   g = s·∇f + λθ,   v = α·v + (1 - α)·g²
 *   centered: ḡ = α·ḡ + (1 - α)·g,  d = √(v - ḡ²) + ε      else d = √v + ε
 *   momentum: b = μ·b + g/d,  θ = θ - η·b                    else θ = θ - η·g/d
 */
import type { WasmArray } from './arena.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';
import { runElementwise } from './threads/parallel.js';

const kernel = typedKernel('rmsprop');

export interface RmspropScalars {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  maximize: boolean;
}

export interface RmspropState {
  squareAvg: WasmArray;
  /** Required when centered. */
  gradAvg?: WasmArray;
  /** Required when momentum > 0. */
  momentumBuffer?: WasmArray;
}

/** One RMSprop step: reads grad, updates param and the state arrays in place. */
export function fusedRmspropStep(
  param: WasmArray,
  grad: WasmArray,
  state: RmspropState,
  s: RmspropScalars,
): void {
  const { squareAvg, gradAvg, momentumBuffer } = state;
  const arrays: Record<string, WasmArray> = { squareAvg };
  if (gradAvg) arrays.gradAvg = gradAvg;
  if (s.momentum > 0) {
    if (!momentumBuffer) throw new TypeError('fusedRmspropStep: momentum > 0 needs state.momentumBuffer');
    arrays.momentumBuffer = momentumBuffer;
  }
  const dt = checkStepArrays(param, grad, arrays);
  const flags = (gradAvg ? 1 : 0) | (s.momentum > 0 ? 2 : 0);
  runElementwise(kernel(dt), 'rmsprop', dt, 5, [
    param.length,
    param.ptr,
    grad.ptr,
    squareAvg.ptr,
    gradAvg ? gradAvg.ptr : 0,
    s.momentum > 0 ? momentumBuffer!.ptr : 0,
    s.lr,
    s.alpha,
    s.eps,
    s.weightDecay,
    s.momentum,
    s.maximize ? -1 : 1,
    flags,
  ]);
}
