import { checkInRange, checkOptions, checkPositiveInteger, invalid } from '../validate.js';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface ConstantLROptions {
  /** The factor applied for the first `totalIters` steps, in (0, 1]. Default 1/3. */
  factor?: number;
  /** How many steps the factor applies (a positive integer). Default 5. */
  totalIters?: number;
  lastEpoch?: number;
}

/**
 * ConstantLR (torch.optim.lr_scheduler.ConstantLR): scales each group's rate by a constant factor
 * until step `totalIters`, then restores it.
 *
 *   η_t = η_0 · factor  for t < totalIters,   η_t = η_0  for t >= totalIters   (closed form)
 *   chainable: η_0 ← η·factor at t = 0, η ← η / factor at t = totalIters, unchanged otherwise
 *
 * torch accepts factor = 0 (and then divides by it at totalIters); here factor must be > 0.
 */
export class ConstantLR extends LRScheduler {
  readonly factor: number;
  readonly totalIters: number;

  constructor(optimizer: SchedulableOptimizer, options: ConstantLROptions = {}) {
    checkOptions('ConstantLR', options, ['factor', 'totalIters', 'lastEpoch']);
    const factor = checkInRange('factor', options.factor ?? 1 / 3, 0, 1);
    if (factor === 0) throw invalid('factor', factor, 'a number in (0, 1]');
    const totalIters = checkPositiveInteger('totalIters', options.totalIters ?? 5);
    super(optimizer, options.lastEpoch);
    this.factor = factor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1.0 / this.factor));
  }

  protected override closedFormLr(): number[] {
    const done = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((b) => b * (this.factor + done * (1 - this.factor)));
  }
}
