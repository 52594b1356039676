/**
 * What `loadStateDict` checks before it changes anything (optimizer.ts applies the result): the
 * state dict's top-level keys, each group's keys and options (validated as the constructor would),
 * and each parameter's state against the optimizer's `stateSpec` (kind, dtype, length, required
 * keys). Every refusal names the key; torch's layout and undecoded JSON get a hint.
 */
import type { Param } from '../param.js';
import type { BaseOptions, ParamGroup, ParamState, StateSpec } from './optimizer.js';
import type { OptimizerStateDict, StateValue } from './state-dict.js';
import { didYouMean } from './validate.js';

/** Group keys the schedulers write (see @descent/schedulers), accepted in a loaded group. */
export const SCHEDULER_GROUP_KEYS = ['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum'];

/** What the checks need of the optimizer (its protected hooks, bound). */
export interface LoadTarget<O extends BaseOptions> {
  name: string;
  optionNames: readonly string[];
  paramGroups: ParamGroup<O>[];
  validateGroup(options: O): void;
  stateSpec(p: Param, group: ParamGroup<O>): StateSpec;
  stateArrayLength(p: Param, key: string): number | undefined;
}

/** The groups a state dict would install, checked (top-level keys, group keys, options). */
export function checkGroupsOf<O extends BaseOptions>(
  t: LoadTarget<O>,
  sd: OptimizerStateDict,
): ParamGroup<O>[] {
  if (!sd || typeof sd !== 'object' || Array.isArray(sd)) {
    throw new TypeError(`loadStateDict: expected { state, paramGroups }, got ${describe(sd)}`);
  }
  for (const k of Object.keys(sd)) {
    if (k === 'param_groups') {
      throw new RangeError(
        "loadStateDict: unknown key 'param_groups' (a torch state dict? use fromTorchStateDict)",
      );
    }
    if (!['optimizer', 'state', 'paramGroups', 'stepsTaken'].includes(k)) {
      throw new RangeError(
        `loadStateDict: unknown key '${k}' (expected optimizer, state, paramGroups, stepsTaken)`,
      );
    }
  }
  if (sd.optimizer !== undefined && sd.optimizer !== t.name) {
    throw new RangeError(
      `loadStateDict: the state dict is ${describe(sd.optimizer)}'s, this optimizer is ${t.name}`,
    );
  }
  if (!Array.isArray(sd.paramGroups)) {
    throw new TypeError(`loadStateDict: paramGroups must be an array, got ${describe(sd.paramGroups)}`);
  }
  if (!sd.state || typeof sd.state !== 'object' || Array.isArray(sd.state)) {
    throw new TypeError(`loadStateDict: state must be an object, got ${describe(sd.state)}`);
  }
  if (sd.stepsTaken !== undefined && !(Number.isInteger(sd.stepsTaken) && (sd.stepsTaken as number) >= 0)) {
    throw new TypeError(`loadStateDict: stepsTaken must be an integer >= 0, got ${describe(sd.stepsTaken)}`);
  }
  if (sd.paramGroups.length !== t.paramGroups.length) {
    throw new RangeError(
      `loadStateDict: the state dict has ${sd.paramGroups.length} parameter groups, the optimizer has ${t.paramGroups.length}`,
    );
  }
  const known = [...t.optionNames, ...SCHEDULER_GROUP_KEYS, 'params'];
  let next = 0;
  return sd.paramGroups.map((sg, gi) => {
    const g = t.paramGroups[gi];
    if (!sg || typeof sg !== 'object' || Array.isArray(sg)) {
      throw new TypeError(`loadStateDict: paramGroups[${gi}] must be an object, got ${describe(sg)}`);
    }
    if (!Array.isArray(sg.params) || sg.params.length !== g.params.length) {
      throw new RangeError(
        `loadStateDict: group ${gi} has ${Array.isArray(sg.params) ? sg.params.length : 'no'} parameters in the state dict, ${g.params.length} in the optimizer`,
      );
    }
    sg.params.forEach((idx, j) => {
      if (idx !== next + j) {
        throw new RangeError(
          `loadStateDict: paramGroups[${gi}].params[${j}] is ${describe(idx)}, expected ${next + j} (parameters are numbered in group order)`,
        );
      }
    });
    next += g.params.length;
    for (const k of Object.keys(sg)) {
      if (!known.includes(k)) {
        throw new RangeError(
          `loadStateDict: unknown key '${k}' in paramGroups[${gi}]${didYouMean(k, known)} (not a ${t.name} option)`,
        );
      }
    }
    for (const k of t.optionNames) {
      if (!(k in sg)) throw new RangeError(`loadStateDict: paramGroups[${gi}] is missing option '${k}'`);
    }
    for (const k of SCHEDULER_GROUP_KEYS) {
      if (k in sg && typeof sg[k] !== 'number') {
        throw new TypeError(
          `loadStateDict: paramGroups[${gi}].${k} must be a number, got ${describe(sg[k])}`,
        );
      }
    }
    const { params: _ignored, ...opts } = sg;
    const merged = { ...opts, params: g.params } as ParamGroup<O>;
    for (const [k, v] of Object.entries(merged)) {
      if (Array.isArray(v) && k !== 'params') (merged as Record<string, unknown>)[k] = [...v];
    }
    try {
      t.validateGroup(merged);
    } catch (e) {
      if (e instanceof Error) e.message = `loadStateDict: paramGroups[${gi}]: ${e.message}`;
      throw e;
    }
    return merged;
  });
}

/** One parameter's state, checked against `stateSpec` (still outside kernel memory). */
export function checkParamState<O extends BaseOptions>(
  t: LoadTarget<O>,
  p: Param,
  group: ParamGroup<O>,
  s: unknown,
): ParamState {
  if (!s || typeof s !== 'object' || Array.isArray(s)) {
    throw new TypeError(`loadStateDict: the state of ${p.name} must be an object, got ${describe(s)}`);
  }
  const spec = t.stateSpec(p, group);
  const names = Object.keys(spec);
  const restored: ParamState = {};
  for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
    const want = spec[k];
    if (!want) {
      const hint = k.includes('_') ? ' (a torch state dict? use fromTorchStateDict)' : didYouMean(k, names);
      throw new RangeError(
        `loadStateDict: unknown state '${k}' of ${p.name}${hint}; ${t.name} keeps ${names.join(', ') || 'no state'}`,
      );
    }
    if (want.kind === 'number') {
      if (typeof v !== 'number' || !Number.isFinite(v) || (k === 'step' && v < 0)) {
        throw new TypeError(
          `loadStateDict: state '${k}' of ${p.name} must be a finite number, got ${describe(v)}`,
        );
      }
    } else {
      if (!(v instanceof Float32Array || v instanceof Float64Array)) {
        const encoded = v && typeof v === 'object' && '$typed' in v;
        throw new TypeError(
          `loadStateDict: state '${k}' of ${p.name} must be a ${p.dtype === 'f32' ? 'Float32Array' : 'Float64Array'}, got ${encoded ? 'an encoded array ({ $typed, base64 }): pass the dict through decodeStateDict first' : describe(v)}`,
        );
      }
      const len = t.stateArrayLength(p, k);
      if (len !== undefined && v.length !== len) {
        throw new RangeError(
          `loadStateDict: state '${k}' of ${p.name} has length ${v.length}, expected ${len}`,
        );
      }
      if (v instanceof Float32Array !== (p.dtype === 'f32')) {
        throw new TypeError(
          `loadStateDict: state '${k}' of ${p.name} is ${v.constructor.name}, the parameter is ${p.dtype}`,
        );
      }
    }
    restored[k] = v as StateValue;
  }
  for (const [k, want] of Object.entries(spec)) {
    if (want.required && !(k in restored)) {
      throw new RangeError(
        `loadStateDict: state of ${p.name} is missing '${k}' (${t.name} keeps ${names.join(', ')})`,
      );
    }
  }
  return restored;
}

/** A short description of a value for messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}
