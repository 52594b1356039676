/** `descent train --save FILE.safetensors`: the same model as JSON, in the format large models need. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpointSafetensors, restoreCheckpoint } from '@descent/mlp';
import { describe, expect, it } from 'vitest';
import { descent } from '../test-support/descent.js';

const dir = mkdtempSync(join(tmpdir(), 'descent-train-st-'));
const train = ['train', '--data', 'iris', '--layers', '8', '--lr', '0.05', '--seed', '3', '--quiet'];

describe('descent train with a .safetensors model file', () => {
  it('saves, evaluates and resumes exactly as with a JSON model file', async () => {
    const json = join(dir, 'm.json');
    const st = join(dir, 'm.safetensors');
    const saved = await Promise.all([
      descent([...train, '--epochs', '2', '--save', json]),
      descent([...train, '--epochs', '2', '--save', st]),
    ]);
    for (const r of saved) expect(r.code, r.stderr).toBe(0);
    const [evalJson, evalSt] = await Promise.all([
      descent(['eval', '--model', json, '--json']),
      descent(['eval', '--model', st, '--json']),
    ]);
    expect(evalSt.code, evalSt.stderr).toBe(0);
    expect(evalSt.stdout).toBe(evalJson.stdout);
    const resumed = await Promise.all([
      descent(['train', '--resume', json, '--epochs', '4', '--quiet']),
      descent(['train', '--resume', st, '--epochs', '4', '--quiet']),
    ]);
    for (const r of resumed) expect(r.code, r.stderr).toBe(0);
    expect(resumed[1].stdout).toBe(resumed[0].stdout);
    const a = restoreCheckpoint(JSON.parse(readFileSync(json, 'utf8')));
    const b = restoreCheckpoint(await loadCheckpointSafetensors(st));
    expect(b.epoch).toBe(4);
    expect(b.model.stateDict()).toEqual(a.model.stateDict());
    a.model.free();
    b.model.free();
  });
});
