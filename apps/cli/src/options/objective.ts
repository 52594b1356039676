/**
 * `--problem NAME` (the zoo, `descent problems`) or `--expr "x^2 - y^2"` (symbolic gradient and
 * Hessian by fromExpression), optionally `--dim N` for the n-dimensional problems and
 * `--start x,y` for the starting point.
 *
 * fromExpression is imported only when --expr is given: its module, @descent/core/expression,
 * loads mathjs, which costs most of a second at every start of the command.
 */
import { getProblem, listProblems, type Problem } from '@descent/core';
import { z } from 'zod';
import { int } from './settings.js';
import { UsageError, unknownNameError } from './usage-error.js';

export const objectiveSettings = {
  problem: z.string().optional(),
  expr: z.string().optional(),
  dim: int('dim', 1).optional(),
};

export interface ObjectiveSettings {
  problem?: string;
  expr?: string;
  dim?: number;
}

export async function resolveObjective(s: ObjectiveSettings): Promise<Problem> {
  if (s.problem !== undefined && s.expr !== undefined) {
    throw new UsageError('Give either --problem or --expr, not both');
  }
  if (s.expr !== undefined) {
    const { fromExpression } = await import('@descent/core/expression');
    try {
      return fromExpression(s.expr);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (s.problem === undefined)
    throw new UsageError('Missing --problem NAME or --expr "formula" (see descent problems)');
  if (!listProblems().includes(s.problem)) throw unknownNameError('problem', s.problem, listProblems());
  try {
    return getProblem(s.problem, s.dim === undefined ? {} : { n: s.dim });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The start: --start (analyze: --at) if given, its length checked against the problem, else x0. */
export function resolveStart(problem: Problem, start: number[] | undefined, flag = 'start'): Float64Array {
  if (start === undefined) return problem.x0.slice();
  if (start.length !== problem.dim) {
    throw new UsageError(
      `--${flag} has ${start.length} coordinates, but ${problem.name} has ${problem.dim} variables`,
    );
  }
  return Float64Array.from(start);
}
