import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { descent, descentInProcess, expectRefused, json } from '../test-support/descent.js';

/** SGDR by hand: cycles of 10, 20, 40, ... steps, each a half cosine from lr down to etaMin. */
function sgdr(t: number, lr: number, etaMin: number): number {
  let T = 10;
  let start = 0;
  while (t >= start + T) {
    start += T;
    T *= 2;
  }
  return etaMin + 0.5 * (lr - etaMin) * (1 + Math.cos((Math.PI * (t - start)) / T));
}

describe.concurrent('descent schedule', () => {
  it('samples cosine-restarts:T0=10,TMult=2,etaMin=1e-5 as the SGDR formula gives it, and writes CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-schedule-'));
    const csv = join(dir, 'lr.csv');
    const [r, c] = await Promise.all([
      descent([
        'schedule',
        'cosine-restarts:T0=10,TMult=2,etaMin=1e-5',
        '--steps',
        '75',
        '--lr',
        '0.1',
        '--json',
      ]),
      descent([
        'schedule',
        'step:stepSize=3,gamma=0.5',
        '--steps',
        '7',
        '--lr',
        '1',
        '--format',
        'csv',
        '--out',
        csv,
        '--quiet',
      ]),
    ]);
    const out = json<{ lr: number[] }>(r);
    expect(out.lr).toHaveLength(75);
    for (const [t, v] of out.lr.entries()) expect(v).toBeCloseTo(sgdr(t, 0.1, 1e-5), 14);
    expect(c.code).toBe(0);
    expect(readFileSync(csv, 'utf8')).toBe('step,lr\n0,1\n1,1\n2,1\n3,0.5\n4,0.5\n5,0.5\n6,0.25\n');
  });

  it('draws the curve as an ASCII chart and as an SVG line chart', async () => {
    const chart = await descentInProcess(['schedule', 'one-cycle:maxLr=0.1+warmup=5', '--steps', '50']);
    expect(chart.code).toBe(0);
    expect(chart.stdout).toMatch(/[╭╮╰╯]/);
    const svg = await descentInProcess([
      'schedule',
      'exponential:gamma=0.9',
      '--steps',
      '20',
      '--format',
      'svg',
    ]);
    expect(svg.stdout.startsWith('<svg')).toBe(true);
    expect(svg.stdout).toContain('learning rate');
  });

  it.each([
    ['cosine-restart:T0=10', /Unknown schedule "cosine-restart" \(did you mean "cosine-restarts"\?/],
    ['cosine-restarts:T=10', /Unknown key "T" in schedule cosine-restarts \(did you mean "T0"\?/],
    [
      'cosine-restarts:T0=ten',
      /Invalid value for T0 in schedule "cosine-restarts:T0=ten": "ten" \(expected a number\)/,
    ],
    ['cosine-restarts:T0=0', /Invalid schedule "cosine-restarts:T0=0": .*T0/],
    ['step:gamma', /Missing value for gamma/],
    ['multi-step:milestones=3;x', /expected numbers separated by ;/],
    ['exponential:gamma=0.9,staircase=yes', /expected true or false/],
    ['cosine+cooldown=3', /Unknown modifier "cooldown" in schedule "cosine\+cooldown=3" \(known: warmup\)/],
  ])('refuses %s with exit code 2, writing nothing', async (spec, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-schedule-bad-'));
    expectRefused(
      await descent(['schedule', spec, '--format', 'csv', '--out', join(dir, 'lr.csv')]),
      message,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    [[], /Missing schedule SPEC \(see descent schedule --help\)/],
    [['cosine', '--format', 'pdf'], /Unknown value for --format "pdf" \(known: chart, csv, svg\)/],
  ])('refuses %j (no SPEC, an unknown format) with exit code 2', async (args, message) => {
    expectRefused(await descent(['schedule', ...args]), message);
  });

  it('refuses an output that is a directory before writing, leaving no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-schedule-rename-'));
    mkdirSync(join(dir, 'lr.csv'));
    expectRefused(
      await descent(['schedule', 'cosine', '--format', 'csv', '--out', join(dir, 'lr.csv')]),
      /Cannot write --out .*lr\.csv: it is a directory/,
    );
    expect(readdirSync(dir)).toEqual(['lr.csv']);
  });
});
