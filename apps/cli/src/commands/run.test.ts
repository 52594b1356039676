import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getProblem, minimize } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { descent, expectRefused, json } from '../test-support/descent.js';

interface RunJson {
  optimizer: string;
  lr: number | null;
  converged: boolean;
  divergedAt: number | null;
  outcome: string;
  nit: number;
  nfev: number;
  fun: number;
  x: number[];
  trajectory: { step: number; f: number; x: number[] }[];
}

describe.concurrent('descent run', () => {
  it('prints the same iterates as minimize() for L-BFGS on Rosenbrock and momentum on the valley', async () => {
    const [lbfgs, momentum] = await Promise.all([
      descent(['run', '--problem', 'rosenbrock', '--optimizer', 'lbfgs', '--json']),
      descent([
        'run',
        '--problem',
        'ill-conditioned',
        '--optimizer',
        'momentum',
        '--lr',
        '0.1',
        '--steps',
        '60',
        '--json',
      ]),
    ]);
    const a = json<RunJson>(lbfgs);
    const r = minimize(getProblem('rosenbrock'), getProblem('rosenbrock').x0, {
      method: 'lbfgs',
      maxIter: 200,
      gtol: 1e-8,
      recordPath: true,
    });
    expect(a.converged).toBe(true);
    expect(a.nit).toBe(r.nit);
    expect(a.nfev).toBe(r.nfev);
    expect(a.x).toEqual(Array.from(r.x));
    expect(a.trajectory.map((t) => t.f)).toEqual(r.history.f);
    const b = json<RunJson>(momentum);
    const q = getProblem('ill-conditioned');
    const s = minimize(q, q.x0, { method: 'momentum', lr: 0.1, maxIter: 60, gtol: 1e-8, recordPath: true });
    expect(b.lr).toBe(0.1);
    expect(b.trajectory.map((t) => t.x)).toEqual((s.history.x ?? []).map((x) => Array.from(x)));
  });

  it('follows a schedule: gd with cosine annealing matches x <- x - eta_k grad f(x) by hand', async () => {
    const r = await descent([
      'run',
      '--expr',
      'x^2 + 3*y^2',
      '--optimizer',
      'gd',
      '--lr',
      '0.1',
      '--schedule',
      'cosine:TMax=20',
      '--steps',
      '20',
      '--start',
      '1,-2',
      '--json',
    ]);
    const out = json<RunJson>(r);
    const x = [1, -2];
    const expected = [x.slice()];
    for (let k = 0; k < 20; k++) {
      const eta = 0.5 * 0.1 * (1 + Math.cos((Math.PI * k) / 20));
      x[0] -= eta * 2 * x[0];
      x[1] -= eta * 6 * x[1];
      expected.push(x.slice());
    }
    expect(out.trajectory).toHaveLength(21);
    out.trajectory.forEach((t, k) => {
      expect(t.x[0]).toBeCloseTo(expected[k][0], 12);
      expect(t.x[1]).toBeCloseTo(expected[k][1], 12);
    });
  });

  it('reports divergence as a result: exit 0 and "diverged at step N"', async () => {
    const r = await descent([
      'run',
      '--problem',
      'square',
      '--optimizer',
      'gd',
      '--lr',
      '1.1',
      '--steps',
      '5000',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/diverged at step \d+/);
  });

  it('writes CSV with one row per iterate, and reads settings from --config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-run-'));
    const config = join(dir, 'run.json');
    writeFileSync(
      config,
      JSON.stringify({
        problem: 'booth',
        optimizer: 'gd',
        lr: 0.05,
        steps: 10,
        format: 'csv',
        out: join(dir, 'path.csv'),
      }),
    );
    const r = await descent(['run', '--config', config, '--quiet']);
    expect(r.code).toBe(0);
    const lines = readFileSync(join(dir, 'path.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('step,f(x),x1,x2');
    expect(lines).toHaveLength(12);
    expect(readdirSync(dir).sort()).toEqual(['path.csv', 'run.json']);
  });

  it.each([
    [['--problem', 'rosenbrok'], /^descent: Unknown problem "rosenbrok" \(did you mean "rosenbrock"\?/],
    [['--problem', 'booth', '--optimizer', 'adma'], /Unknown optimizer "adma" \(did you mean "adam"\?/],
    [['--problem', 'booth', '--lr', '1e-3x'], /Invalid number for --lr: "1e-3x"/],
    [['--problem', 'booth', '--start', '1,two'], /Invalid number for --start: "two"/],
    [
      ['--problem', 'booth', '--start', ' '],
      /Invalid value for --start: " " \(expected numbers separated by commas\)/,
    ],
    [['--problem', 'booth', '--start', '1,2,3'], /--start has 3 coordinates, but booth has 2 variables/],
    [['--problem', 'booth', '--steps', '0'], /Invalid value for --steps: "0" \(expected an integer >= 1\)/],
    [['--expr', 'x^^2'], /Invalid expression "x\^\^2" at position 3/],
    [['--problem', 'booth', '--lr-rate', '3'], /unknown option '--lr-rate'/],
    [['--problem', 'booth', '--optimizer', 'gd', '--lr', '-1'], /Invalid learning rate: -1/],
    [
      ['--problem', 'booth', '--optimizer', 'newton', '--momentum', '0.9'],
      /--momentum applies to first-order optimizers/,
    ],
    [
      ['--problem', 'booth', '--schedule', 'cosine-restart'],
      /Unknown schedule "cosine-restart" \(did you mean "cosine-restarts"\?/,
    ],
  ])('refuses %j with a message on stderr and exit code 2, writing nothing', async (args, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-bad-'));
    const r = await descent(['run', ...args, '--format', 'csv', '--out', join(dir, 'out.csv')]);
    expectRefused(r, message);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses config files that are unreadable, not JSON objects, or have unknown keys or bad values, naming them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-config-'));
    const out = mkdtempSync(join(tmpdir(), 'descent-config-out-'));
    const cases: [string, string | null, RegExp][] = [
      [
        'a.json',
        JSON.stringify({ problem: 'booth', optimiser: 'gd' }),
        /Unknown setting "optimiser" in --config .*a\.json \(did you mean "optimizer"\?/,
      ],
      ['b.json', JSON.stringify({ problem: 'booth', steps: 'many' }), /Invalid number for --steps: "many"/],
      ['c.json', '{ "problem": ', /Invalid JSON in --config/],
      ['d.json', '["booth"]', /Invalid --config .*d\.json: expected a JSON object of settings/],
      ['missing.json', null, /Cannot read --config .*missing\.json: ENOENT/],
    ];
    for (const [name, text] of cases) if (text !== null) writeFileSync(join(dir, name), text);
    const results = await Promise.all(
      cases.map(([name]) =>
        descent(['run', '--config', join(dir, name), '--format', 'csv', '--out', join(out, 'path.csv')]),
      ),
    );
    for (const [i, r] of results.entries()) expectRefused(r, cases[i][2], cases[i][0]);
    expect(readdirSync(out)).toEqual([]);
  });
});
