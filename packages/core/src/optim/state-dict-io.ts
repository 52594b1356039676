/**
 * The optimizer's state in and out of kernel memory: `saveStateDict` copies the state and groups
 * into a state dict (state-dict.ts for the format), `loadCheckedState` checks one completely
 * (state-dict-load.ts) and only then installs it, and `freeState` returns a parameter's state arrays.
 */
import { fromArray, WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import type { BaseOptions, ParamGroup, ParamState } from './optimizer.js';
import type { OptimizerStateDict, ParamStateDict, StateValue } from './state-dict.js';
import { checkGroupsOf, checkParamState, type LoadTarget } from './state-dict-load.js';

/** A copy of the state and groups; parameters are numbered in group order (`all`). */
export function saveStateDict<O>(
  name: string,
  all: Param[],
  paramGroups: ReadonlyArray<ParamGroup<O>>,
  liveState: Map<Param, ParamState>,
  stepsTaken: number,
): OptimizerStateDict {
  const state: Record<number, ParamStateDict> = {};
  all.forEach((p, i) => {
    const s = liveState.get(p);
    if (!s) return;
    const out: ParamStateDict = {};
    for (const [k, v] of Object.entries(s)) out[k] = copyStateValue(v);
    state[i] = out;
  });
  let next = 0;
  const groups = paramGroups.map((g) => {
    const { params, ...opts } = g;
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(opts)) copy[k] = Array.isArray(v) ? [...v] : v;
    return { ...copy, params: params.map(() => next++) };
  });
  return { optimizer: name, state, paramGroups: groups, stepsTaken };
}

/**
 * Checks `sd`'s groups and every parameter's state (throwing, with nothing changed, on the first
 * error), then frees the old state, installs the new state into kernel memory and the new groups
 * into `target.paramGroups`. `all` is every parameter in group order.
 */
export function loadCheckedState<O extends BaseOptions>(
  target: LoadTarget<O>,
  liveState: Map<Param, ParamState>,
  all: Param[],
  sd: OptimizerStateDict,
): void {
  const newGroups = checkGroupsOf(target, sd);
  const groupOf = new Map<Param, ParamGroup<O>>();
  newGroups.forEach((g) => {
    for (const p of g.params) groupOf.set(p, g);
  });
  const newState = new Map<Param, ParamState>();
  for (const [key, s] of Object.entries(sd.state)) {
    const i = Number(key);
    const p = Number.isInteger(i) && i >= 0 ? all[i] : undefined;
    if (!p)
      throw new RangeError(
        `loadStateDict: state for parameter index ${key}, but there are ${all.length} parameters`,
      );
    newState.set(p, checkParamState(target, p, groupOf.get(p) as ParamGroup<O>, s));
  }
  // all checks passed: apply
  for (const s of liveState.values()) freeState(s);
  liveState.clear();
  for (const [p, s] of newState) {
    const live: ParamState = {};
    for (const [k, v] of Object.entries(s)) {
      live[k] =
        v instanceof Float32Array || v instanceof Float64Array ? fromArray(v) : Array.isArray(v) ? [...v] : v;
    }
    liveState.set(p, live);
  }
  newGroups.forEach((g, i) => {
    target.paramGroups[i] = g;
  });
}

function copyStateValue(v: WasmArray | StateValue): StateValue {
  if (v instanceof WasmArray) return v.toArray();
  if (v instanceof Float32Array || v instanceof Float64Array) return v.slice();
  if (Array.isArray(v)) return [...v];
  return v;
}

/** Frees a parameter's state arrays (kernel memory). */
export function freeState(s: ParamState): void {
  for (const v of Object.values(s)) if (v instanceof WasmArray) v.free();
}
