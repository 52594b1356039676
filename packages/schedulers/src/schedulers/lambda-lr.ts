import { checkOptions } from '../validate.js';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

/** A factor as a function of the step index t. */
export type LrLambda = (epoch: number) => number;

/** One function for every group, or one per group; throws naming `lrLambda` otherwise. */
export function lrLambdasFor(optimizer: SchedulableOptimizer, lrLambda: unknown): LrLambda[] {
  const n = optimizer.paramGroups.length;
  const list = Array.isArray(lrLambda) ? lrLambda : new Array(n).fill(lrLambda);
  if (list.length !== n) {
    throw new RangeError(
      `Invalid lrLambda: ${list.length} functions for ${n} param groups (expected one per group)`,
    );
  }
  list.forEach((f, i) => {
    if (typeof f !== 'function') throw new TypeError(`Invalid lrLambda: element ${i} is not a function`);
  });
  return list as LrLambda[];
}

export interface LambdaLROptions {
  /** λ(t), or one λ per param group. */
  lrLambda: LrLambda | LrLambda[];
  lastEpoch?: number;
}

/**
 * LambdaLR (torch.optim.lr_scheduler.LambdaLR): each group's rate is its base rate times a function
 * of the step.
 *
 *   η_t = η_0 · λ(t)
 *
 * Functions cannot be serialized: `stateDict()` holds everything else, and `loadStateDict()` expects
 * the scheduler to have been built with the same functions (torch saves only callable objects'
 * attributes, never plain functions or lambdas; a JS closure has no such attributes to save).
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: LrLambda[];

  constructor(optimizer: SchedulableOptimizer, options: LambdaLROptions) {
    checkOptions('LambdaLR', options, ['lrLambda', 'lastEpoch']);
    const lrLambdas = lrLambdasFor(optimizer, options.lrLambda);
    super(optimizer, options.lastEpoch);
    this.lrLambdas = lrLambdas;
    this.initialStep();
  }

  protected computeLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i](this.lastEpoch));
  }

  protected override nonStateKeys(): string[] {
    return ['lrLambdas'];
  }
}
