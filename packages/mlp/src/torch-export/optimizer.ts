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
 * scalar tensors, so the round trip is exact. LBFGS (lists of history tensors) is refused: use
 * `toTorchStateDict` and JSON for it.
 */
import { fromTorchStateDict, type TorchStateDict, toTorchStateDict } from '@descent/core';
import type { AnyOptimizer } from '../fit.js';
import { readSafetensors, type Safetensors, type Tensor, writeSafetensors } from '../safetensors.js';

export const TORCH_OPTIMIZER_FORMAT = 'torch-optimizer-state-dict';

/** `opt`'s state in torch's layout, as safetensors tensors and metadata. */
export function optimizerToTorch(opt: AnyOptimizer): {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
} {
  if (opt.name === 'LBFGS') {
    throw new TypeError("LBFGS's history is a list of tensors, not one tensor per key: use toTorchStateDict");
  }
  const torch = toTorchStateDict(opt);
  const params = opt.params();
  const tensors: Record<string, Tensor> = {};
  for (const [index, record] of Object.entries(torch.state)) {
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
  let paramGroups: TorchStateDict['param_groups'];
  try {
    paramGroups = JSON.parse(metadata.param_groups);
  } catch (e) {
    throw new TypeError(`${where}: param_groups is not JSON (${(e as Error).message})`);
  }
  const state: TorchStateDict['state'] = {};
  for (const [name, t] of Object.entries(tensors)) {
    const m = /^state\.(\d+)\.([A-Za-z0-9_]+)$/.exec(name);
    if (!m) throw new RangeError(`${where}: tensor ${name} is not named state.<index>.<key>`);
    if (t.data instanceof BigInt64Array) throw new TypeError(`${where}: tensor ${name} is int64`);
    const record = (state[m[1]] ??= {});
    record[m[2]] = t.shape.length === 0 ? t.data[0] : t.data;
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
