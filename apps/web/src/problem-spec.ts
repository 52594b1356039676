/**
 * A function on the page, named so that it can cross to the worker and into the URL: a problem of
 * @descent/core's zoo by name, or a typed formula f(x, y) on the square [−r, r]².
 *
 *   { name: 'rosenbrock' }                 getProblem(name), its own start and plotting box
 *   { expression: 'x^2 - y^2', radius: 2 } fromExpression(text, { domain: [−r, r]², x0: (r/2, r/3) })
 *
 * fromExpression comes from `@descent/core/expression`, imported dynamically: it brings mathjs,
 * most of the page's JavaScript, which Vite puts in a chunk of its own fetched only when a formula
 * is first used. So `resolveProblem` is asynchronous.
 */
import { getProblem, listProblems, type Problem } from '@descent/core';
import type { Domain } from './surface.js';

export type ProblemSpec = { name: string } | { expression: string; radius: number };

type ExpressionModule = typeof import('@descent/core/expression');
let expressionModule: Promise<ExpressionModule> | undefined;

/** `@descent/core/expression`, fetched once (a failed fetch is tried again at the next call). */
export function loadExpressionModule(): Promise<ExpressionModule> {
  expressionModule ??= import('@descent/core/expression').catch((e: unknown) => {
    expressionModule = undefined;
    throw e;
  });
  return expressionModule;
}

/** The zoo's problems of dimension 2, by name. */
export const twoDimensionalProblems: string[] = listProblems().filter((name) => getProblem(name).dim === 2);

/** The problem and its plotting box; a RangeError (or the formula's SyntaxError) naming what is wrong. */
export async function resolveProblem(spec: ProblemSpec): Promise<{ problem: Problem; domain: Domain }> {
  if ('name' in spec) {
    if (!twoDimensionalProblems.includes(spec.name)) {
      throw new RangeError(
        `Unknown function: ${spec.name} (expected one of ${twoDimensionalProblems.join(', ')})`,
      );
    }
    const problem = getProblem(spec.name);
    return { problem, domain: problem.domain as Domain };
  }
  const r = spec.radius;
  if (!(r > 0) || !Number.isFinite(r)) throw new RangeError(`Invalid r: ${r} (expected a number > 0)`);
  const domain: Domain = [
    [-r, r],
    [-r, r],
  ];
  const { fromExpression } = await loadExpressionModule();
  // parsed once without a box to count the variables, so that the message names them
  const { dim, variables } = fromExpression(spec.expression);
  if (dim !== 2) {
    throw new RangeError(
      `The formula has ${dim} variable${dim === 1 ? '' : 's'} (${variables.join(', ')}); the plot needs two`,
    );
  }
  return { problem: fromExpression(spec.expression, { domain, x0: [r / 2, r / 3] }), domain };
}
