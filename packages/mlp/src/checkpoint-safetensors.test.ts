import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam } from '@descent/core';
import { StepLR } from '@descent/schedulers';
import { describe, expect, it } from 'vitest';
import type { Dataset } from './batches.js';
import { checkpoint, restoreCheckpoint } from './checkpoint.js';
import {
  checkpointFromSafetensors,
  checkpointToSafetensors,
  loadCheckpointSafetensors,
  saveCheckpointSafetensors,
} from './checkpoint-safetensors.js';
import { type AnyOptimizer, fit } from './fit.js';
import { mlp } from './mlp.js';
import { Rng } from './random.js';
import { readSafetensors } from './safetensors.js';

function blobs(n: number): Dataset {
  const rng = new Rng(1);
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 4; j++) x[4 * i + j] = (j === y[i] ? 2 : 0) + rng.normal();
  }
  return { x, y, n, features: 4 };
}

const data = blobs(90);
const optimizer = (ps: ReturnType<ReturnType<typeof mlp>['parameters']>) => new Adam(ps, { lr: 0.01 });
const scheduler = (opt: AnyOptimizer) => new StepLR(opt, { stepSize: 5, gamma: 0.8 });
const options = { epochs: 4, batchSize: 16, seed: 9, scheduleEvery: 'step' as const };
const dir = mkdtempSync(join(tmpdir(), 'mlp-ckpt-st-'));

describe('safetensors checkpoints', () => {
  it('resume bit-identically: 2 epochs, save as safetensors, load, 2 more == 4 epochs', async () => {
    const make = () => mlp({ sizes: [4, 16, 3], dropout: 0.3, batchNorm: true, seed: 5 });
    const straight = make();
    const full = fit(straight, data, { optimizer, schedule: scheduler, ...options });
    const first = make();
    const half = fit(first, data, { optimizer, schedule: scheduler, ...options, epochs: 2 });
    const path = join(dir, 'half.safetensors');
    await saveCheckpointSafetensors(
      path,
      { model: first, optimizer: half.optimizer, scheduler: half.scheduler, epoch: 2, seed: 9 },
      { note: { run: 'a' } },
    );
    first.free();
    expect(readdirSync(dir)).toEqual(['half.safetensors']);
    const loaded = await loadCheckpointSafetensors(path);
    expect(loaded.note).toEqual({ run: 'a' });
    const r = restoreCheckpoint(loaded, { optimizer, scheduler });
    expect(r.epoch).toBe(2);
    const rest = fit(r.model, data, {
      optimizer: r.optimizer as Adam,
      schedule: r.scheduler,
      ...options,
      initialEpoch: r.epoch,
    });
    expect([...half.history, ...rest.history]).toEqual(full.history);
    expect(r.model.stateDict()).toEqual(straight.stateDict());
    expect(r.optimizer?.stateDict()).toEqual(full.optimizer.stateDict());
  });

  it('stores the weights as torch names them, with their shapes, and the rest as JSON metadata', async () => {
    const model = mlp({ sizes: [4, 8, 3], seed: 1 });
    const path = join(dir, 'plain.safetensors');
    await saveCheckpointSafetensors(path, { model });
    const st = await readSafetensors(path);
    expect(Object.keys(st.tensors).sort()).toEqual([
      'dense0.bias',
      'dense0.weight',
      'dense1.bias',
      'dense1.weight',
    ]);
    expect(st.tensors['dense0.weight'].shape).toEqual([8, 4]);
    expect(st.tensors['dense0.weight'].data).toEqual(model.stateDict()['dense0.weight']);
    expect(st.metadata.format).toBe('descent-mlp-checkpoint');
    const meta = JSON.parse(st.metadata.checkpoint);
    expect(meta.weights['dense1.bias']).toEqual({ $tensor: 'dense1.bias' });
    expect(meta.model).toEqual(model.config());
  });

  it('keeps non-finite numbers in the JSON part, and refuses a missing or extra tensor', () => {
    const model = mlp({ sizes: [4, 3], seed: 1 });
    const c = { ...checkpoint({ model }, { encode: false }), extra: { best: Number.POSITIVE_INFINITY } };
    const st = checkpointToSafetensors(c);
    const tensors = Object.fromEntries(
      Object.entries(st.tensors).map(([k, t]) => [k, { data: t.data, shape: [t.data.length] }]),
    );
    const back = checkpointFromSafetensors({ tensors, metadata: st.metadata });
    expect(back.extra).toEqual({ best: Number.POSITIVE_INFINITY });
    const { 'dense0.bias': _, ...missing } = tensors;
    expect(() => checkpointFromSafetensors({ tensors: missing, metadata: st.metadata })).toThrow(
      /tensor dense0.bias is missing/,
    );
    expect(() =>
      checkpointFromSafetensors({
        tensors: { ...tensors, stray: tensors['dense0.bias'] },
        metadata: st.metadata,
      }),
    ).toThrow(/tensor stray belongs to no part/);
    expect(() => checkpointFromSafetensors({ tensors, metadata: {} })).toThrow(
      /not a descent MLP checkpoint/,
    );
  });

  // DESCENT_SLOW=1: the case, ~10⁸ parameters (400 MB of f32), which JSON + base64 cannot hold
  it.runIf(process.env.DESCENT_SLOW === '1')(
    'saves and restores a model of 100 million parameters',
    async () => {
      const model = mlp({ sizes: [10000, 10000, 10] });
      const path = join(dir, 'large.safetensors');
      await saveCheckpointSafetensors(path, { model });
      const r = restoreCheckpoint(await loadCheckpointSafetensors(path));
      const a = model.parameters()[0].data;
      const b = r.model.parameters()[0].data;
      expect(b.length).toBe(1e8);
      expect(b[0]).toBe(a[0]);
      expect(b[1e8 - 1]).toBe(a[1e8 - 1]);
      model.free();
      r.model.free();
    },
    300_000,
  );
});
