/**
 * `writeTorchExport(dir, { model, optimizer, ... })`: everything PyTorch needs to continue a run,
 * in one directory (created if missing):
 *
 *   model.safetensors       the weights under nn.Sequential's names (state-dict.ts)
 *   optimizer.safetensors   the optimizer's state in torch's layout (optimizer.ts)
 *   train.py                the nn.Sequential, both loads, and DDP training under torchrun
 *                           (train-script.ts)
 *
 * Everything is checked and built in memory first (an optimizer torch lacks, a layer with no torch
 * module), so a refused export writes nothing; each file is written atomically.
 */
import type { AnyOptimizer } from '../fit.js';
import type { Sequential } from '../layers/sequential.js';
import { writeSafetensors } from '../safetensors.js';
import { optimizerToTorch } from './optimizer.js';
import { sequentialToTorchStateDict } from './state-dict.js';
import { type TrainScriptOptions, torchTrainScript } from './train-script.js';

export interface TorchExportParts extends Omit<TrainScriptOptions, 'model' | 'optimizer'> {
  model: Sequential;
  optimizer: AnyOptimizer;
}

/** Writes model.safetensors, optimizer.safetensors and train.py into `dir`; returns their paths. */
export async function writeTorchExport(dir: string, parts: TorchExportParts): Promise<string[]> {
  const { model, optimizer, ...script } = parts;
  const source = torchTrainScript({ ...script, model: model.config(), optimizer: optimizer.name });
  const weights = sequentialToTorchStateDict(model);
  const state = optimizerToTorch(optimizer);
  const { mkdir, rename, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(dir, { recursive: true });
  const paths = ['model.safetensors', 'optimizer.safetensors', 'train.py'].map((f) => join(dir, f));
  await writeSafetensors(paths[0], weights, { format: 'pt' });
  await writeSafetensors(paths[1], state.tensors, state.metadata);
  const tmp = `${paths[2]}.tmp-${process.pid}`;
  await writeFile(tmp, source);
  await rename(tmp, paths[2]);
  return paths;
}
