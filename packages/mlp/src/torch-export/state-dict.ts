/**
 * A Sequential's weights under PyTorch's `nn.Sequential` names, so `model.load_state_dict(...)`
 * takes them (and descent takes torch's). Layer i of the Sequential is module i of the
 * nn.Sequential (activations and dropout count, as in torch):
 *
 *   Dense         i.weight [out, in], i.bias [out]                        (nn.Linear)
 *   BatchNorm1d   i.weight, i.bias, i.running_mean, i.running_var [F],    (nn.BatchNorm1d)
 *                 i.num_batches_tracked (int64, shape [])
 *   others        nothing (nn.ReLU, nn.Tanh, nn.Dropout, ... have no state)
 *
 * The tensors come out in torch's state_dict order, in the model's dtype (F32 or F64; I64 for the
 * counter), so a file written here from weights loaded from torch is byte for byte torch's file.
 * Loading checks every name, shape and dtype first; a wrong dict changes nothing. Values of another
 * float dtype are converted to the model's (as torch's load_state_dict copies across dtypes).
 */
import { BatchNorm1d } from '../layers/batch-norm.js';
import { Dense } from '../layers/dense.js';
import type { Sequential } from '../layers/sequential.js';
import {
  readSafetensors,
  type Safetensors,
  type Tensor,
  type TensorData,
  writeSafetensors,
} from '../safetensors.js';

/** Torch's state_dict of `model`, as safetensors tensors. */
export function sequentialToTorchStateDict(model: Sequential): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  model.layers.forEach((l, i) => {
    if (l instanceof Dense) {
      out[`${i}.weight`] = { data: l.weight.value.toArray(), shape: [l.outFeatures, l.inFeatures] };
      if (l.bias) out[`${i}.bias`] = { data: l.bias.value.toArray(), shape: [l.outFeatures] };
    } else if (l instanceof BatchNorm1d) {
      if (l.weight) out[`${i}.weight`] = { data: l.weight.value.toArray(), shape: [l.inFeatures] };
      if (l.bias) out[`${i}.bias`] = { data: l.bias.value.toArray(), shape: [l.inFeatures] };
      out[`${i}.running_mean`] = { data: l.runningMean.toArray(), shape: [l.inFeatures] };
      out[`${i}.running_var`] = { data: l.runningVar.toArray(), shape: [l.inFeatures] };
      out[`${i}.num_batches_tracked`] = { data: BigInt64Array.of(BigInt(l.numBatchesTracked)), shape: [] };
    }
  });
  return out;
}

type Tensors = Record<string, { data: TensorData; shape?: readonly number[] }>;

/**
 * Loads torch's state_dict of the matching nn.Sequential into `model` (names, shapes and dtypes
 * checked first; nothing changes on an error).
 */
export function loadTorchStateDict(model: Sequential, tensors: Tensors, where = 'state_dict'): void {
  if (!tensors || typeof tensors !== 'object') throw new TypeError(`${where}: expected named tensors`);
  const wanted = sequentialToTorchStateDict(model); // names and shapes (the values are ignored)
  for (const name of Object.keys(tensors)) {
    if (!Object.hasOwn(wanted, name)) {
      throw new RangeError(
        `${where}: unexpected tensor ${name} (the model's are ${Object.keys(wanted).join(', ')})`,
      );
    }
  }
  const sd = model.stateDict();
  const float = (v: Float32Array | Float64Array) =>
    model.dtype === 'f32' ? Float32Array.from(v) : Float64Array.from(v);
  for (const [name, w] of Object.entries(wanted)) {
    const t = tensors[name];
    if (!t) throw new RangeError(`${where}: tensor ${name} is missing`);
    const shape = [...(t.shape ?? [t.data?.length])];
    if (JSON.stringify(shape) !== JSON.stringify(w.shape)) {
      throw new RangeError(`${where}: tensor ${name} has shape [${shape}], the model's is [${w.shape}]`);
    }
    const [index, key] = name.split('.') as [string, string];
    const layer = model.layers[Number(index)];
    if (key === 'num_batches_tracked') {
      const v = t.data instanceof BigInt64Array ? t.data[0] : Number.NaN;
      if (typeof v !== 'bigint' || v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new TypeError(`${where}: tensor ${name} must hold one non-negative int64`);
      }
      sd[`${layer.name}.numBatchesTracked`] = Number(v);
      continue;
    }
    if (!(t.data instanceof Float32Array || t.data instanceof Float64Array)) {
      throw new TypeError(`${where}: tensor ${name} must be floating point, not int64`);
    }
    const ours = { weight: 'weight', bias: 'bias', running_mean: 'runningMean', running_var: 'runningVar' }[
      key
    ];
    sd[`${layer.name}.${ours}`] = float(t.data);
  }
  model.loadStateDict(sd);
}

/** Writes `model`'s torch state_dict to a safetensors file (Node); `metadata` goes in __metadata__. */
export async function saveTorchSafetensors(
  path: string,
  model: Sequential,
  metadata: Record<string, string> = {},
): Promise<void> {
  await writeSafetensors(path, sequentialToTorchStateDict(model), metadata);
}

/** Loads a torch state_dict saved as safetensors (by torch, or by `saveTorchSafetensors`) into `model`. */
export async function loadTorchSafetensors(path: string, model: Sequential): Promise<Safetensors> {
  const st = await readSafetensors(path);
  loadTorchStateDict(model, st.tensors, path);
  return st;
}
