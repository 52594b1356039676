/**
 * The per-parameter state that Adam's relatives keep as Adam does (RAdam, ADOPT, LAMB): the step
 * count t and the two moment estimates m = expAvg (of the gradient) and v = expAvgSq (of its square),
 * arrays of the parameter's dtype and length, created zeroed before the first update.
 */
import type { DType, WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import type { StateSpec } from './optimizer.js';

export interface MomentState {
  [key: string]: number | WasmArray;
  step: number;
  expAvg: WasmArray;
  expAvgSq: WasmArray;
}

/** What `loadStateDict` requires of it: all three keys. */
export const momentStateSpec: StateSpec = {
  step: { kind: 'number', required: true },
  expAvg: { kind: 'array', required: true },
  expAvgSq: { kind: 'array', required: true },
};

/** A fresh state for `p`, its arrays from `stateArray` (the optimizer's, so a failed step frees them). */
export function newMomentState(
  p: Param,
  stateArray: (dtype: DType, length: number) => WasmArray,
): MomentState {
  return { step: 0, expAvg: stateArray(p.dtype, p.length), expAvgSq: stateArray(p.dtype, p.length) };
}
