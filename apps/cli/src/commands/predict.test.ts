/**
 * descent predict: the rows of a CSV (label column dropped) through a saved model. References: the
 * softmax computed naively, and eval's accuracy on the same rows (predict's classes must agree).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iris } from '@descent/mlp';
import { describe, expect, it } from 'vitest';
import { descentInProcess } from '../test-support/descent.js';
import { train } from '../training/session.js';
import { readFeatureRows, softmax } from './predict.js';
import { settingsOf } from './train.js';

const dir = mkdtempSync(join(tmpdir(), 'descent-predict-'));

describe('descent predict', () => {
  it('softmax is exp(z) / Σ exp(z), without overflow for large outputs', () => {
    const z = [1, 2, 3];
    const naive = z.map((v) => Math.exp(v) / z.reduce((a, b) => a + Math.exp(b), 0));
    for (const [i, p] of softmax(z).entries()) expect(p).toBeCloseTo(naive[i], 15);
    expect(softmax([1000, 1000])).toEqual([0.5, 0.5]);
  });

  it('reads features with or without the label column, and names a bad cell’s line and column', () => {
    const f = join(dir, 'rows.csv');
    writeFileSync(f, 'a,b,label\n1,2,x\n3,4,y\n');
    expect(readFeatureRows(f, 2)).toEqual({ x: Float64Array.from([1, 2, 3, 4]), n: 2 });
    writeFileSync(f, '1,2\n3,oops\n');
    expect(() => readFeatureRows(f, 2)).toThrow(/line 2, column 2: "oops" is not a number/);
    expect(() => readFeatureRows(f, 3)).toThrow(/has 2 columns; the model takes 3 features/);
  });

  it('predicts the classes eval scores: its accuracy over a labelled CSV is eval --all-rows’s', async () => {
    const d = iris();
    const csv = join(dir, 'iris.csv');
    const lines = Array.from({ length: d.n }, (_, i) =>
      [...d.x.subarray(i * 4, i * 4 + 4), d.y[i]].join(','),
    );
    writeFileSync(csv, `a,b,c,d,species\n${lines.join('\n')}\n`);
    const outcome = await train(
      settingsOf({ data: csv, layers: [8], epochs: 5, lr: 0.05, seed: 1 }, undefined),
    );
    const model = join(dir, 'model.json');
    writeFileSync(model, JSON.stringify(outcome.modelFile()));
    outcome.model.free();
    const out = join(dir, 'predictions.csv');
    const r = await descentInProcess(['predict', '--model', model, '--data', csv, '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('row,prediction,p_0,p_1,p_2');
    expect(rows).toHaveLength(151);
    const predicted = rows.slice(1).map((l) => l.split(','));
    for (const p of predicted) expect(Number(p[2]) + Number(p[3]) + Number(p[4])).toBeCloseTo(1, 12);
    const right = predicted.filter((p, i) => Number(p[1]) === d.y[i]).length;
    const scored = JSON.parse(
      (await descentInProcess(['eval', '--model', model, '--data', csv, '--all-rows', '--json'])).stdout,
    );
    expect(right / d.n).toBeCloseTo(scored.accuracy, 12);
  });
});
