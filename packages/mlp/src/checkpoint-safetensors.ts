/**
 * Checkpoints as safetensors files, for models too large for JSON + base64 (about 10⁸ parameters
 * made a base64 string longer than JavaScript allows). The same checkpoint object as
 * `checkpoint({ ..., }, { encode: false })`, split in two:
 *
 *   tensors       every typed array in it: the model's weights under their own names
 *                 (`dense0.weight`, shape [out, in], as torch's state_dict names them), everything
 *                 else under its path (`optimizer.state.0.expAvg`, `weights.bn0.runningMean`)
 *   __metadata__  { "format": "descent-mlp-checkpoint",
 *                   "checkpoint": the rest as JSON, each array replaced by { "$tensor": name } }
 *
 * Extra fields of the object (the CLI's settings, say) travel in the JSON too. The file is written
 * tensor by tensor (see safetensors.ts), so no string ever holds the weights; it loads in Python
 * with `safetensors.numpy.load_file` (the weights) and `json.loads(metadata["checkpoint"])`.
 */
import { encodeStateDict } from '@descent/core';
import {
  CHECKPOINT_FORMAT,
  type Checkpoint,
  type CheckpointParts,
  checkpoint,
  parseCheckpointObject,
} from './checkpoint.js';
import {
  readSafetensors,
  type Safetensors,
  type Tensor,
  type TensorData,
  writeSafetensors,
} from './safetensors.js';

const isTensor = (v: unknown): v is TensorData => v instanceof Float32Array || v instanceof Float64Array;

/**
 * Splits a checkpoint object (typed arrays, not base64) into tensors and metadata. `shapes` gives
 * the shape of a tensor by its name (default: 1-D).
 */
export function checkpointToSafetensors(
  c: Record<string, unknown>,
  shapes: Record<string, readonly number[]> = {},
): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const tensors: Record<string, Tensor> = {};
  const skeleton = (v: unknown, path: string[]): unknown => {
    if (isTensor(v)) {
      const name = path[0] === 'weights' && path.length === 2 ? path[1] : path.join('.');
      if (Object.hasOwn(tensors, name)) throw new RangeError(`Two checkpoint arrays are named ${name}`);
      tensors[name] = { data: v, shape: shapes[name] };
      return { $tensor: name };
    }
    if (Array.isArray(v)) return v.map((x, i) => skeleton(x, [...path, String(i)]));
    if (v && typeof v === 'object') {
      if ('$typed' in v)
        throw new TypeError(`${path.join('.')} is base64: pass checkpoint(parts, { encode: false })`);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, skeleton(x, [...path, k])]));
    }
    return v;
  };
  const rest = encodeStateDict(skeleton(c, [])); // non-finite numbers as { $number }
  return { tensors, metadata: { format: CHECKPOINT_FORMAT, checkpoint: JSON.stringify(rest) } };
}

/** The inverse: the checkpoint object, each `{ $tensor: name }` replaced by that tensor's array. */
export function checkpointFromSafetensors(
  st: Safetensors,
  where = 'safetensors',
): Checkpoint & Record<string, unknown> {
  if (st.metadata.format !== CHECKPOINT_FORMAT || typeof st.metadata.checkpoint !== 'string') {
    throw new TypeError(`${where}: not a descent MLP checkpoint (no "${CHECKPOINT_FORMAT}" metadata)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(st.metadata.checkpoint);
  } catch (e) {
    throw new TypeError(`${where}: the checkpoint metadata is not JSON (${(e as Error).message})`);
  }
  const used = new Set<string>();
  const fill = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object') {
      const { $tensor: name, $number: number } = v as { $tensor?: unknown; $number?: unknown };
      if (typeof number === 'string') return Number(number); // NaN and ±Infinity, as JSON cannot
      if (typeof name === 'string') {
        if (!Object.hasOwn(st.tensors, name)) throw new RangeError(`${where}: tensor ${name} is missing`);
        used.add(name);
        return st.tensors[name].data;
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    }
    return v;
  };
  const c = fill(json);
  for (const name of Object.keys(st.tensors)) {
    if (!used.has(name))
      throw new RangeError(`${where}: tensor ${name} belongs to no part of the checkpoint`);
  }
  return parseCheckpointObject(c) as Checkpoint & Record<string, unknown>;
}

/** Writes the checkpoint of `parts` (plus `extra` fields) to a safetensors file, streaming. */
export async function saveCheckpointSafetensors(
  path: string,
  parts: CheckpointParts,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const shapes = Object.fromEntries(parts.model.parameters().map((p) => [p.name, p.shape]));
  const c = { ...checkpoint(parts, { encode: false }), ...extra };
  const { tensors, metadata } = checkpointToSafetensors(c, shapes);
  await writeSafetensors(path, tensors, metadata);
}

/** Reads a checkpoint written by `saveCheckpointSafetensors`; pass it to `restoreCheckpoint`. */
export async function loadCheckpointSafetensors(path: string): Promise<Checkpoint & Record<string, unknown>> {
  return checkpointFromSafetensors(await readSafetensors(path), path);
}
