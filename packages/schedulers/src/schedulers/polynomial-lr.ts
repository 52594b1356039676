import { checkOptions, checkPositive, checkPositiveInteger } from '../validate.js';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface PolynomialLROptions {
  /** Steps until the rate reaches 0 (a positive integer). Default 5. */
  totalIters?: number;
  /** The polynomial's power p (> 0). Default 1. */
  power?: number;
  lastEpoch?: number;
}

/**
 * PolynomialLR (torch.optim.lr_scheduler.PolynomialLR): decays each group's rate to 0 over
 * `totalIters` steps along a polynomial.
 *
 *   η_t = η_0 · (1 - min(t, T) / T)^p                                        (closed form)
 *   η_t = η_{t-1} · ((1 - t/T) / (1 - (t - 1)/T))^p  for 0 < t <= T           (chainable form)
 */
export class PolynomialLR extends LRScheduler {
  readonly totalIters: number;
  readonly power: number;

  constructor(optimizer: SchedulableOptimizer, options: PolynomialLROptions = {}) {
    checkOptions('PolynomialLR', options, ['totalIters', 'power', 'lastEpoch']);
    const totalIters = checkPositiveInteger('totalIters', options.totalIters ?? 5);
    const power = checkPositive('power', options.power ?? 1);
    super(optimizer, options.lastEpoch);
    this.totalIters = totalIters;
    this.power = power;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const T = this.totalIters;
    if (this.isInitial || this.lastEpoch > T) return groups.map((g) => g.lr);
    const decay = ((1.0 - this.lastEpoch / T) / (1.0 - (this.lastEpoch - 1) / T)) ** this.power;
    return groups.map((g) => g.lr * decay);
  }

  protected override closedFormLr(): number[] {
    const T = this.totalIters;
    return this.baseLrs.map((b) => b * (1.0 - Math.min(T, this.lastEpoch) / T) ** this.power);
  }
}
