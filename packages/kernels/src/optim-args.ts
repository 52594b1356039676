/**
 * Argument checks for the fused optimizer kernels: every array of a step (parameter, gradient,
 * state) must be a live WasmArray of the parameter's dtype and length, and no two may overlap in
 * memory (the kernels read and write them in one pass). Errors name the arrays at fault.
 */
import type { DType, WasmArray } from './arena.js';
import { checkNoOverlap, checkPair } from './checks.js';

/** Checks `param`, `grad` and the named state arrays; returns the dtype. */
export function checkStepArrays(param: WasmArray, grad: WasmArray, state: Record<string, WasmArray>): DType {
  const dt = checkPair('param', param, 'grad', grad);
  checkNoOverlap('param', param, 'grad', grad);
  const names = Object.keys(state);
  for (let i = 0; i < names.length; i++) {
    const a = state[names[i]];
    checkPair('param', param, names[i], a);
    checkNoOverlap('param', param, names[i], a);
    checkNoOverlap('grad', grad, names[i], a);
    for (let j = 0; j < i; j++) checkNoOverlap(names[j], state[names[j]], names[i], a);
  }
  return dt;
}
