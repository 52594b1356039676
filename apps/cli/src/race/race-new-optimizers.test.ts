/**
 * The optimizers added to the race (issue 18) each race Booth's function from its standard start
 * (f* = 0 at (1, 3)) at their class's default rate, 20,000 steps, and either converge or say they
 * stopped at the iteration limit. The reported f is f at the reported x, recomputed here.
 * Measured (gtol 1e-6): shampoo, adam8bit and schedule-free-sgd converge; soap, adamw8bit and
 * schedule-free-adamw get within 1e-6 of f* but not to gtol; the bf16 Adams stall (β2 v rounds
 * back to v in bf16, so v stops shrinking) and sophia's default weight decay 1e-2 holds it off x*.
 */
import { getProblem, type Problem } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../options/usage-error.js';
import { isFirstOrder, optimizerNames } from './optimizers.js';
import { outcomeOf, race } from './race.js';
import { runTrajectory } from './trajectory.js';

const added = [
  'shampoo',
  'soap',
  'adam8bit',
  'adamw8bit',
  'adam-bf16',
  'adamw-bf16',
  'schedule-free-sgd',
  'schedule-free-adamw',
  'sophia',
];
const converges = new Set(['shampoo', 'adam8bit', 'schedule-free-sgd']);
const withinTol = new Set([
  'shampoo',
  'adam8bit',
  'schedule-free-sgd',
  'soap',
  'adamw8bit',
  'schedule-free-adamw',
]);
const spec = { steps: 20000, gtol: 1e-6, tol: 1e-6 };

describe('the new optimizers race on a zoo problem', () => {
  it('are all known to the race (run, compare) as first-order names', () => {
    for (const name of added)
      expect([name, optimizerNames.includes(name), isFirstOrder(name)]).toEqual([name, true, true]);
  });

  it.each(added)('%s converges on booth or reports the iteration limit, honestly', (name) => {
    const problem = getProblem('booth');
    const x0 = problem.x0.slice();
    const [t] = race(problem, x0, [name], spec);
    expect(t.fun).toBe(problem.f(Float64Array.from(t.x)));
    expect(t.fun).toBeLessThan(problem.f(x0));
    if (converges.has(name)) {
      expect([t.converged, outcomeOf(t)]).toEqual([true, 'converged']);
      expect(t.nit).toBeLessThan(spec.steps);
    } else {
      expect([t.converged, t.nit, outcomeOf(t)]).toEqual([false, spec.steps, 'stopped: iteration limit']);
    }
    expect(t.stepsToTol !== null).toBe(withinTol.has(name));
    if (t.stepsToTol === null) expect(t.fun).toBeGreaterThan(spec.tol);
  });

  it('refuses sophia by name on a problem without a Hessian, giving the reason', () => {
    const booth = getProblem('booth');
    const noHessian = { ...booth, hessian: undefined } as unknown as Problem;
    expect(() => race(noHessian, booth.x0, ['sophia'], spec)).toThrow(UsageError);
    expect(() => race(noHessian, booth.x0, ['sophia'], spec)).toThrow(
      /sophia: .*needs Hessian-vector products/,
    );
  });

  it.each(['schedule-free-sgd', 'schedule-free-adamw', 'sophia'])(
    'refuses a --schedule for %s, by name',
    (name) => {
      const booth = getProblem('booth');
      expect(() =>
        runTrajectory(booth, booth.x0, { optimizer: name, ...spec, lr: 0.1, schedule: () => 0.1 } as never),
      ).toThrow(new RegExp(`--schedule does not apply to ${name}`));
    },
  );
});
