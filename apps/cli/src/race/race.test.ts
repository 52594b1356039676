import { getProblem, minimize } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { isFirstOrder, optimizerNames } from './optimizers.js';
import { limitOf, outcomeOf, race } from './race.js';

describe("the race's outcome column names the limit that stopped a run", () => {
  it('says "stopped: iteration limit" for every raced optimizer stopped after 3 steps on Rosenbrock', () => {
    const problem = getProblem('rosenbrock');
    const x0 = Float64Array.from([-1.2, 1]);
    const spec = { steps: 3, gtol: 1e-12, tol: 1e-8 };
    const runs = optimizerNames.flatMap((name) =>
      race(problem, x0, [name], isFirstOrder(name) ? { ...spec, lr: 1e-4 } : spec),
    );
    for (const t of runs) {
      expect([t.optimizer, t.nit, t.converged]).toEqual([t.optimizer, 3, false]);
      expect([t.optimizer, outcomeOf(t)]).toEqual([t.optimizer, 'stopped: iteration limit']);
    }
  });

  it.each([
    ['lbfgs', 'STOP: TOTAL NO. of ITERATIONS REACHED LIMIT'],
    ['bfgs', 'Maximum number of iterations reached'],
    ['nelder-mead', 'Maximum number of iterations has been exceeded.'],
    ['powell', 'Maximum number of iterations has been exceeded.'],
    ['newton-cg', 'Warning: Maximum number of iterations has been exceeded.'],
  ])("reads %s's own iteration-limit message (%s) as the iteration limit", (method, words) => {
    const r = minimize(getProblem('rosenbrock'), Float64Array.from([-1.2, 1]), {
      method,
      maxIter: 2,
    } as never);
    expect(r.message).toBe(words);
    expect(limitOf(r.message)).toBe('iteration');
  });

  it('reads every evaluation-limit wording as the evaluation limit, and nothing else as a limit', () => {
    for (const m of [
      'Maximum number of function evaluations has been exceeded.',
      'Maximum number of function evaluations reached',
      'STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT',
    ])
      expect(limitOf(m)).toBe('evaluation');
    expect(limitOf('Desired error not necessarily achieved due to precision loss.')).toBeUndefined();
    expect(limitOf('Gradient norm <= gtol')).toBeUndefined();
  });
});
