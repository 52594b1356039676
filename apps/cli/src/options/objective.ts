/**
 * `--problem NAME` (the zoo, `descent problems`) or `--expr "x^2 - y^2"` (symbolic gradient and
 * Hessian by fromExpression), optionally `--dim N` for the n-dimensional problems and
 * `--start x,y` for the starting point.
 *
 * In a formula, mathjs' named constants (e, pi, phi, tau, ...) are constants unless the user says
 * otherwise, and the command says so on stderr ("e is Euler's number here"): `--constants none` (or
 * a list, e.g. `--constants pi`) makes the others variables, `--vars a,b,e` names the variables and
 * their order outright.
 *
 * fromExpression is imported only when --expr is given: its module, @descent/core/expression,
 * loads mathjs, which costs most of a second at every start of the command.
 */
import { getProblem, listProblems, type Problem } from '@descent/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { int, names } from './settings.js';
import { UsageError, unknownNameError } from './usage-error.js';

export const objectiveSettings = {
  problem: z.string().optional(),
  expr: z.string().optional(),
  dim: int('dim', 1).optional(),
  vars: names('vars').optional(),
  constants: names('constants').optional(),
};

export interface ObjectiveSettings {
  problem?: string;
  expr?: string;
  dim?: number;
  vars?: string[];
  constants?: string[];
  quiet?: boolean;
}

/** Adds --vars and --constants (what the symbols of --expr are) to a command that has --expr. */
export function withExpressionSymbols(cmd: Command): Command {
  return cmd
    .option('--vars <names>', 'the variables of --expr and their order, e.g. a,b,e (any name, e and pi too)')
    .option(
      '--constants <names>',
      'which named constants of --expr stay constants: e.g. pi, or none (default: all, e.g. e and pi, with a note)',
    );
}

/** The symbols of `expr` (not function names), by first appearance, and which are mathjs constants. */
export async function expressionSymbols(expr: string): Promise<{ symbol: string; value?: number }[]> {
  const math = (await import('mathjs')) as unknown as Record<string, unknown> & {
    parse(text: string): {
      traverse(f: (n: { type: string; name?: string }, path: string) => void): void;
    };
  };
  let node: ReturnType<typeof math.parse>;
  try {
    node = math.parse(expr);
  } catch {
    return []; // fromExpression reports the syntax error with its position
  }
  const found = new Set<string>();
  node.traverse((n, path) => {
    if (n.type === 'SymbolNode' && path !== 'fn' && n.name) found.add(n.name);
  });
  const at = (name: string) => {
    const m = new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])(?!\\s*\\()`).exec(expr);
    return m ? m.index : expr.length;
  };
  return [...found]
    .sort((a, b) => at(a) - at(b))
    .map((symbol) => {
      const value = math[symbol];
      return typeof value === 'number' ? { symbol, value } : { symbol };
    });
}

/**
 * The variables fromExpression gets for --expr, or undefined for its own choice (every symbol but
 * the constants), and the note that says which symbols are constants.
 */
export async function expressionVariables(
  s: ObjectiveSettings & { expr: string },
): Promise<{ variables?: string[]; note?: string }> {
  if (s.vars !== undefined && s.constants !== undefined) {
    throw new UsageError('Give either --vars or --constants, not both (--vars names every variable)');
  }
  if (s.vars !== undefined) return { variables: s.vars };
  const symbols = await expressionSymbols(s.expr);
  const constants = symbols.filter((x) => x.value !== undefined);
  if (s.constants !== undefined) {
    const keep = s.constants.length === 1 && s.constants[0] === 'none' ? [] : s.constants;
    const named = constants.map((c) => c.symbol);
    const stray = keep.find((k) => !named.includes(k));
    if (stray !== undefined) {
      throw new UsageError(
        `Invalid value for --constants: ${stray} is not a named constant of --expr "${s.expr}" (its constants: ${named.join(', ') || 'none'}; write none to make them all variables)`,
      );
    }
    return { variables: symbols.filter((x) => !keep.includes(x.symbol)).map((x) => x.symbol) };
  }
  if (constants.length === 0) return {};
  const which = constants.map((c) => `${c.symbol} = ${c.value}`).join(', ');
  return {
    note: `in --expr, ${constants.length === 1 ? 'the constant' : 'the constants'} ${which} ${constants.length === 1 ? 'is not a variable' : 'are not variables'}; --constants none (or --vars ${symbols.map((x) => x.symbol).join(',')}) makes ${constants.length === 1 ? 'it one' : 'them variables'}`,
  };
}

export async function resolveObjective(s: ObjectiveSettings): Promise<Problem> {
  if (s.problem !== undefined && s.expr !== undefined) {
    throw new UsageError('Give either --problem or --expr, not both');
  }
  if (s.expr === undefined && (s.vars !== undefined || s.constants !== undefined)) {
    throw new UsageError(`--${s.vars !== undefined ? 'vars' : 'constants'} applies to --expr formulas`);
  }
  if (s.expr !== undefined) {
    const { fromExpression } = await import('@descent/core/expression');
    const { variables, note } = await expressionVariables({ ...s, expr: s.expr });
    if (note && !s.quiet) process.stderr.write(`descent: note: ${note}\n`);
    try {
      return fromExpression(s.expr, variables === undefined ? {} : { variables });
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
