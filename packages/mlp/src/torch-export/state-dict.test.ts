import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DType } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { predict } from '../evaluate.js';
import { Activation } from '../layers/activations.js';
import { BatchNorm1d } from '../layers/batch-norm.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Sequential } from '../layers/sequential.js';
import { decodeSafetensors, encodeSafetensors } from '../safetensors.js';
import {
  loadTorchSafetensors,
  loadTorchStateDict,
  saveTorchSafetensors,
  sequentialToTorchStateDict,
} from './state-dict.js';

// written by test/fixtures/torch-handoff/generate.py: torch 1.13's state_dict of
// nn.Sequential(Linear(64,32), BatchNorm1d(32), ReLU(), Dropout(0.1), Linear(32,16), Tanh(), Linear(16,10))
// trained 3 epochs on the digits, saved by the script's own safetensors writer
const dir = new URL('../../test/fixtures/torch-handoff/', import.meta.url);
const torchFile = new Uint8Array(readFileSync(new URL('torch_mlp.safetensors', dir)));
const fx = JSON.parse(readFileSync(new URL('torch_mlp.json', dir), 'utf8')) as Record<string, number[]>;

/** The same architecture as the torch model, module for module. */
const sameAsTorch = (dtype: DType) =>
  new Sequential([
    new Dense(64, 32, { dtype }),
    new BatchNorm1d(32, { dtype }),
    new Activation('relu', 32, { dtype }),
    new Dropout(0.1, 32, { dtype }),
    new Dense(32, 16, { dtype }),
    new Activation('tanh', 16, { dtype }),
    new Dense(16, 10, { dtype }),
  ]).eval();

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

describe('torch nn.Sequential state dicts', () => {
  it("loads torch's safetensors into an f64 Sequential and reproduces torch's float64 logits to 1e-12", () => {
    const model = sameAsTorch('f64');
    loadTorchStateDict(model, decodeSafetensors(torchFile).tensors);
    expect(maxDiff(predict(model, Float64Array.from(fx.x)).data, fx.logits64)).toBeLessThan(1e-12);
    model.free();
  });

  it("and into an f32 Sequential: torch's float32 logits to 1e-5", () => {
    const model = sameAsTorch('f32');
    loadTorchStateDict(model, decodeSafetensors(torchFile).tensors);
    expect(maxDiff(predict(model, Float32Array.from(fx.x)).data, fx.logits32)).toBeLessThan(1e-5);
    model.free();
  });

  it("saves under nn.Sequential's names, shapes and order: the file is torch's byte for byte", async () => {
    const model = sameAsTorch('f32');
    const path = join(mkdtempSync(join(tmpdir(), 'torch-sd-')), 'model.safetensors');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, torchFile);
    await loadTorchSafetensors(path, model);
    const sd = sequentialToTorchStateDict(model);
    expect(Object.keys(sd)).toEqual([
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '1.running_mean',
      '1.running_var',
      '1.num_batches_tracked',
      '4.weight',
      '4.bias',
      '6.weight',
      '6.bias',
    ]);
    expect(sd['0.weight'].shape).toEqual([32, 64]);
    expect(sd['1.num_batches_tracked']).toEqual({ data: BigInt64Array.of(87n), shape: [] });
    expect(encodeSafetensors(sd)).toEqual(torchFile);
    await saveTorchSafetensors(path, model);
    expect(new Uint8Array(readFileSync(path))).toEqual(torchFile);
    model.free();
  });

  it('refuses a missing, unexpected, misshapen or integer tensor by name, and changes nothing', () => {
    const model = sameAsTorch('f64');
    const before = model.stateDict();
    const good = decodeSafetensors(torchFile).tensors;
    const { '4.bias': _, ...missing } = good;
    const bad = (tensors: object) => () => loadTorchStateDict(model, tensors as typeof good);
    expect(bad(missing)).toThrow(/state_dict: tensor 4\.bias is missing/);
    expect(bad({ ...good, '2.weight': good['4.bias'] })).toThrow(/unexpected tensor 2\.weight/);
    expect(bad({ ...good, '0.weight': { data: good['0.weight'].data, shape: [64, 32] } })).toThrow(
      /tensor 0\.weight has shape \[64,32\], the model's is \[32,64\]/,
    );
    expect(bad({ ...good, '4.bias': { data: new BigInt64Array(16), shape: [16] } })).toThrow(
      /tensor 4\.bias must be floating point/,
    );
    expect(model.stateDict()).toEqual(before);
    model.free();
  });
});
