/**
 * The problem zoo by name: `getProblem('rosenbrock', { n: 10 })`, `listProblems()`.
 * (The general `quadratic(A, b)` and `fromExpression(...)` take arguments and are not listed.)
 */
import { beale, booth, goldsteinPrice, himmelblau, sixHumpCamel } from './classic-2d.js';
import { ackley, rastrigin, rosenbrock, styblinskiTang } from './classic-nd.js';
import {
  biggsExp6,
  brownBadlyScaled,
  freudensteinRoth,
  helicalValley,
  powellBadlyScaled,
  powellSingular,
  watson,
  wood,
} from './more-garbow-hillstrom.js';
import {
  cube,
  hyperbolicTangent,
  illConditionedQuadratic,
  monkeySaddle,
  saddle,
  square,
  xCos,
} from './notes.js';
import type { Problem } from './problem.js';

export interface ProblemOptions {
  /** Dimension for the n-dimensional problems (ignored by fixed-size ones, which must match if given). */
  n?: number;
  /** Frequency c of x cos(c x). */
  c?: number;
}

/** Factories by registry name. */
export const problems: Readonly<Record<string, (options?: ProblemOptions) => Problem>> = Object.freeze({
  square: () => square(),
  cube: () => cube(),
  'x-cos': (o?: ProblemOptions) => xCos(o?.c),
  tanh: () => hyperbolicTangent(),
  saddle: () => saddle(),
  'monkey-saddle': () => monkeySaddle(),
  'ill-conditioned': () => illConditionedQuadratic(),
  rosenbrock: (o?: ProblemOptions) => rosenbrock(o?.n),
  beale: () => beale(),
  booth: () => booth(),
  himmelblau: () => himmelblau(),
  rastrigin: (o?: ProblemOptions) => rastrigin(o?.n),
  ackley: (o?: ProblemOptions) => ackley(o?.n),
  'styblinski-tang': (o?: ProblemOptions) => styblinskiTang(o?.n),
  'six-hump-camel': () => sixHumpCamel(),
  'goldstein-price': () => goldsteinPrice(),
  'freudenstein-roth': () => freudensteinRoth(),
  'powell-badly-scaled': () => powellBadlyScaled(),
  'brown-badly-scaled': () => brownBadlyScaled(),
  'helical-valley': () => helicalValley(),
  'powell-singular': (o?: ProblemOptions) => powellSingular(o?.n),
  wood: () => wood(),
  'biggs-exp6': () => biggsExp6(),
  watson: (o?: ProblemOptions) => watson(o?.n),
});

/** The registry's names, in the order above (the notes, the classics, then MGH). */
export function listProblems(): string[] {
  return Object.keys(problems);
}

/** A fresh problem by name; throws a RangeError naming the unknown name or the mismatched n. */
export function getProblem(name: string, options: ProblemOptions = {}): Problem {
  const factory = Object.hasOwn(problems, name) ? problems[name] : undefined;
  if (!factory) {
    throw new RangeError(`Unknown problem: ${JSON.stringify(name)} (known: ${listProblems().join(', ')})`);
  }
  const problem = factory(options);
  if (options.n !== undefined && options.n !== problem.dim) {
    throw new RangeError(`Invalid dimension for ${name}: ${options.n} (${name} has dim ${problem.dim})`);
  }
  return problem;
}
