import { describe, expect, it } from 'vitest';
import { descent, expectRefused } from '../test-support/descent.js';

/**
 * Node flags that install a module resolver refusing 'mathjs' (it throws, naming the importer), so
 * a command that loads mathjs fails: the proof that a command without --expr never loads it.
 */
const hooks = `export async function resolve(s, c, next) {
  if (s === 'mathjs' || s.startsWith('mathjs/')) throw new Error('mathjs imported by ' + c.parentURL);
  return next(s, c);
}`;
const setup = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));`;
const refuseMathjs = ['--import', `data:text/javascript,${encodeURIComponent(setup)}`];

describe('--problem and --expr', () => {
  it.concurrent.each([
    'problems',
    'run --problem rosenbrock --optimizer lbfgs --steps 5',
    'compare --problem booth --optimizers gd,newton --steps 5',
    'analyze --problem saddle --at 0,0 --json',
  ])('descent %s never loads mathjs (it runs with mathjs refused)', async (command) => {
    const r = await descent(command.split(' '), { nodeArgs: refuseMathjs });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toBe('');
  });

  it.concurrent('--expr loads mathjs only then, through @descent/core/expression', async () => {
    const r = await descent(['analyze', '--expr', 'x^2 - y^2', '--at', '0,0'], { nodeArgs: refuseMathjs });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/mathjs imported by .*\/problems\/expression\.js/);
  });

  it.concurrent('a bad formula is still a usage error once fromExpression is loaded', async () => {
    expectRefused(
      await descent(['run', '--expr', 'x^2 +']),
      /^descent: Invalid expression "x\^2 \+" at position 6: Unexpected end of expression/,
    );
  });
});
