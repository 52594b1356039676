import { describe, expect, it } from 'vitest';
import { buildProgram } from './main.js';
import { descent, descentInProcess, expectRefused } from './test-support/descent.js';

const commands = buildProgram().commands.map((c) => c.name());

describe('the descent command', () => {
  it('has the commands of issue 8', () => {
    expect([...commands].sort()).toEqual(
      [
        'analyze',
        'bench',
        'compare',
        'eval',
        'export',
        'info',
        'notes',
        'predict',
        'problems',
        'run',
        'schedule',
        'tour',
        'train',
      ].sort(),
    );
  });

  it.each(commands)('%s --help shows an example and the common options', async (name) => {
    const r = await descentInProcess([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Examples?:\\n {2}\\$ descent ${name}`));
    for (const flag of ['--config <file>', '--json', '--seed <n>', '--quiet'])
      expect(r.stdout).toContain(flag);
  });

  it('suggests the closest command for a typo, with exit code 2', async () => {
    expectRefused(await descent(['comapre']), /unknown command 'comapre'\n\(Did you mean compare\?\)/);
  });
});
