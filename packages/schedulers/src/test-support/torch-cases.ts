/**
 * The torch fixture (test/fixtures/torch_schedules.json, made by make_fixtures.py) and how to build
 * each of its cases: shared by the fixture test and the state-dict test.
 */
import { readFileSync } from 'node:fs';
import { ChainedScheduler } from '../schedulers/chained-scheduler.js';
import { ConstantLR } from '../schedulers/constant-lr.js';
import { CosineAnnealingLR } from '../schedulers/cosine-annealing-lr.js';
import { CosineAnnealingWarmRestarts } from '../schedulers/cosine-annealing-warm-restarts.js';
import { CyclicLR } from '../schedulers/cyclic-lr.js';
import { ExponentialLR } from '../schedulers/exponential-lr.js';
import { LambdaLR, type LrLambda } from '../schedulers/lambda-lr.js';
import { LinearLR } from '../schedulers/linear-lr.js';
import type { LRScheduler, SchedulableOptimizer } from '../schedulers/lr-scheduler.js';
import { MultiStepLR } from '../schedulers/multi-step-lr.js';
import { MultiplicativeLR } from '../schedulers/multiplicative-lr.js';
import { OneCycleLR } from '../schedulers/one-cycle-lr.js';
import { PolynomialLR } from '../schedulers/polynomial-lr.js';
import { ReduceLROnPlateau } from '../schedulers/reduce-lr-on-plateau.js';
import { SequentialLR } from '../schedulers/sequential-lr.js';
import { StepLR } from '../schedulers/step-lr.js';

export interface SchedulerSpec {
  type: string;
  options?: Record<string, unknown>;
  schedulers?: SchedulerSpec[];
}

export interface TorchCase {
  name: string;
  scheduler: SchedulerSpec;
  optimizer: 'sgd' | 'adam';
  groups: Array<{ lr: number; momentum?: number; betas?: [number, number] }>;
  steps: number;
  calls?: Array<number | null>;
  metrics?: number[];
  lr: number[][];
  momentum?: number[][];
}

/** A torch optimizer run under a scheduler on f(x) = ½ Σ a x² (make_fixtures.py's TRAINING). */
export interface TrainingCase {
  name: string;
  optimizer: { type: 'SGD' | 'Adam'; options: Record<string, unknown> };
  groups: Array<Record<string, unknown> & { lr: number }>;
  scheduler: SchedulerSpec;
  steps: number;
  /** x[k][g]: group g's parameter after step k + 1. */
  x: number[][][];
  lr: number[][];
}

export const fixture: {
  torch: string;
  cases: TorchCase[];
  training: { x0: number[][]; curvature: number[][]; cases: TrainingCase[] };
} = JSON.parse(readFileSync(new URL('../../test/fixtures/torch_schedules.json', import.meta.url), 'utf8'));

/** The same functions, under the same names, as make_fixtures.py's LAMBDAS. */
const LAMBDAS: Record<string, LrLambda> = {
  pow095: (e) => 0.95 ** e,
  stairs: (e) => 1.0 / (1 + Math.floor(e / 10)),
  const097: () => 0.97,
  alternate: (e) => (e % 2 === 0 ? 0.9 : 1.05),
};

const CLASSES: Record<string, new (o: SchedulableOptimizer, options: never) => LRScheduler> = {
  StepLR,
  MultiStepLR,
  ConstantLR,
  LinearLR,
  ExponentialLR,
  PolynomialLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  CyclicLR,
  OneCycleLR,
  LambdaLR,
  MultiplicativeLR,
};

/** A plain optimizer-shaped object with the case's groups (fresh copies). */
export function makeOptimizer(c: TorchCase): SchedulableOptimizer {
  return {
    paramGroups: c.groups.map((g) =>
      c.optimizer === 'sgd' ? { lr: g.lr, momentum: g.momentum ?? 0 } : { lr: g.lr, betas: [...g.betas!] },
    ),
  };
}

export function buildScheduler(
  spec: SchedulerSpec,
  opt: SchedulableOptimizer,
): LRScheduler | ReduceLROnPlateau {
  const options = { ...spec.options };
  if (typeof options.lrLambda === 'string') options.lrLambda = LAMBDAS[options.lrLambda];
  if (Array.isArray(options.lrLambda)) options.lrLambda = options.lrLambda.map((n: string) => LAMBDAS[n]);
  const children = () => (spec.schedulers ?? []).map((s) => buildScheduler(s, opt) as LRScheduler);
  if (spec.type === 'SequentialLR') {
    return new SequentialLR(opt, { schedulers: children(), milestones: options.milestones as number[] });
  }
  if (spec.type === 'ChainedScheduler') return new ChainedScheduler(children());
  if (spec.type === 'ReduceLROnPlateau') return new ReduceLROnPlateau(opt, options);
  const cls = CLASSES[spec.type];
  if (!cls) throw new Error(`no class for ${spec.type}`);
  return new cls(opt, options as never);
}

/** Steps the scheduler as the case did at step k (0-based). */
export function stepCase(c: TorchCase, s: LRScheduler | ReduceLROnPlateau, k: number): void {
  if (s instanceof ReduceLROnPlateau) s.step(c.metrics![k]);
  else if (c.calls && c.calls[k] !== null) s.step(c.calls[k]!);
  else s.step();
}

/** Every class the fixture must cover. */
export const CLASS_NAMES = [...Object.keys(CLASSES), 'SequentialLR', 'ChainedScheduler', 'ReduceLROnPlateau'];
