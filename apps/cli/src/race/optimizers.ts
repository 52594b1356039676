/**
 * The optimizers the CLI races, by the names minimize() knows, and the learning rate each gets
 * when none is given:
 *
 *   gd, sgd, momentum, nesterov     η = 1 / λ_max(∇²f(x0))   (the step that is exact along the
 *                                   steepest direction of the local quadratic; torch 1.13's SGD
 *                                   has no default rate)
 *   adam 1e-3, adamw 1e-3, adamax 2e-3, nadam 2e-3, radam 1e-3, adagrad 1e-2, adadelta 1.0,
 *   rmsprop 1e-2, rprop 1e-2, asgd 1e-2, adafactor 1e-2
 *                                   the class's own default, which is torch's (lion: 1e-4, the
 *                                   Lion paper's, as lion-pytorch; torch has no Lion)
 *   prodigy 1, dadapt-adam 1, adopt 1e-3, ademamix 1e-3, lamb 1e-3, lars 1, adan 1e-3
 *                                   the class's default, the authors' (prodigy and dadapt-adam
 *                                   estimate the step themselves; lr multiplies it)
 *   shampoo 1e-3, soap 3e-3, adam8bit 1e-3, adamw8bit 1e-3, adam-bf16 1e-3, adamw-bf16 1e-3,
 *   schedule-free-sgd 1, schedule-free-adamw 2.5e-3, sophia 1e-3
 *                                   the class's default. The problem's x is one vector: shampoo
 *                                   treats it as an n x 1 matrix (one n x n factor, L^(-1/2));
 *                                   soap leaves a vector unrotated (without precondition1d it is
 *                                   Adam). Schedule-free runs report the averaged x (eval()) and
 *                                   take a second gradient at y per step; sophia uses the problem's
 *                                   exact hessian (every zoo problem has one) every 10 steps
 *   lbfgs, bfgs, newton             no learning rate: a line search picks each step
 *
 * `--tune` replaces the default by a seeded search on the problem (tune.ts).
 */
import {
  ADOPT,
  Adadelta,
  Adafactor,
  Adagrad,
  Adam,
  Adam8bit,
  Adamax,
  AdamBf16,
  AdamW,
  AdamW8bit,
  AdamWBf16,
  Adan,
  AdEMAMix,
  ASGD,
  DAdaptAdam,
  hessian,
  LAMB,
  LARS,
  Lion,
  NAdam,
  type Optimizer,
  type Param,
  type Problem,
  Prodigy,
  param,
  RAdam,
  RMSprop,
  Rprop,
  ScheduleFreeAdamW,
  ScheduleFreeSGD,
  SGD,
  Shampoo,
  SOAP,
  Sophia,
} from '@descent/core';
import { eigvalsh } from '@descent/kernels';
import { maxAbs } from '../report/extent.js';

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
  prodigy: { cls: Prodigy, adaptive: true },
  'dadapt-adam': { cls: DAdaptAdam, adaptive: true },
  adopt: { cls: ADOPT, adaptive: true },
  ademamix: { cls: AdEMAMix, adaptive: true },
  lamb: { cls: LAMB, adaptive: true },
  lars: { cls: LARS, adaptive: false },
  adan: { cls: Adan, adaptive: true },
  shampoo: { cls: Shampoo, adaptive: true },
  soap: { cls: SOAP, adaptive: true },
  adam8bit: { cls: Adam8bit, adaptive: true },
  adamw8bit: { cls: AdamW8bit, adaptive: true },
  'adam-bf16': { cls: AdamBf16, adaptive: true },
  'adamw-bf16': { cls: AdamWBf16, adaptive: true },
  'schedule-free-sgd': { cls: ScheduleFreeSGD, adaptive: false },
  'schedule-free-adamw': { cls: ScheduleFreeAdamW, adaptive: true },
  sophia: { cls: Sophia, adaptive: true },
};

/** Optimizers the race runs only at a fixed rate (minimize's loop): their own step rules need it. */
export const noSchedule: Record<string, string> = {
  'schedule-free-sgd': 'schedule-free replaces the schedule by its averaging',
  'schedule-free-adamw': 'schedule-free replaces the schedule by its averaging',
  sophia: "sophia's Hessian refresh runs in minimize's loop, which has a fixed rate",
};

export const lineSearchMethods = ['lbfgs', 'bfgs', 'newton'] as const;

export const optimizerNames: readonly string[] = [...Object.keys(firstOrder), ...lineSearchMethods];

export function isFirstOrder(name: string): boolean {
  return Object.hasOwn(firstOrder, name);
}

/** The SGD family: no default rate of its own (torch 1.13 requires one), so 1/λ_max. */
const curvatureRate = new Set(['gd', 'sgd', 'momentum', 'nesterov']);

/** The optimizer class's default learning rate (torch's), or undefined for the SGD family. */
export function defaultLr(name: string): number | undefined {
  if (!isFirstOrder(name) || curvatureRate.has(name)) return undefined;
  const { cls, implied } = firstOrder[name];
  return new cls([param(new Float64Array(1))], { ...implied }).paramGroups[0].lr;
}

/** The learning rate `name` gets on `problem` from `x0` when the user gives none (see above). */
export function automaticLr(name: string, problem: Problem, x0: Float64Array): number | undefined {
  if (!isFirstOrder(name)) return undefined;
  const own = defaultLr(name);
  if (own !== undefined) return own;
  const H = hessian(problem, x0);
  const top = maxAbs(eigvalsh(H));
  return Number.isFinite(top) && top > 0 ? Number((1 / top).toPrecision(3)) : 1e-3;
}

/** What --optimizer's help says of the optimizers whose behaviour on one vector x is not obvious. */
export const optimizerNotes =
  "shampoo preconditions the vector x as an n x 1 matrix (one n x n factor); soap leaves a vector unrotated (it is Adam then); schedule-free-* report the averaged x; sophia uses the problem's exact Hessian";
