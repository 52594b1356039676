import { checkOptions, checkPositive, checkPositiveInteger } from '../validate.js';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface StepLROptions {
  /** Period of the decay, in steps (a positive integer). */
  stepSize: number;
  /** Multiplicative factor of the decay (> 0). Default 0.1. */
  gamma?: number;
  lastEpoch?: number;
}

/**
 * StepLR (torch.optim.lr_scheduler.StepLR): multiplies each group's rate by γ every `stepSize` steps.
 *
 *   η_t = η_0 · γ^⌊t / stepSize⌋                                    (closed form)
 *   η_t = γ · η_{t-1}  if t > 0 and t mod stepSize = 0,  else η_{t-1}   (chainable form, used by step())
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: SchedulableOptimizer, options: StepLROptions) {
    checkOptions('StepLR', options, ['stepSize', 'gamma', 'lastEpoch']);
    const stepSize = checkPositiveInteger('stepSize', options.stepSize);
    const gamma = checkPositive('gamma', options.gamma ?? 0.1);
    super(optimizer, options.lastEpoch);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}
