import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdamW } from '@descent/core';
import {
  digits,
  fit as fitMlp,
  iris,
  mlp,
  restoreCheckpoint,
  standardize,
  trainTestSplit,
} from '@descent/mlp';
import { describe, expect, it } from 'vitest';
import { binary, descent, expectRefused, json } from '../test-support/descent.js';

const dir = mkdtempSync(join(tmpdir(), 'descent-train-'));
const args = [
  'train',
  '--data',
  'digits',
  '--layers',
  '16',
  '--optimizer',
  'adamw',
  '--lr',
  '3e-3',
  '--epochs',
  '20',
  '--batch-size',
  '64',
  '--seed',
  '1',
];

/**
 * Runs `descent train`, sends SIGINT once the first epoch is reported, and resolves with the exit
 * code. The run stops at the end of the epoch during which the signal arrives: 20 short epochs
 * leave room for a slow pipe.
 */
function interruptedRun(save: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binary, ...args, '--save', save]);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (/epoch 1\/20/.test(out) && !child.killed) child.kill('SIGINT');
    });
    child.on('exit', (code) => resolve(code));
  });
}

describe('descent train and eval', () => {
  it('trains as fit() does in one call, resumes after Ctrl-C to the same weights, and evaluates the held-out rows as train did', async () => {
    const whole = join(dir, 'whole.json');
    const cut = join(dir, 'cut.json');
    const [done, interruptedCode] = await Promise.all([
      descent([...args, '--save', whole, '--json']),
      interruptedRun(cut),
    ]);
    expect(done.code).toBe(0);
    const report = json<{ epoch: number; test: { accuracy: number }; history: unknown[] }>(done);
    expect(report.epoch).toBe(20);
    expect(report.history).toHaveLength(20);

    // the library, called directly with the same pipeline, in a single fit() call
    const split = trainTestSplit(digits(), { testFraction: 0.2, seed: 1, stratify: true });
    const { train } = standardize(split.train, split.test);
    const model = mlp({ sizes: [64, 16, 10], activation: 'relu', seed: 1 });
    fitMlp(model, train, {
      optimizer: (ps) => new AdamW(ps, { lr: 3e-3 }),
      epochs: 20,
      batchSize: 64,
      seed: 1,
    });
    const saved = restoreCheckpoint(JSON.parse(readFileSync(whole, 'utf8'))).model;
    expect(saved.stateDict()).toEqual(model.stateDict());
    saved.free();
    model.free();

    // interrupted (exit 130 with a checkpoint), then resumed: bit-identical weights and optimizer state
    expect(interruptedCode).toBe(130);
    const partial = JSON.parse(readFileSync(cut, 'utf8'));
    expect(partial.training.epoch).toBeGreaterThanOrEqual(1);
    expect(partial.training.epoch).toBeLessThan(20);
    const resumed = await descent(['train', '--resume', cut, '--quiet']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/test accuracy [\d.]+% .* after 20 epochs/);
    const a = JSON.parse(readFileSync(whole, 'utf8'));
    const b = JSON.parse(readFileSync(cut, 'utf8'));
    expect(b.weights).toEqual(a.weights);
    expect(b.optimizer).toEqual(a.optimizer);

    // eval scores the held-out split by default: the rows and the accuracy train reported
    const [heldOut, everyRow] = await Promise.all([
      descent(['eval', '--model', whole, '--data', 'digits', '--json']),
      descent(['eval', '--model', whole, '--data', 'digits', '--all-rows', '--json']),
    ]);
    const scored = json<{ rows: string; n: number; accuracy: number; confusion: number[][] }>(heldOut);
    expect(scored.rows).toBe('held-out');
    expect(scored.n).toBe(split.test.n);
    expect(scored.accuracy).toBe(report.test.accuracy);
    const total = scored.confusion.flat().reduce((s, v) => s + v, 0);
    const right = scored.confusion.reduce((s, row, i) => s + row[i], 0);
    expect(total).toBe(split.test.n);
    expect(scored.accuracy).toBeCloseTo(right / total, 12);
    const all = json<{ rows: string; n: number }>(everyRow);
    expect(all).toMatchObject({ rows: 'all', n: 1797 });
    expect(scored.accuracy).toBeGreaterThan(0.8);
  });

  it('trains on a CSV file, refuses bad CSV files naming the line and column, and refuses bad settings, checkpoints and models, writing nothing', async () => {
    const d = iris();
    const rows = Array.from({ length: d.n }, (_, i) => [...d.x.subarray(i * 4, i * 4 + 4), d.y[i]].join(','));
    const good = join(dir, 'iris.csv');
    writeFileSync(good, `a,b,c,d,species\n${rows.join('\n')}\n`);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b,label\n1,2,0\n3,x,1\n');
    const ragged = join(dir, 'ragged.csv');
    writeFileSync(ragged, 'a,b,label\n1,2,0\n3,1\n');

    const out = mkdtempSync(join(tmpdir(), 'descent-train-out-'));
    const save = join(out, 'never.json');
    const notModel = join(dir, 'not-a-model.json');
    writeFileSync(notModel, '{"weights": []}');
    const cut = join(dir, 'cut.json');
    const checkpoint = readFileSync(cut, 'utf8');
    const cases: [string[], RegExp][] = [
      [['--data', bad, '--save', save], /bad\.csv.*line 3, column 2 \(b\)/],
      [['--data', ragged, '--save', save], /line 3 has 2 columns, expected 3/],
      [['--data', join(dir, 'missing.csv'), '--save', save], /Cannot read --data .*missing\.csv: ENOENT/],
      [
        ['--data', 'mnist', '--save', save],
        /Invalid --data "mnist": expected digits, iris, moons, circles, spirals, xor, gaussians or a file ending in \.csv/,
      ],
      [['--optimizer', 'lbfgs', '--save', save], /Unknown optimizer for training "lbfgs"/],
      [['--layers', '16,x', '--save', save], /Invalid number for --layers: "x"/],
      [['--activation', 'rleu', '--save', save], /Unknown activation "rleu" \(did you mean "relu"\?/],
      [
        ['--test-fraction', '1.5', '--save', save],
        /Invalid value for --test-fraction: 1\.5 \(expected a fraction in \(0, 1\)\)/,
      ],
      [['--resume', notModel], /--resume .*not-a-model\.json is not a model written by descent train --save/],
      [
        ['--resume', cut, '--lr', '0.5'],
        /--lr 0\.5 differs from the checkpoint's 0\.003: a resumed run keeps its settings/,
      ],
    ];
    const [ok, wrongShape, noModel, ...refused] = await Promise.all([
      descent(['train', '--data', good, '--layers', '8', '--epochs', '2', '--lr', '0.01', '--json']),
      descent(['eval', '--model', join(dir, 'whole.json'), '--data', good]),
      descent(['eval', '--data', good]),
      ...cases.map(([extra]) => descent(['train', ...extra])),
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).history).toHaveLength(2);

    for (const [i, r] of refused.entries()) expectRefused(r, cases[i][1], cases[i][0].join(' '));
    expect(existsSync(save)).toBe(false);
    expect(readdirSync(out)).toEqual([]);
    expect(readFileSync(cut, 'utf8')).toBe(checkpoint);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    expectRefused(wrongShape, /the data has 4 features, the model was trained on 64/);
    expectRefused(noModel, /Missing --model FILE \(written by descent train --save\)/);
  });
});
