/**
 * The optimizers the CLI races, by the names minimize() knows, and the learning rate each gets
 * when none is given:
 *
 *   gd, sgd, momentum, nesterov, rprop, asgd   η = 1 / λ_max(∇²f(x0))     (the step that is exact
 *                                               along the steepest direction of the local quadratic)
 *   adam, adamw, adamax, nadam, radam, adagrad, rmsprop, adadelta, adafactor, lion
 *                                              η = 0.01 · the widest side of the problem's box
 *                                               (their steps are about η per coordinate)
 *   lbfgs, bfgs, newton                        no learning rate: a line search picks each step
 */
import {
  Adadelta,
  Adafactor,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  ASGD,
  hessian,
  Lion,
  NAdam,
  type Optimizer,
  type Param,
  type Problem,
  RAdam,
  RMSprop,
  Rprop,
  SGD,
} from '@descent/core';
import { eigvalsh } from '@descent/kernels';
import { maxAbs, maxOf } from '../report/extent.js';

// biome-ignore lint/suspicious/noExplicitAny: each optimizer class has its own options type
type OptimizerClass = new (params: Param[], options: any) => Optimizer<{ lr: number }>;

/** First-order optimizers: the class and the options their name implies (as minimize's). */
export const firstOrder: Record<
  string,
  { cls: OptimizerClass; implied?: Record<string, unknown>; adaptive: boolean }
> = {
  gd: { cls: SGD, adaptive: false },
  sgd: { cls: SGD, adaptive: false },
  momentum: { cls: SGD, implied: { momentum: 0.9 }, adaptive: false },
  nesterov: { cls: SGD, implied: { momentum: 0.9, nesterov: true }, adaptive: false },
  adam: { cls: Adam, adaptive: true },
  adamw: { cls: AdamW, adaptive: true },
  adamax: { cls: Adamax, adaptive: true },
  nadam: { cls: NAdam, adaptive: true },
  radam: { cls: RAdam, adaptive: true },
  adagrad: { cls: Adagrad, adaptive: true },
  adadelta: { cls: Adadelta, adaptive: true },
  adafactor: { cls: Adafactor, adaptive: true },
  rmsprop: { cls: RMSprop, adaptive: true },
  rprop: { cls: Rprop, adaptive: false },
  asgd: { cls: ASGD, adaptive: false },
  lion: { cls: Lion, adaptive: true },
};

export const lineSearchMethods = ['lbfgs', 'bfgs', 'newton'] as const;

export const optimizerNames: readonly string[] = [...Object.keys(firstOrder), ...lineSearchMethods];

export function isFirstOrder(name: string): boolean {
  return Object.hasOwn(firstOrder, name);
}

/** The learning rate `name` gets on `problem` from `x0` when the user gives none (see above). */
export function automaticLr(name: string, problem: Problem, x0: Float64Array): number | undefined {
  if (!isFirstOrder(name)) return undefined;
  if (firstOrder[name].adaptive) {
    return 0.01 * maxOf(problem.domain.map(([lo, hi]) => hi - lo));
  }
  const H = hessian(problem, x0);
  const top = maxAbs(eigvalsh(H));
  return Number.isFinite(top) && top > 0 ? Number((1 / top).toPrecision(3)) : 1e-3;
}
