import { describe, expect, it } from 'vitest';
import { descent, expectRefused } from '../test-support/descent.js';
import { expressionVariables, resolveObjective } from './objective.js';

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

describe('--expr says which symbols are constants and lets the user choose', () => {
  const at = (p: { f(x: Float64Array): number }, x: number[]) => p.f(Float64Array.from(x));

  it('keeps e as Euler’s number by default and says so in a note naming the way out', async () => {
    const r = await expressionVariables({ expr: 'a+b+c+d+e^2' });
    expect(r.variables).toBeUndefined();
    expect(r.note).toBe(
      `in --expr, the constant e = ${Math.E} is not a variable; --constants none (or --vars a,b,c,d,e) makes it one`,
    );
    const p = await resolveObjective({ expr: 'a+b+c+d+e^2', quiet: true });
    expect(p.dim).toBe(4);
    expect(at(p, [1, 1, 1, 1])).toBeCloseTo(4 + Math.E ** 2, 12);
  });

  it('--constants none makes every symbol a variable, in order of appearance', async () => {
    const p = await resolveObjective({ expr: 'a+b+c+d+e^2', constants: ['none'] });
    expect(p.dim).toBe(5);
    expect(at(p, [1, 2, 3, 4, 5])).toBe(1 + 2 + 3 + 4 + 25);
    const g = p.grad(Float64Array.from([1, 2, 3, 4, 5]), new Float64Array(5));
    expect(Array.from(g)).toEqual([1, 1, 1, 1, 10]);
  });

  it('--constants pi keeps pi and frees e; --vars names the variables and their order', async () => {
    const p = await resolveObjective({ expr: 'pi*x + e*y', constants: ['pi'] });
    expect(at(p, [2, 3, 5])).toBeCloseTo(Math.PI * 2 + 3 * 5, 12); // variables x, e, y
    const q = await resolveObjective({ expr: 'pi*x + e*y', vars: ['y', 'x', 'e', 'pi'] });
    expect(at(q, [5, 2, 3, 7])).toBe(7 * 2 + 3 * 5);
  });

  it('refuses --constants naming no constant of the formula, and the flags without --expr', async () => {
    await expect(expressionVariables({ expr: 'x+e', constants: ['phi'] })).rejects.toThrow(
      /--constants: phi is not a named constant of --expr "x\+e" \(its constants: e; write none/,
    );
    await expect(resolveObjective({ problem: 'booth', vars: ['x'] })).rejects.toThrow(
      /--vars applies to --expr formulas/,
    );
    await expect(expressionVariables({ expr: 'x', vars: ['x'], constants: ['none'] })).rejects.toThrow(
      /either --vars or --constants/,
    );
  });
});
