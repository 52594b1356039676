/**
 * PyTorch checkpoints in and out: `fromTorchStateDict(opt, torchDict)` loads what torch's
 * `optimizer.state_dict()` holds (decoded from JSON: tensors as nested lists, 0-d tensors as
 * numbers, None as null) so a torch run continues exactly here; `toTorchStateDict(opt)` writes ours
 * in torch's layout (tensors as plain number lists) for `optimizer.load_state_dict` on the torch side
 * (after `torch.tensor(...)` of each list).
 *
 *   torch                                         descent
 *   { state: { "0": { exp_avg: [...], ... } },    { state: { 0: { expAvg: Float64Array, ... } },
 *     param_groups: [{ lr, weight_decay, ...,       paramGroups: [{ lr, weightDecay, ...,
 *                      params: [0, 1] }] }                        params: [0, 1] }] }
 *
 * Names are torch's in snake_case and ours in camelCase, one for one (exp_avg_sq -> expAvgSq,
 * momentum_buffer, max_exp_avg_sq, square_avg, acc_delta, exp_inf, mu_product, step_size,
 * initial_accumulator_value, line_search_fn, ...; LBFGS's H_diag -> HDiag). Tensors become typed
 * arrays of the parameter's dtype (2-D tensors flattened row-major). Besides the names:
 * - torch-only group flags (foreach, capturable, differentiable, fused) are dropped (they choose
 *   torch's implementation, not the update); an option an older torch lacks (1.13's RAdam has no
 *   maximize or decoupled_weight_decay) keeps the optimizer's current value;
 * - SGD's momentum_buffer None (momentum 0) means no buffer;
 * - LBFGS (state on parameter 0): old_dirs / old_stps, lists of tensors, are concatenated; ro and
 *   H_diag become numbers; `al` (torch's scratch for the two-loop recursion) is dropped.
 * The result goes through `opt.loadStateDict`, so anything unknown, missing or of the wrong shape is
 * refused (naming the key) and nothing changes.
 */
import type { Param } from '../param.js';
import type { Optimizer } from './optimizer.js';
import type { OptimizerStateDict, ParamStateDict, StateValue } from './state-dict.js';

/** torch's `optimizer.state_dict()`, as JSON holds it. */
export interface TorchStateDict {
  state: Record<string, Record<string, unknown>>;
  param_groups: Array<Record<string, unknown> & { params: number[] }>;
}

type AnyOptimizer = Optimizer<{ lr: number }>;

/** Group keys that select torch's implementation; they have no counterpart here. */
const TORCH_ONLY_GROUP_KEYS = ['foreach', 'capturable', 'differentiable', 'fused'];

/** torch's snake_case name -> ours (weight_decay -> weightDecay, H_diag -> HDiag). */
export function torchToCamel(name: string): string {
  return name.replace(/_([a-zA-Z])/g, (_m, c: string) => c.toUpperCase());
}

/** Our camelCase name -> torch's (weightDecay -> weight_decay, HDiag -> H_diag, TMax kept). */
export function camelToTorch(name: string): string {
  if (name === 'HDiag') return 'H_diag';
  return name.replace(/(?<=[a-z0-9])([A-Z])/g, (_m, c: string) => `_${c.toLowerCase()}`);
}

function flatten(v: unknown, out: number[], where: string): void {
  if (Array.isArray(v)) for (const x of v) flatten(x, out, where);
  else if (typeof v === 'number') out.push(v);
  else
    throw new TypeError(
      `fromTorchStateDict: ${where} holds ${v === null ? 'null' : typeof v}, expected numbers`,
    );
}

/** A (nested) number list as a typed array of `dtype`. */
function tensor(v: unknown, dtype: Param['dtype'], where: string): Float32Array | Float64Array {
  if (v instanceof Float32Array || v instanceof Float64Array) {
    return dtype === 'f32' ? Float32Array.from(v) : Float64Array.from(v);
  }
  if (!Array.isArray(v)) {
    throw new TypeError(
      `fromTorchStateDict: ${where} must be a tensor (a list of numbers), got ${String(v)}`,
    );
  }
  const flat: number[] = [];
  flatten(v, flat, where);
  return dtype === 'f32' ? Float32Array.from(flat) : Float64Array.from(flat);
}

function scalar(v: unknown, where: string): number {
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return v[0];
  if (typeof v !== 'number')
    throw new TypeError(`fromTorchStateDict: ${where} must be a number, got ${String(v)}`);
  return v;
}

/** One parameter's torch state in our names; arrays stay lists here when the key is not known. */
function paramStateFromTorch(
  opt: AnyOptimizer,
  p: Param,
  index: string,
  s: Record<string, unknown>,
): ParamStateDict {
  if (!s || typeof s !== 'object' || Array.isArray(s)) {
    throw new TypeError(`fromTorchStateDict: state["${index}"] must be an object`);
  }
  const out: ParamStateDict = {};
  const lbfgs = opt.name === 'LBFGS';
  for (const [k, v] of Object.entries(s)) {
    const name = torchToCamel(k);
    const where = `state["${index}"].${k}`;
    if (lbfgs) {
      if (k === 'al') continue;
      if (k === 'old_dirs' || k === 'old_stps') {
        if (!Array.isArray(v)) throw new TypeError(`fromTorchStateDict: ${where} must be a list of tensors`);
        const parts = v.map((x, i) => tensor(x, p.dtype, `${where}[${i}]`));
        const all =
          p.dtype === 'f32'
            ? new Float32Array(parts.reduce((n, x) => n + x.length, 0))
            : new Float64Array(parts.reduce((n, x) => n + x.length, 0));
        let off = 0;
        for (const x of parts) {
          all.set(x, off);
          off += x.length;
        }
        out[name] = all;
      } else if (k === 'ro') {
        if (!Array.isArray(v)) throw new TypeError(`fromTorchStateDict: ${where} must be a list of numbers`);
        out.ro = v.map((x, i) => scalar(x, `${where}[${i}]`));
      } else if (k === 'd' || k === 'prev_flat_grad') {
        if (v !== null) out[name] = tensor(v, p.dtype, where);
      } else if (v !== null) out[name] = scalar(v, where);
      continue;
    }
    if (v === null && k === 'momentum_buffer') continue; // torch: no buffer while momentum is 0
    if (Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array) {
      out[name] = tensor(v, p.dtype, where);
    } else out[name] = v as StateValue;
  }
  return out;
}

/**
 * Translates torch's `state_dict()` (decoded JSON) into our layout for `opt` (see the file's
 * comment), without loading it.
 */
export function stateDictFromTorch(opt: AnyOptimizer, sd: TorchStateDict): OptimizerStateDict {
  if (
    !sd ||
    typeof sd !== 'object' ||
    !Array.isArray(sd.param_groups) ||
    !sd.state ||
    typeof sd.state !== 'object'
  ) {
    throw new TypeError("fromTorchStateDict: expected torch's { state, param_groups }");
  }
  for (const k of Object.keys(sd)) {
    if (k !== 'state' && k !== 'param_groups') {
      throw new RangeError(
        `fromTorchStateDict: unknown key '${k}' (torch's state_dict has state and param_groups)`,
      );
    }
  }
  const params = opt.params();
  const paramGroups = sd.param_groups.map((g, gi) => {
    if (!g || typeof g !== 'object')
      throw new TypeError(`fromTorchStateDict: param_groups[${gi}] must be an object`);
    const current = opt.paramGroups[gi] as Record<string, unknown> | undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(g)) {
      if (TORCH_ONLY_GROUP_KEYS.includes(k)) continue;
      out[k === 'params' ? k : torchToCamel(k)] = v;
    }
    // options an older torch does not have keep the optimizer's current value
    for (const k of opt.optionNames) if (!(k in out) && current && k in current) out[k] = current[k];
    return out as Record<string, unknown> & { params: number[] };
  });
  const state: Record<number, ParamStateDict> = {};
  for (const [index, s] of Object.entries(sd.state)) {
    const p = params[Number(index)];
    if (!p) {
      throw new RangeError(
        `fromTorchStateDict: state for parameter index ${index}, but there are ${params.length} parameters`,
      );
    }
    state[Number(index)] = paramStateFromTorch(opt, p, index, s);
  }
  return { state, paramGroups };
}

/**
 * Loads torch's `optimizer.state_dict()` (as JSON decodes it) into `opt`, built over the same
 * parameters in the same order (and groups) as the torch optimizer: the run continues exactly as
 * it would have in torch. Checked completely first; on an error nothing has changed.
 */
export function fromTorchStateDict(opt: AnyOptimizer, sd: TorchStateDict): void {
  opt.loadStateDict(stateDictFromTorch(opt, sd));
}

function torchValue(v: unknown): unknown {
  if (v instanceof Float32Array || v instanceof Float64Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(torchValue);
  return v;
}

/**
 * `opt`'s state in torch's layout: snake_case names, tensors as plain number lists (wrap each in
 * `torch.tensor(..., dtype=...)`, 0-d ones included, before `load_state_dict`), groups with
 * torch's `params` index lists. LBFGS's history is split back into per-pair lists.
 */
export function toTorchStateDict(opt: AnyOptimizer): TorchStateDict {
  const ours = opt.stateDict();
  const params = opt.params();
  const state: TorchStateDict['state'] = {};
  for (const [index, s] of Object.entries(ours.state)) {
    const out: Record<string, unknown> = {};
    const n = opt.name === 'LBFGS' ? params.reduce((a, p) => a + p.length, 0) : 0;
    for (const [k, v] of Object.entries(s)) {
      if (opt.name === 'LBFGS' && (k === 'oldDirs' || k === 'oldStps')) {
        const a = v as Float32Array | Float64Array;
        const pairs: number[][] = [];
        for (let off = 0; off < a.length; off += n) pairs.push(Array.from(a.subarray(off, off + n)));
        out[camelToTorch(k)] = pairs;
      } else out[camelToTorch(k)] = torchValue(v);
    }
    state[index] = out;
  }
  const param_groups = ours.paramGroups.map((g) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(g)) out[k === 'params' ? k : camelToTorch(k)] = torchValue(v);
    return out as Record<string, unknown> & { params: number[] };
  });
  return { state, param_groups };
}
