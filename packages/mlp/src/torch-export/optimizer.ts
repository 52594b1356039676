/**
 * An optimizer's state in PyTorch's state_dict layout, as a safetensors file that torch's
 * `optimizer.load_state_dict` takes after a few lines of Python (see train-script.ts):
 *
 *   tensors       state.<i>.<key>   parameter i's state, torch's names and the parameter's shape:
 *                                   state.0.exp_avg [out, in], state.0.exp_avg_sq, state.0.step []
 *   __metadata__  format         "torch-optimizer-state-dict"
 *                 optimizer      descent's name, also torch's class: "Adam", "SGD", "RMSprop", ...
 *                 param_groups   JSON: [{ "lr": 0.001, "betas": [0.9, 0.999], "weight_decay": 0,
 *                                         ..., "params": [0, 1, ...] }]
 *                 steps_taken    descent's step counter (torch has none)
 *
 * The translation between descent's names and torch's (expAvgSq <-> exp_avg_sq, weightDecay <->
 * weight_decay, torch-only group flags dropped, ...) is @descent/core's `toTorchStateDict` /
 * `fromTorchStateDict`, for every optimizer torch has; this file only lays its result out as
 * tensors. Arrays keep the parameter's dtype (F32 / F64) and shape; `step` is a float32 scalar
 * tensor, as torch 1.13 keeps it; other scalars (NAdam's mu_product, ASGD's eta and mu) are float64
 * scalar tensors, so the round trip is exact.
 *
 * LBFGS keeps one state on parameter 0 over the flat concatenation of all n parameter values, with
 * lists of tensors and plain Python numbers in it; they are laid out as:
 *
 *   state.0.d, state.0.prev_flat_grad         [n] tensors of the parameters' dtype
 *   state.0.old_dirs.<j>, state.0.old_stps.<j>  [n] tensors, j = 0 .. k-1, oldest pair first (y_j, s_j)
 *   state.0.ro.<j>                            [] float64 tensors, ρ_j = 1 / y_jᵀs_j
 *   state.0.H_diag                            [] float64 tensor, yᵀs / yᵀy of the newest pair
 *   __metadata__ lists    JSON { "state.0.old_dirs": k, "state.0.old_stps": k, "state.0.ro": k }
 *                         (the list lengths: k = 0 holds no tensors)
 *                scalars  JSON { "state.0.func_evals": 41, "state.0.n_iter": 20, "state.0.t": 1,
 *                                "state.0.prev_loss": 0.25 }  (torch's Python ints and floats; NaN,
 *                         Infinity, -Infinity and -0 as the strings Python's float() reads)
 *
 * torch's `load_state_dict` casts ro and H_diag to the parameters' dtype, which is what torch holds
 * (descent rounds them to it too); torch's scratch list `al` is not saved (torch rebuilds it). A
 * Python loader builds the lists and numbers first, then the plain tensors (`load_optimizer_state`
 * in test/fixtures/torch-handoff/lbfgs.py). Optimizers that torch.optim lacks (Lion, Adafactor,
 * Prodigy, LAMB, ...) are refused by name.
 */
import { fromTorchStateDict, type TorchStateDict, toTorchStateDict } from '@descent/core';
import type { AnyOptimizer } from '../fit.js';
import { readSafetensors, type Safetensors, type Tensor, writeSafetensors } from '../safetensors.js';
import { TORCH_OPTIMIZER_CLASSES } from './train-script.js';

export const TORCH_OPTIMIZER_FORMAT = 'torch-optimizer-state-dict';

/** descent's optimizers whose torch.optim class has the same name and state: these save here. */
export const TORCH_STATE_OPTIMIZERS: readonly string[] = [...TORCH_OPTIMIZER_CLASSES, 'LBFGS'];

/** LBFGS state keys that torch holds as lists of tensors, and as Python numbers. */
const LBFGS_LISTS = ['old_dirs', 'old_stps', 'ro'];
const LBFGS_SCALARS = ['func_evals', 'n_iter', 't', 'prev_loss'];

function checkTorchCounterpart(name: string, where: string): void {
  if (!TORCH_STATE_OPTIMIZERS.includes(name)) {
    throw new TypeError(
      `${where}: ${name} has no torch.optim counterpart with the same state (supported: ${TORCH_STATE_OPTIMIZERS.join(', ')})`,
    );
  }
}

/** A Python number as JSON: non-finite values and -0 as strings that float() reads. */
const pyNumber = (v: number): number | string =>
  Object.is(v, -0) ? '-0' : Number.isFinite(v) ? v : String(v);

/** Reverses `pyNumber`; anything else is refused. */
function fromPyNumber(v: unknown, where: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity' || v === '-0') return Number(v);
  throw new TypeError(`${where} must be a number, got ${JSON.stringify(v)}`);
}

/** LBFGS's state[0] as tensors (into `tensors`) and its lists' lengths and Python numbers. */
function lbfgsToTensors(
  record: Record<string, unknown>,
  dtype: 'f32' | 'f64',
  tensors: Record<string, Tensor>,
): { lists: Record<string, number>; scalars: Record<string, number | string> } {
  const vector = (v: number[]) => (dtype === 'f32' ? Float32Array.from(v) : Float64Array.from(v));
  const lists: Record<string, number> = {};
  const scalars: Record<string, number | string> = {};
  for (const [key, v] of Object.entries(record)) {
    const name = `state.0.${key}`;
    if (LBFGS_LISTS.includes(key)) {
      const items = v as Array<number | number[]>;
      lists[name] = items.length;
      items.forEach((x, j) => {
        tensors[`${name}.${j}`] =
          typeof x === 'number'
            ? { data: Float64Array.of(x), shape: [] }
            : { data: vector(x), shape: [x.length] };
      });
    } else if (LBFGS_SCALARS.includes(key)) scalars[name] = pyNumber(v as number);
    else if (key === 'H_diag') tensors[name] = { data: Float64Array.of(v as number), shape: [] };
    else if (key === 'd' || key === 'prev_flat_grad') {
      const data = vector(v as number[]);
      tensors[name] = { data, shape: [data.length] };
    } else throw new TypeError(`LBFGS: state ${key} has no tensor form`);
  }
  return { lists, scalars };
}

/** `opt`'s state in torch's layout, as safetensors tensors and metadata. */
export function optimizerToTorch(opt: AnyOptimizer): {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
} {
  checkTorchCounterpart(opt.name, 'optimizerToTorch');
  const torch = toTorchStateDict(opt);
  const params = opt.params();
  const tensors: Record<string, Tensor> = {};
  const extra: Record<string, string> = {};
  if (opt.name === 'LBFGS') {
    const record = torch.state['0'];
    if (record) {
      const { lists, scalars } = lbfgsToTensors(record, params[0].dtype, tensors);
      extra.lists = JSON.stringify(lists);
      extra.scalars = JSON.stringify(scalars);
    }
  }
  for (const [index, record] of Object.entries(opt.name === 'LBFGS' ? {} : torch.state)) {
    const p = params[Number(index)];
    for (const [key, v] of Object.entries(record)) {
      const name = `state.${index}.${key}`;
      if (typeof v === 'number') {
        if (key === 'step' && Math.fround(v) !== v)
          throw new RangeError(`${opt.name}: step ${v} does not fit torch's float32 step`);
        tensors[name] = { data: key === 'step' ? Float32Array.of(v) : Float64Array.of(v), shape: [] };
      } else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) {
        const data = p.dtype === 'f32' ? Float32Array.from(v) : Float64Array.from(v);
        tensors[name] = { data, shape: data.length === p.length ? p.shape : [data.length] };
      } else {
        throw new TypeError(
          `${opt.name}: state ${key} of parameter ${index} has no tensor form (${String(v)})`,
        );
      }
    }
  }
  const metadata: Record<string, string> = {
    format: TORCH_OPTIMIZER_FORMAT,
    optimizer: opt.name,
    param_groups: JSON.stringify(torch.param_groups),
    steps_taken: String(opt.stepsTaken),
    ...extra,
  };
  return { tensors, metadata };
}

/**
 * Loads a torch-layout optimizer state (written by `optimizerToTorch`, or from torch in the same
 * layout) into `opt`, built over the same parameters in the same order. Checked completely first
 * (core's `fromTorchStateDict` and the optimizer's `loadStateDict`): a wrong file changes nothing.
 */
export function loadTorchOptimizerState(opt: AnyOptimizer, st: Safetensors, where = 'optimizer state'): void {
  const { metadata, tensors } = st;
  if (metadata.format !== TORCH_OPTIMIZER_FORMAT || typeof metadata.param_groups !== 'string') {
    throw new TypeError(`${where}: not a torch optimizer state (no "${TORCH_OPTIMIZER_FORMAT}" metadata)`);
  }
  if (metadata.optimizer !== opt.name) {
    throw new TypeError(`${where}: holds ${metadata.optimizer} state, the optimizer is ${opt.name}`);
  }
  checkTorchCounterpart(opt.name, where);
  const json = (key: string, fallback: unknown) => {
    if (metadata[key] === undefined) return fallback;
    try {
      return JSON.parse(metadata[key]);
    } catch (e) {
      throw new TypeError(`${where}: ${key} is not JSON (${(e as Error).message})`);
    }
  };
  const paramGroups = json('param_groups', undefined) as TorchStateDict['param_groups'];
  const lists = json('lists', {}) as Record<string, unknown>;
  const scalars = json('scalars', {}) as Record<string, unknown>;
  for (const [what, v] of [
    ['lists', lists],
    ['scalars', scalars],
  ] as const) {
    if (!v || typeof v !== 'object' || Array.isArray(v))
      throw new TypeError(`${where}: ${what} must be a JSON object`);
  }
  const state: TorchStateDict['state'] = {};
  const slot = (name: string, what: string) => {
    const m = /^state\.(\d+)\.([A-Za-z0-9_]+)$/.exec(name);
    if (!m) throw new RangeError(`${where}: ${what} ${name} is not named state.<index>.<key>`);
    const record = (state[m[1]] ??= {});
    if (m[2] in record) throw new RangeError(`${where}: ${name} is given twice`);
    return { record, key: m[2] };
  };
  const value = (name: string, t: Safetensors['tensors'][string]) => {
    if (t.data instanceof BigInt64Array) throw new TypeError(`${where}: tensor ${name} is int64`);
    return t.shape.length === 0 ? t.data[0] : t.data;
  };
  const rest = { ...tensors };
  const n = opt.params().reduce((a, p) => a + p.length, 0); // LBFGS's flat length
  for (const [name, length] of Object.entries(lists)) {
    const { record, key } = slot(name, 'list');
    if (!Number.isInteger(length) || (length as number) < 0)
      throw new RangeError(`${where}: list ${name} has length ${String(length)}, expected a count`);
    record[key] = Array.from({ length: length as number }, (_, j) => {
      const t = rest[`${name}.${j}`];
      if (!t) throw new RangeError(`${where}: list ${name} has no tensor ${name}.${j} (length ${length})`);
      delete rest[`${name}.${j}`];
      if ((key === 'old_dirs' || key === 'old_stps') && t.data.length !== n)
        throw new RangeError(`${where}: tensor ${name}.${j} has ${t.data.length} values, expected ${n}`);
      return value(`${name}.${j}`, t);
    });
  }
  for (const [name, v] of Object.entries(scalars)) {
    const { record, key } = slot(name, 'scalar');
    record[key] = fromPyNumber(v, `${where}: scalar ${name}`);
  }
  for (const [name, t] of Object.entries(rest)) {
    const { record, key } = slot(name, 'tensor');
    record[key] = value(name, t);
  }
  const steps = metadata.steps_taken === undefined ? undefined : Number(metadata.steps_taken);
  if (steps !== undefined && !(Number.isInteger(steps) && steps >= 0))
    throw new TypeError(`${where}: steps_taken ${metadata.steps_taken} is not a count`);
  try {
    fromTorchStateDict(opt, { state, param_groups: paramGroups });
  } catch (e) {
    if (e instanceof Error) e.message = `${where}: ${e.message}`;
    throw e;
  }
  if (steps !== undefined) opt.stepsTaken = steps;
}

/** Writes `optimizerToTorch(opt)` to a safetensors file (Node). */
export async function saveTorchOptimizer(path: string, opt: AnyOptimizer): Promise<void> {
  const { tensors, metadata } = optimizerToTorch(opt);
  await writeSafetensors(path, tensors, metadata);
}

/** Reads a file written by `saveTorchOptimizer` into `opt` (Node). */
export async function loadTorchOptimizer(path: string, opt: AnyOptimizer): Promise<void> {
  loadTorchOptimizerState(opt, await readSafetensors(path), path);
}
