/**
 * Checkpoints: a model's architecture and weights, plus (for resuming training) the optimizer's and
 * scheduler's state and the epoch reached, in one JSON document:
 *
 *   { "format": "descent-mlp-checkpoint", "version": 1,
 *     "model":     { "dtype": "f32", "layers": [{ "type": "dense", "name": "dense0", ... }, ...] },
 *     "weights":   { "dense0.weight": { "$typed": "f32", "base64": "..." }, ...,
 *                    "bn0.runningMean": {...}, "dropout0.rngState": 12345 },
 *     "optimizer": { "name": "Adam", "state": <Optimizer.stateDict(), encoded> } | null,
 *     "scheduler": { "name": "StepLR", "state": <stateDict(), encoded> } | null,
 *     "training":  { "epoch": 2, "seed": 0 } | null }
 *
 * Typed arrays use core's `encodeStateDict` encoding (little-endian bytes in base64), so weights
 * and optimizer moments round-trip bit-exactly; random state (dropout masks) is an integer per
 * layer and the shuffles depend only on (seed, epoch), so a run resumed from a checkpoint is
 * bit-identical to one that never stopped. `saveCheckpoint` writes to a temporary name of its own in
 * the same directory, fsyncs it and renames it over the target: a crash never leaves half a
 * checkpoint, and concurrent saves never collide.
 */
import { decodeStateDict, encodeStateDict, type OptimizerStateDict } from '@descent/core';
import type { SchedulerState } from '@descent/schedulers';
import type { AnyOptimizer, Scheduler } from './fit.js';
import { type ModelConfig, type Sequential, sequentialFromConfig } from './layers/sequential.js';

export const CHECKPOINT_FORMAT = 'descent-mlp-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  model: ModelConfig;
  weights: Record<string, unknown>;
  optimizer: { name: string; state: unknown } | null;
  scheduler: { name: string; state: unknown } | null;
  training: { epoch: number; seed: number } | null;
}

export interface CheckpointParts {
  model: Sequential;
  optimizer?: AnyOptimizer;
  scheduler?: Scheduler;
  /** Epochs completed (fit's `result.epoch`): the `initialEpoch` to resume with. */
  epoch?: number;
  /** The seed fit shuffled with. */
  seed?: number;
}

/**
 * The checkpoint of `parts` (copies: training can go on), JSON-safe: typed arrays as base64. With
 * `{ encode: false }` the arrays stay typed arrays (for `saveCheckpointSafetensors`, or
 * structuredClone), and `restoreCheckpoint` takes that form too.
 */
export function checkpoint(parts: CheckpointParts, options: { encode?: boolean } = {}): Checkpoint {
  const { model, optimizer, scheduler, epoch, seed } = parts;
  if (epoch !== undefined && (!Number.isInteger(epoch) || epoch < 0)) {
    throw new RangeError(`Invalid epoch: ${String(epoch)} (expected an integer >= 0)`);
  }
  const encode = options.encode ?? true;
  const out = (v: unknown) => (encode ? encodeStateDict(v) : v);
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    model: model.config(),
    weights: out(model.stateDict()) as Record<string, unknown>,
    optimizer: optimizer ? { name: optimizer.name, state: out(optimizer.stateDict()) } : null,
    scheduler: scheduler ? { name: scheduler.constructor.name, state: out(scheduler.stateDict()) } : null,
    training: epoch === undefined && seed === undefined ? null : { epoch: epoch ?? 0, seed: seed ?? 0 },
  };
}

/** Typed arrays kept as they are (a safetensors checkpoint's), encoded leaves decoded by core. */
function decodeTree(v: unknown): unknown {
  if (v instanceof Float32Array || v instanceof Float64Array) return v;
  if (Array.isArray(v)) return v.map(decodeTree);
  if (v && typeof v === 'object') {
    if ('$typed' in v || '$number' in v) return decodeStateDict(v);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodeTree(x)]));
  }
  return v;
}

/**
 * The state dict `value` decoded, with any failure (atob's DOMException on a damaged base64
 * string, say) as a TypeError naming the part of the checkpoint.
 */
function decoded<T>(what: string, value: unknown): T {
  try {
    return decodeTree(value) as T;
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) throw e;
    throw new TypeError(`Invalid checkpoint ${what}: ${(e as Error)?.message ?? String(e)}`);
  }
}

function checkFormat(c: unknown): Checkpoint {
  const ck = c as Checkpoint;
  if (!ck || typeof ck !== 'object' || ck.format !== CHECKPOINT_FORMAT) {
    throw new TypeError(`Not a descent MLP checkpoint (expected format "${CHECKPOINT_FORMAT}")`);
  }
  if (ck.version !== CHECKPOINT_VERSION) {
    throw new RangeError(
      `Unsupported checkpoint version: ${String(ck.version)} (this library reads ${CHECKPOINT_VERSION})`,
    );
  }
  return ck;
}

export interface RestoreOptions {
  /** Builds the optimizer over the restored model's parameters; its state is then loaded. */
  optimizer?: (params: ReturnType<Sequential['parameters']>) => AnyOptimizer;
  /** Builds the scheduler on the restored optimizer; its state is then loaded. */
  scheduler?: (optimizer: AnyOptimizer) => Scheduler;
}

export interface Restored {
  model: Sequential;
  optimizer: AnyOptimizer | undefined;
  scheduler: Scheduler | undefined;
  /** Epochs completed when saved (pass as fit's `initialEpoch`), 0 if not recorded. */
  epoch: number;
  seed: number;
}

/**
 * A fresh model (and optimizer and scheduler, when their factories are given) in the state the
 * checkpoint recorded. The optimizer and scheduler must be of the kinds that were saved.
 */
export function restoreCheckpoint(c: unknown, options: RestoreOptions = {}): Restored {
  const ck = checkFormat(c);
  const model = sequentialFromConfig(ck.model);
  try {
    model.loadStateDict(decoded<Record<string, unknown>>('weights', ck.weights));
    let optimizer: AnyOptimizer | undefined;
    let scheduler: Scheduler | undefined;
    if (options.optimizer) {
      if (!ck.optimizer) throw new RangeError('The checkpoint has no optimizer state');
      optimizer = options.optimizer(model.parameters());
      if (optimizer.name !== ck.optimizer.name) {
        throw new RangeError(
          `The checkpoint holds ${ck.optimizer.name} state, the factory made ${optimizer.name}`,
        );
      }
      if (options.scheduler) {
        if (!ck.scheduler) throw new RangeError('The checkpoint has no scheduler state');
        scheduler = options.scheduler(optimizer);
        if (scheduler.constructor.name !== ck.scheduler.name) {
          throw new RangeError(
            `The checkpoint holds ${ck.scheduler.name} state, the factory made ${scheduler.constructor.name}`,
          );
        }
      }
      // after the scheduler's constructor, which writes the groups' lr: the saved groups win
      optimizer.loadStateDict(decoded<OptimizerStateDict>('optimizer state', ck.optimizer.state));
      scheduler?.loadStateDict(decoded<SchedulerState>('scheduler state', ck.scheduler?.state));
    } else if (options.scheduler) {
      throw new RangeError('Restoring a scheduler needs the optimizer factory too');
    }
    return { model, optimizer, scheduler, epoch: ck.training?.epoch ?? 0, seed: ck.training?.seed ?? 0 };
  } catch (e) {
    model.free();
    throw e;
  }
}

/** Checks an already parsed checkpoint object's format and version (as `parseCheckpoint` does text). */
export function parseCheckpointObject(c: unknown): Checkpoint {
  return checkFormat(c);
}

/** The checkpoint as JSON text. */
export function serializeCheckpoint(parts: CheckpointParts): string {
  return JSON.stringify(checkpoint(parts));
}

/** Parses and checks JSON text written by `serializeCheckpoint` / `saveCheckpoint`. */
export function parseCheckpoint(text: string): Checkpoint {
  return checkFormat(JSON.parse(text));
}

let saves = 0;

/**
 * Writes the checkpoint to `path` (Node): a temporary file of its own in the same directory (pid,
 * a counter and random digits: two saves, even in the same millisecond, never share one), flushed
 * to disk with fsync, then renamed over `path`. Concurrent saves to one path all succeed; the last
 * rename wins, and the file is always one whole checkpoint.
 */
export async function saveCheckpoint(path: string, parts: CheckpointParts): Promise<void> {
  const { open, rename, rm } = await import('node:fs/promises');
  const text = serializeCheckpoint(parts);
  saves += 1;
  const tmp = `${path}.tmp-${process.pid}-${saves}-${Math.random().toString(36).slice(2, 10)}`;
  let file: Awaited<ReturnType<typeof open>> | undefined;
  try {
    file = await open(tmp, 'wx');
    await file.writeFile(text);
    await file.sync();
    await file.close();
    file = undefined;
    await rename(tmp, path);
  } catch (e) {
    await file?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** Reads a checkpoint file (Node); pass the result to `restoreCheckpoint`. */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  const { readFile } = await import('node:fs/promises');
  return parseCheckpoint(await readFile(path, 'utf8'));
}
