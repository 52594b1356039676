/**
 * `descent train` under hostile sizes, paths and signals: it refuses what cannot work before
 * training (nothing written), and a stop by signal always leaves a checkpoint.
 */

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binary, descent, expectRefused } from '../test-support/descent.js';

const dir = mkdtempSync(join(tmpdir(), 'descent-train-limits-'));

describe('descent train refuses a model larger than the kernels’ memory', () => {
  it('says how much --layers 1000000000 needs, at once and without allocating it', async () => {
    const t = performance.now();
    const r = await descent([
      'train',
      '--data',
      'iris',
      '--layers',
      '1000000000',
      '--save',
      join(dir, 'm.json'),
    ]);
    expectRefused(r, /The model \[4,1000000000,3\] is too large: .* need 59\.6 GiB .* limited to 4 GiB/);
    expect(performance.now() - t).toBeLessThan(5000);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('descent refuses outputs it cannot write before doing the work', () => {
  it('train --save into a missing directory fails at once, before training', async () => {
    const t = performance.now();
    const r = await descent(['train', '--epochs', '200', '--save', join(dir, 'missing', 'm.json')]);
    expectRefused(r, /Cannot write --save .*missing\/m\.json: the directory .*missing does not exist/);
    expect(performance.now() - t).toBeLessThan(5000); // 200 epochs of digits would take far longer
  });

  it('run --out under a parent that is a file, and into a directory, say so (exit 2, not an internal error)', async () => {
    const file = join(dir, 'f.txt');
    writeFileSync(file, 'x');
    const folder = join(dir, 'folder.csv');
    mkdirSync(folder);
    const [under, into] = await Promise.all([
      descent(['run', '--problem', 'rosenbrock', '--out', join(file, 'x.csv')]),
      descent(['run', '--problem', 'rosenbrock', '--out', folder]),
    ]);
    expectRefused(under, /Cannot write --out .*f\.txt\/x\.csv: .*f\.txt is not a directory/);
    expectRefused(into, /Cannot write --out .*folder\.csv: it is a directory/);
    expect(readFileSync(file, 'utf8')).toBe('x');
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe('descent train --resume with a damaged checkpoint', () => {
  it('refuses one changed base64 character (an error with a numeric code) with exit 2', async () => {
    const saved = join(dir, 'damaged.json');
    const ok = await descent([
      'train',
      '--data',
      'iris',
      '--layers',
      '4',
      '--epochs',
      '1',
      '--save',
      saved,
      '--quiet',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const file = JSON.parse(readFileSync(saved, 'utf8'));
    const w = file.weights['dense0.weight'];
    w.base64 = `!${w.base64.slice(1)}`; // atob throws a DOMException, whose code is the number 5
    writeFileSync(saved, JSON.stringify(file));
    expectRefused(
      await descent(['train', '--resume', saved, '--epochs', '2']),
      /Cannot resume from the checkpoint: Invalid checkpoint weights: /,
    );
  });
});

describe('descent train stopped by a signal', () => {
  it('writes a checkpoint on SIGTERM as on Ctrl-C, and exits with 143 (128 + 15)', async () => {
    const save = join(dir, 'terminated.json');
    const code = await new Promise<number | null>((resolve) => {
      const args = ['train', '--data', 'digits', '--layers', '16', '--epochs', '20', '--batch-size', '64'];
      const child = spawn(process.execPath, [binary, ...args, '--save', save]);
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (/epoch 1\/20/.test(out) && !child.killed) child.kill('SIGTERM');
      });
      child.on('exit', (c) => resolve(c));
    });
    expect(code).toBe(143);
    const saved = JSON.parse(readFileSync(save, 'utf8'));
    expect(saved.training.epoch).toBeGreaterThanOrEqual(1);
    expect(saved.training.epoch).toBeLessThan(20);
  });
});
