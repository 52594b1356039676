/** `descent export`: --torch writes what the fixture run checked under torchrun; --onnx a model ONNX reads back. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { predict, restoreCheckpoint, sequentialFromOnnx } from '@descent/mlp';
import { describe, expect, it } from 'vitest';
import { descent } from '../test-support/descent.js';

// written by packages/mlp/test/fixtures/torch-handoff/descent-side.mjs with this command; its
// train.py was run under torchrun (2 CPU processes, gloo) by generate.py handoff, and its first
// step equals descent's next step (packages/mlp/src/torch-export/write.test.ts)
const fixture = new URL('../../../../packages/mlp/test/fixtures/torch-handoff/export/', import.meta.url);
const modelJson = new URL('model.json', fixture).pathname;
const dir = mkdtempSync(join(tmpdir(), 'descent-export-'));

describe('descent export', () => {
  it('--torch writes model.safetensors, optimizer.safetensors and train.py byte for byte as the checked fixture', async () => {
    const out = join(dir, 'torch');
    const r = await descent(['export', '--torch', modelJson, out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`continue with: torchrun --nproc_per_node 2 ${out}/train.py --data digits`);
    for (const f of ['model.safetensors', 'optimizer.safetensors', 'train.py']) {
      expect(readFileSync(join(out, f)), f).toEqual(readFileSync(new URL(`torch/${f}`, fixture)));
    }
  });

  it('--onnx writes the model that ONNX import reads back with the same predictions', async () => {
    const out = join(dir, 'model.onnx');
    const r = await descent(['export', '--onnx', modelJson, out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const { model } = restoreCheckpoint(JSON.parse(readFileSync(modelJson, 'utf8')));
    const back = sequentialFromOnnx(new Uint8Array(readFileSync(out))).model;
    const x = Float32Array.from({ length: 64 * 3 }, (_, i) => Math.cos(i));
    expect(predict(back, x).data).toEqual(predict(model, x).data);
    model.free();
    back.free();
  });

  it('refuses a missing or doubled format, a Lion model (no torch counterpart), writing nothing', async () => {
    const lion = join(dir, 'lion.json');
    const trained = await descent([
      'train',
      '--data',
      'iris',
      '--layers',
      '4',
      '--optimizer',
      'lion',
      '--lr',
      '1e-3',
      '--epochs',
      '1',
      '--save',
      lion,
      '--quiet',
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const [none, both, refused] = await Promise.all([
      descent(['export', modelJson, join(dir, 'x')]),
      descent(['export', '--torch', '--onnx', modelJson, join(dir, 'x')]),
      descent(['export', '--torch', lion, join(dir, 'lion')]),
    ]);
    expect([none.code, none.stderr]).toEqual([2, 'descent: Pass one of --torch or --onnx\n']);
    expect(both.code).toBe(2);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Invalid optimizer: Lion \(torch has no counterpart/);
    expect(existsSync(join(dir, 'lion'))).toBe(false);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});
