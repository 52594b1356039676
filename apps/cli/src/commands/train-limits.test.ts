/**
 * `descent train` under hostile sizes, paths and signals: it refuses what cannot work before
 * training (nothing written), and a stop by signal always leaves a checkpoint.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { descent, expectRefused } from '../test-support/descent.js';

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
