/**
 * train --loss mse: a regression on a CSV's numeric target. References: the data are exactly linear,
 * y = 2a - 3b + 1, so least squares fits them with zero error and the network must get close to it;
 * eval's MSE and predict's values must agree with each other (the mean of their squared errors).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsOf } from '../commands/train.js';
import { descentInProcess } from '../test-support/descent.js';
import { train } from './session.js';

const dir = mkdtempSync(join(tmpdir(), 'descent-regression-'));
const csv = join(dir, 'linear.csv');
const rows = Array.from({ length: 400 }, (_, i) => {
  const a = Math.sin(i * 1.7);
  const b = Math.cos(i * 0.9);
  return [a, b, 2 * a - 3 * b + 1];
});
writeFileSync(csv, `a,b,y\n${rows.map((r) => r.join(',')).join('\n')}\n`);
const variance = (() => {
  const ys = rows.map((r) => r[2]);
  const mean = ys.reduce((s, v) => s + v, 0) / ys.length;
  return ys.reduce((s, v) => s + (v - mean) ** 2, 0) / ys.length;
})();

describe('train --loss mse', () => {
  it('fits a linear target to a small fraction of its variance; eval and predict agree on the error', async () => {
    const settings = settingsOf(
      { data: csv, loss: 'mse', layers: [16], lr: 0.01, epochs: 40, batchSize: 16, seed: 0 },
      undefined,
    );
    const outcome = await train(settings);
    expect(outcome.test.accuracy).toBeUndefined();
    expect(outcome.test.loss).toBeLessThan(0.02 * variance);
    const model = join(dir, 'model.json');
    writeFileSync(model, JSON.stringify(outcome.modelFile()));
    outcome.model.free();

    const heldOut = JSON.parse((await descentInProcess(['eval', '--model', model, '--json'])).stdout);
    expect(heldOut).toMatchObject({ rows: 'held-out', n: 80 });
    expect(heldOut.loss).toBeCloseTo(outcome.test.loss, 10);
    const all = JSON.parse(
      (await descentInProcess(['eval', '--model', model, '--all-rows', '--json'])).stdout,
    );
    const out = join(dir, 'predicted.csv');
    const r = await descentInProcess(['predict', '--model', model, '--data', csv, '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,y');
    const predicted = lines.slice(1).map((l) => Number(l.split(',')[1]));
    const mse = predicted.reduce((s, p, i) => s + (p - Math.fround(rows[i][2])) ** 2, 0) / rows.length;
    expect(mse).toBeCloseTo(all.loss, 5);
  });

  it('refuses classification data sets, naming the flag', async () => {
    const settings = settingsOf({ data: 'digits', loss: 'mse', epochs: 1 }, undefined);
    await expect(train(settings)).rejects.toThrow(
      /--loss mse trains a regression on a CSV file with numeric targets/,
    );
  });
});
