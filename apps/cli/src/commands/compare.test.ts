import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getProblem, minimize } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { descent, expectRefused, json } from '../test-support/descent.js';

interface CompareJson {
  results: {
    optimizer: string;
    lr: number | null;
    nit: number;
    fun: number;
    x: number[];
    stepsToTol: number | null;
    outcome: string;
  }[];
}

describe.concurrent('descent compare', () => {
  it('races the default six on the valley, as minimize() runs each, and draws the paths over contours', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-compare-'));
    const svg = join(dir, 'race.svg');
    const r = await descent([
      'compare',
      '--problem',
      'ill-conditioned',
      '--steps',
      '300',
      '--svg',
      svg,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const { results } = json<CompareJson>(r);
    expect(results.map((x) => x.optimizer)).toEqual([
      'gd',
      'momentum',
      'nesterov',
      'adam',
      'lbfgs',
      'newton',
    ]);
    const p = getProblem('ill-conditioned');
    // gd's automatic rate is 1 / lambda_max(H) = 1 / 4
    expect(results[0].lr).toBe(0.25);
    for (const row of results) {
      const lib = minimize(p, p.x0, {
        method: row.optimizer,
        maxIter: 300,
        gtol: 1e-8,
        ...(row.lr === null ? {} : { lr: row.lr, optimizerOptions: {} }),
      });
      expect(row.nit, row.optimizer).toBe(lib.nit);
      expect(row.x).toEqual(Array.from(lib.x));
    }
    // Newton solves a quadratic in one step
    expect(results[5].nit).toBe(1);
    expect(results[5].stepsToTol).toBe(1);
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain('mark-shape'); // the contour lines
    expect((text.match(/mark-line role-mark/g) ?? []).length).toBeGreaterThan(0);
  });

  it.each([
    [['--problem', 'rosenbrock', '--dim', '3'], /--svg draws 2-D problems; rosenbrock has 3 variables/],
    [
      ['--problem', 'booth', '--optimizers', 'gd,nesterof'],
      /Unknown optimizer "nesterof" \(did you mean "nesterov"\?/,
    ],
    [
      ['--problem', 'booth', '--optimizers', ' , '],
      /Invalid value for --optimizers: " , " \(expected a list of names\)/,
    ],
  ])('refuses %j with --svg, exit code 2 and nothing written', async (args, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-compare-bad-'));
    const svg = join(dir, 'race.svg');
    expectRefused(await descent(['compare', ...args, '--svg', svg]), message);
    expect(existsSync(svg)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
