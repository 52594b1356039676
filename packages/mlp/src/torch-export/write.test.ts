import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam, Lion } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { restoreCheckpoint } from '../checkpoint.js';
import { predict } from '../evaluate.js';
import { fit } from '../fit.js';
import { mlp } from '../mlp.js';
import { decodeSafetensors, readSafetensors } from '../safetensors.js';
import { loadTorchOptimizer } from './optimizer.js';
import { loadTorchSafetensors } from './state-dict.js';
import { torchTrainScript } from './train-script.js';
import { writeTorchExport } from './write.js';

// export/ is written by test/fixtures/torch-handoff/descent-side.mjs (a `descent train` run, its
// `descent export --torch`, 32 digits rows) and generate.py handoff (torchrun, 2 CPU processes)
const dir = new URL('../../test/fixtures/torch-handoff/export/', import.meta.url);
const text = (name: string) => readFileSync(new URL(name, dir), 'utf8');
const tensors = (name: string) => decodeSafetensors(new Uint8Array(readFileSync(new URL(name, dir)))).tensors;

describe('writeTorchExport and train.py', () => {
  it("train.py's first step under torchrun (2 CPU processes, gloo) equals descent's next step to 1e-6", () => {
    const file = JSON.parse(text('model.json'));
    const { model, optimizer } = restoreCheckpoint(file, { optimizer: (ps) => new Adam(ps, { lr: 1 }) });
    const rows = text('data.csv')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',').map(Number));
    const { mean, scale } = file.cli as { mean: number[]; scale: number[] };
    const batch = {
      x: Float32Array.from(rows.flatMap((r) => r.slice(0, 64).map((v, j) => (v - mean[j]) / scale[j]))),
      y: Int32Array.from(rows.map((r) => r[64])),
      n: rows.length,
      features: 64,
    };
    fit(model, batch, { optimizer: optimizer as Adam, epochs: 1, batchSize: 32, shuffle: false });
    const torch = tensors('torch_first_step.safetensors');
    let worst = 0;
    model.layers.forEach((l, i) => {
      for (const p of l.parameters()) {
        const t = torch[`${i}.${p.name.split('.').pop()}`].data as Float32Array;
        for (let k = 0; k < p.length; k++) worst = Math.max(worst, Math.abs(p.data[k] - t[k]));
      }
    });
    expect(worst).toBeLessThan(1e-6);
    expect(JSON.parse(text('first_step.json'))).toMatchObject({ worldSize: 2, backend: 'gloo' });
    model.free();
  });

  it('writes model.safetensors, optimizer.safetensors and train.py that load back into the same model and state', async () => {
    const model = mlp({ sizes: [5, 4, 3], batchNorm: true, dropout: 0.1, activation: 'gelu', seed: 1 });
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    const x = Float32Array.from({ length: 5 * 8 }, (_, i) => Math.sin(i));
    fit(
      model,
      { x, y: Int32Array.from({ length: 8 }, (_, i) => i % 3), n: 8, features: 5 },
      { optimizer: opt, epochs: 2, batchSize: 4 },
    );
    const out = join(mkdtempSync(join(tmpdir(), 'torch-export-')), 'run');
    const paths = await writeTorchExport(out, { model, optimizer: opt, batchSize: 4 });
    expect(paths.map((p) => p.slice(out.length + 1))).toEqual([
      'model.safetensors',
      'optimizer.safetensors',
      'train.py',
    ]);
    const copy = mlp({ sizes: [5, 4, 3], batchNorm: true, dropout: 0.1, activation: 'gelu', seed: 9 });
    await loadTorchSafetensors(paths[0], copy);
    expect(predict(copy, x).data).toEqual(predict(model, x).data);
    const opt2 = new Adam(copy.parameters(), { lr: 1 });
    await loadTorchOptimizer(paths[1], opt2);
    expect(opt2.stateDict()).toEqual(opt.stateDict());
    expect((await readSafetensors(paths[0])).metadata).toEqual({ format: 'pt' });
    const script = readFileSync(paths[2], 'utf8');
    expect(script).toContain(
      [
        '        nn.Linear(5, 4, bias=True),',
        '        nn.BatchNorm1d(4, eps=0.00001, momentum=0.1, affine=True),',
        "        nn.GELU(approximate='none'),",
        '        nn.Dropout(0.1),',
        '        nn.Linear(4, 3, bias=True),',
      ].join('\n'),
    );
    expect(script).toContain('optimizer = torch.optim.Adam(model.parameters())');
    expect(script).toContain("dist.init_process_group('nccl' if cuda else 'gloo')");
    model.free();
    copy.free();
  });

  it('refuses an optimizer torch lacks (Lion) naming it, and writes nothing', async () => {
    const model = mlp({ sizes: [3, 2] });
    const out = join(mkdtempSync(join(tmpdir(), 'torch-export-')), 'run');
    await expect(
      writeTorchExport(out, { model, optimizer: new Lion(model.parameters(), { lr: 1e-4 }) }),
    ).rejects.toThrow(
      /Invalid optimizer: Lion \(torch has no counterpart with the same state; supported: SGD, Adam/,
    );
    expect(existsSync(out)).toBe(false);
    expect(() => torchTrainScript({ model: model.config(), optimizer: 'Adam', l2: Number.NaN })).toThrow(
      /Invalid l2: NaN/,
    );
    model.free();
  });
});
