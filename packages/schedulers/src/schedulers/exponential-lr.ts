import { checkOptions, checkPositive } from '../validate.js';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface ExponentialLROptions {
  /** Multiplicative factor per step (> 0). */
  gamma: number;
  lastEpoch?: number;
}

/**
 * ExponentialLR (torch.optim.lr_scheduler.ExponentialLR): multiplies each group's rate by γ every step.
 *
 *   η_t = η_0 · γ^t            (closed form)
 *   η_t = γ · η_{t-1}          (chainable form)
 *
 * The notes' form η_t = η_0 e^{-αt} is the same schedule with γ = e^{-α}.
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: SchedulableOptimizer, options: ExponentialLROptions) {
    checkOptions('ExponentialLR', options, ['gamma', 'lastEpoch']);
    const gamma = checkPositive('gamma', options.gamma);
    super(optimizer, options.lastEpoch);
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    // a resumed scheduler's initial step must not move the rate one step ahead of itself
    if (this.isInitial) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}
