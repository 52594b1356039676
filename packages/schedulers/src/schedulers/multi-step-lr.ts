import { checkIncreasingIntegers, checkOptions, checkPositive } from '../validate.js';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface MultiStepLROptions {
  /** Steps at which the rate is multiplied by γ: strictly increasing integers >= 0. */
  milestones: number[];
  /** Multiplicative factor of the decay (> 0). Default 0.1. */
  gamma?: number;
  lastEpoch?: number;
}

/**
 * MultiStepLR (torch.optim.lr_scheduler.MultiStepLR): multiplies each group's rate by γ at every
 * milestone.
 *
 *   η_t = η_0 · γ^{#{m ∈ milestones : m <= t}}                      (closed form)
 *   η_t = γ · η_{t-1}  if t ∈ milestones,  else η_{t-1}                (chainable form)
 *
 * torch accepts repeated milestones (γ applied once per repetition) and unsorted lists; here they must
 * be strictly increasing, as torch's documentation asks, and a list that is not is rejected.
 */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;

  constructor(optimizer: SchedulableOptimizer, options: MultiStepLROptions) {
    checkOptions('MultiStepLR', options, ['milestones', 'gamma', 'lastEpoch']);
    const milestones = checkIncreasingIntegers('milestones', options.milestones, 0);
    const gamma = checkPositive('gamma', options.gamma ?? 0.1);
    super(optimizer, options.lastEpoch);
    this.milestones = milestones;
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (!this.milestones.includes(this.lastEpoch)) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}
