import { checkInRange, checkOptions, checkPositiveInteger, invalid } from '../validate.js';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface LinearLROptions {
  /** Factor at step 0, in (0, 1]. Default 1/3. */
  startFactor?: number;
  /** Factor from step totalIters on, in [0, 1]. Default 1. */
  endFactor?: number;
  /** Steps over which the factor moves from start to end (a positive integer). Default 5. */
  totalIters?: number;
  lastEpoch?: number;
}

/**
 * LinearLR (torch.optim.lr_scheduler.LinearLR): scales each group's rate by a factor that moves
 * linearly from `startFactor` to `endFactor` over `totalIters` steps (a linear warm-up or decay).
 *
 *   η_t = η_0 · (s + (e - s) · min(t, T) / T)                              (closed form)
 *   η_t = η_{t-1} · (1 + (e - s) / (T·s + (t - 1)(e - s)))  for 0 < t <= T   (chainable form)
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: SchedulableOptimizer, options: LinearLROptions = {}) {
    checkOptions('LinearLR', options, ['startFactor', 'endFactor', 'totalIters', 'lastEpoch']);
    const startFactor = checkInRange('startFactor', options.startFactor ?? 1 / 3, 0, 1);
    if (startFactor === 0) throw invalid('startFactor', startFactor, 'a number in (0, 1]');
    const endFactor = checkInRange('endFactor', options.endFactor ?? 1, 0, 1);
    const totalIters = checkPositiveInteger('totalIters', options.totalIters ?? 5);
    super(optimizer, options.lastEpoch);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { startFactor: s, endFactor: e, totalIters: T } = this;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * s);
    if (this.isInitial || this.lastEpoch > T) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1.0 + (e - s) / (T * s + (this.lastEpoch - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: T } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(T, this.lastEpoch)) / T));
  }
}
