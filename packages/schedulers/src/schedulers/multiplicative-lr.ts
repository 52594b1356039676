import { checkOptions } from '../validate.js';
import { type LrLambda, lrLambdasFor } from './lambda-lr.js';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface MultiplicativeLROptions {
  /** The factor λ(t) applied at step t, or one function per param group. */
  lrLambda: LrLambda | LrLambda[];
  lastEpoch?: number;
}

/**
 * MultiplicativeLR (torch.optim.lr_scheduler.MultiplicativeLR): multiplies each group's rate by a
 * factor given by a function of the step.
 *
 *   η_t = η_{t-1} · λ(t)  for t > 0,  so  η_t = η_0 · Π_{k=1..t} λ(k)
 *
 * Like LambdaLR, the functions are not part of `stateDict()`.
 */
export class MultiplicativeLR extends LRScheduler {
  readonly lrLambdas: LrLambda[];

  constructor(optimizer: SchedulableOptimizer, options: MultiplicativeLROptions) {
    checkOptions('MultiplicativeLR', options, ['lrLambda', 'lastEpoch']);
    const lrLambdas = lrLambdasFor(optimizer, options.lrLambda);
    super(optimizer, options.lastEpoch);
    this.lrLambdas = lrLambdas;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.isInitial) return groups.map((g) => g.lr);
    return groups.map((g, i) => g.lr * this.lrLambdas[i](this.lastEpoch));
  }

  protected override nonStateKeys(): string[] {
    return ['lrLambdas'];
  }
}
