import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam, SGD } from '@descent/core';
import { StepLR } from '@descent/schedulers';
import { describe, expect, it } from 'vitest';
import type { Dataset } from './batches.js';
import {
  checkpoint,
  loadCheckpoint,
  parseCheckpoint,
  restoreCheckpoint,
  saveCheckpoint,
} from './checkpoint.js';
import { predict } from './evaluate.js';
import { type AnyOptimizer, fit as fitModel } from './fit.js';
import { mlp } from './mlp.js';
import { Rng } from './random.js';

function blobs(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 4; j++) x[4 * i + j] = (j === y[i] ? 2 : 0) + rng.normal();
  }
  return { x, y, n, features: 4 };
}

const data = blobs(90, 1);
const optimizer = (ps: ReturnType<ReturnType<typeof mlp>['parameters']>) => new Adam(ps, { lr: 0.01 });
const scheduler = (opt: AnyOptimizer) => new StepLR(opt, { stepSize: 5, gamma: 0.8 });
const options = { epochs: 4, batchSize: 16, seed: 9, scheduleEvery: 'step' as const };

function bits(a: Float32Array | Float64Array | number): Uint8Array | number {
  return typeof a === 'number'
    ? a
    : new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

describe('checkpoints', () => {
  it('round-trip architecture, weights and batch-norm statistics bit-exactly through a file', async () => {
    const model = mlp({ sizes: [4, 8, 8, 3], batchNorm: true, dropout: 0.2, activation: 'gelu', seed: 3 });
    fitModel(model, data, { optimizer, epochs: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'mlp-ckpt-'));
    const path = join(dir, 'model.json');
    await saveCheckpoint(path, { model });
    expect(readdirSync(dir)).toEqual(['model.json']); // the temporary file was renamed
    const { model: back } = restoreCheckpoint(await loadCheckpoint(path));
    expect(back.config()).toEqual(model.config());
    const a = model.stateDict();
    const b = back.stateDict();
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const k of Object.keys(a)) expect(bits(b[k]), k).toEqual(bits(a[k]));
    expect(predict(back, data.x).data).toEqual(predict(model, data.x).data);
    expect(JSON.parse(readFileSync(path, 'utf8')).format).toBe('descent-mlp-checkpoint');
  });

  it('save 40 times to one path at once: every save succeeds, no temporary file is left, the file is whole', async () => {
    const model = mlp({ sizes: [4, 8, 3], seed: 2 });
    const dir = mkdtempSync(join(tmpdir(), 'mlp-ckpt-race-'));
    const path = join(dir, 'model.json');
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, epoch) => saveCheckpoint(path, { model, epoch })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(readdirSync(dir)).toEqual(['model.json']);
    const back = await loadCheckpoint(path);
    expect(back.training?.epoch).toBeGreaterThanOrEqual(0);
    expect(back.weights).toEqual(checkpoint({ model }).weights);
  });

  it('resume bit-identically: 2 epochs, save, load into fresh objects, 2 more == 4 epochs', () => {
    const make = () => mlp({ sizes: [4, 16, 3], dropout: 0.3, seed: 5 });
    const straight = make();
    const full = fitModel(straight, data, { optimizer, schedule: scheduler, ...options });

    const first = make();
    const half = fitModel(first, data, { optimizer, schedule: scheduler, ...options, epochs: 2 });
    const text = JSON.stringify(
      checkpoint({
        model: first,
        optimizer: half.optimizer,
        scheduler: half.scheduler,
        epoch: half.epoch,
        seed: 9,
      }),
    );
    first.free();
    const r = restoreCheckpoint(parseCheckpoint(text), { optimizer, scheduler });
    expect(r.epoch).toBe(2);
    const rest = fitModel(r.model, data, {
      optimizer: r.optimizer as Adam,
      schedule: r.scheduler,
      ...options,
      seed: r.seed,
      initialEpoch: r.epoch,
    });
    expect([...half.history, ...rest.history]).toEqual(full.history);
    const a = straight.stateDict();
    const b = r.model.stateDict();
    for (const k of Object.keys(a)) expect(bits(b[k]), k).toEqual(bits(a[k]));
    expect(r.optimizer?.stateDict()).toEqual(full.optimizer.stateDict());
  });

  it('refuse a foreign document, another version, and a mismatched optimizer', () => {
    expect(() => parseCheckpoint('{"format":"other"}')).toThrow(/Not a descent MLP checkpoint/);
    const model = mlp({ sizes: [4, 3], seed: 1 });
    const c = checkpoint({ model, optimizer: new SGD(model.parameters(), { lr: 0.1 }) });
    expect(() => restoreCheckpoint({ ...c, version: 2 })).toThrow(/Unsupported checkpoint version: 2/);
    expect(() => restoreCheckpoint(c, { optimizer })).toThrow(/holds SGD state, the factory made Adam/);
    const broken = { ...c, weights: { ...c.weights, 'dense0.weight': undefined } };
    expect(() => restoreCheckpoint(broken)).toThrow(/dense0.weight is missing/);
  });

  it('refuse a damaged base64 string with a TypeError naming the weights (not a DOMException)', () => {
    const model = mlp({ sizes: [4, 3], seed: 1 });
    const c = checkpoint({ model });
    const w = c.weights['dense0.weight'] as { base64: string };
    const damaged = {
      ...c,
      weights: { ...c.weights, 'dense0.weight': { ...w, base64: `!${w.base64.slice(1)}` } },
    };
    expect(() => restoreCheckpoint(damaged)).toThrow(TypeError);
    expect(() => restoreCheckpoint(damaged)).toThrow(/^Invalid checkpoint weights: /);
  });
});
