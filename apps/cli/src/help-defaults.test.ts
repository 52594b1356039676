/**
 * Help texts and behaviour agree: every "(default X)" an option's help states is the value the
 * command uses when the flag is absent (the commands' exported defaults, which their actions read),
 * every such default is stated, and the defaults that matter most are checked by running the
 * command without the flag (compare's steps: its help said 200 while it ran 1000).
 */
import { describe, expect, it } from 'vitest';
import { benchDefaults } from './commands/bench.js';
import { compareDefaults } from './commands/compare.js';
import { runDefaults } from './commands/run.js';
import { scheduleDefaults } from './commands/schedule.js';
import { trainDefaults } from './commands/train.js';
import { buildProgram, version } from './main.js';
import { descentInProcess } from './test-support/descent.js';

/** The "(default X)" each option's help states, by flag, X a value (not a phrase like "the last column"). */
function statedDefaults(command: string): Record<string, string> {
  const cmd = buildProgram().commands.find((c) => c.name() === command);
  if (!cmd) throw new Error(`no command ${command}`);
  const stated: Record<string, string> = {};
  for (const o of cmd.options) {
    const m = /\(default:? ([^()]+)\)\s*$/.exec(o.description);
    if (m && !/\s/.test(m[1])) stated[o.attributeName()] = m[1];
  }
  return stated;
}

const text = (v: unknown) => (Array.isArray(v) ? v.join(',') : String(v));
const expected = (defaults: object, extra: object = {}) =>
  Object.fromEntries(Object.entries({ ...defaults, ...extra }).map(([k, v]) => [k, text(v)]));

describe('help texts state the defaults the commands use', () => {
  it.each([
    ['run', runDefaults],
    ['compare', compareDefaults],
    ['schedule', scheduleDefaults],
    ['bench', benchDefaults],
    ['train', trainDefaults],
  ] as const)('%s --help states exactly its defaults', (name, defaults) => {
    expect(statedDefaults(name)).toEqual(expected(defaults, { seed: 0 }));
  });

  it.each(['tour', 'notes', 'analyze', 'eval', 'export', 'problems'])(
    '%s --help states only the seed default, which it uses',
    (name) => {
      expect(statedDefaults(name)).toEqual({ seed: '0' });
    },
  );

  it('compare without --steps runs the 1000 steps its help states, run the 200 of its own', async () => {
    const race = await descentInProcess([
      'compare',
      '--problem',
      'rosenbrock',
      '--optimizers',
      'gd',
      '--json',
    ]);
    const one = await descentInProcess(['run', '--problem', 'rosenbrock', '--optimizer', 'gd', '--json']);
    expect(JSON.parse(race.stdout).results[0].nit).toBe(Number(statedDefaults('compare').steps));
    expect(JSON.parse(one.stdout).nit).toBe(Number(statedDefaults('run').steps));
  });

  it('schedule without --steps and --lr plots the 100 steps from 0.1 its help states', async () => {
    const r = await descentInProcess(['schedule', 'cosine', '--json']);
    const { lr } = JSON.parse(r.stdout) as { lr: number[] };
    expect(lr).toHaveLength(Number(statedDefaults('schedule').steps));
    expect(lr[0]).toBe(Number(statedDefaults('schedule').lr));
  });
});

describe('--version and descent help', () => {
  it('--version prints the package version and exits 0', async () => {
    const r = await descentInProcess(['--version']);
    expect([r.code, r.stdout]).toEqual([0, `${version}\n`]);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('descent help and descent help COMMAND exit 0 with the same page as --help', async () => {
    const overview = await descentInProcess(['help']);
    expect(overview.code).toBe(0);
    expect(overview.stdout).toMatch(/Commands:/);
    const [viaHelp, viaFlag] = [
      await descentInProcess(['help', 'train']),
      await descentInProcess(['train', '--help']),
    ];
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });

  it('descent help NOSUCH is refused with a suggestion, exit 2', async () => {
    const r = await descentInProcess(['help', 'trian']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'trian'\n\(Did you mean train\?\)/);
  });
});
