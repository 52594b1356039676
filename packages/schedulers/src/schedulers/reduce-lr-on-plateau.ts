import {
  checkNonNegative,
  checkNonNegativeInteger,
  checkOneOf,
  checkOptions,
  invalid,
  perGroup,
} from '../validate.js';
import { checkLike, checkOptimizer, type SchedulableOptimizer, type SchedulerState } from './lr-scheduler.js';

export interface ReduceLROnPlateauOptions {
  /** 'min': reduce when the metric stops falling (a loss); 'max': when it stops rising. Default 'min'. */
  mode?: 'min' | 'max';
  /** New rate = rate · factor, factor in (0, 1). Default 0.1. */
  factor?: number;
  /** Steps without improvement tolerated before reducing (an integer >= 0). Default 10. */
  patience?: number;
  /** How much better counts as better (>= 0). Default 1e-4. */
  threshold?: number;
  /** 'rel': better than best·(1 ∓ threshold); 'abs': better than best ∓ threshold. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting again (an integer >= 0). Default 0. */
  cooldown?: number;
  /** Lower bound of the rate, one for all groups or one per group. Default 0. */
  minLr?: number | number[];
  /** Reductions smaller than eps are skipped (>= 0). Default 1e-8. */
  eps?: number;
}

/**
 * ReduceLROnPlateau (torch.optim.lr_scheduler.ReduceLROnPlateau): the notes' "reduce the rate when
 * the loss stops falling". Each step(metric) compares the metric with the best so far:
 *
 *   better(a)  =  a < best·(1 - threshold)   (min, rel)     a < best - threshold   (min, abs)
 *                 a > best·(1 + threshold)   (max, rel)     a > best + threshold   (max, abs)
 *
 * A better metric becomes the best and resets the count of bad steps; otherwise the count grows.
 * During a cooldown bad steps are not counted. When the count exceeds `patience`, every group's rate
 * becomes max(η · factor, minLr), unless that changes it by eps or less, and the cooldown starts.
 * The constructor changes nothing (there is no initial step). `stateDict()` stores "no best yet" as
 * null (torch stores ±inf), so it survives JSON.
 */
export class ReduceLROnPlateau {
  readonly optimizer: SchedulableOptimizer;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly eps: number;
  minLrs: number[];
  /** The scalar minLr when one was given for all groups (torch's `default_min_lr`), else null. */
  defaultMinLr: number | null;
  lastEpoch = 0;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  private lastLr: number[];

  constructor(optimizer: SchedulableOptimizer, options: ReduceLROnPlateauOptions = {}) {
    checkOptions('ReduceLROnPlateau', options, [
      'mode',
      'factor',
      'patience',
      'threshold',
      'thresholdMode',
      'cooldown',
      'minLr',
      'eps',
    ]);
    const n = checkOptimizer(optimizer).paramGroups.length;
    const factor = options.factor ?? 0.1;
    if (typeof factor !== 'number' || !(factor > 0 && factor < 1)) {
      throw invalid('factor', factor, 'a number in (0, 1): the new rate is rate · factor');
    }
    const mode = checkOneOf('mode', options.mode ?? 'min', ['min', 'max'] as const);
    const thresholdMode = checkOneOf('thresholdMode', options.thresholdMode ?? 'rel', [
      'rel',
      'abs',
    ] as const);
    const threshold = checkNonNegative('threshold', options.threshold ?? 1e-4);
    const patience = checkNonNegativeInteger('patience', options.patience ?? 10);
    const cooldown = checkNonNegativeInteger('cooldown', options.cooldown ?? 0);
    const minLr = options.minLr ?? 0;
    const minLrs = perGroup('minLr', minLr, n, checkNonNegative);
    const eps = checkNonNegative('eps', options.eps ?? 1e-8);

    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.eps = eps;
    this.minLrs = minLrs;
    this.defaultMinLr = Array.isArray(minLr) ? null : minLr;
    this.best = this.modeWorse();
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** +∞ for 'min', -∞ for 'max': the best before any metric is seen. */
  private modeWorse(): number {
    return this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** Whether `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Feeds one value of the monitored metric (e.g. the validation loss after an epoch). */
  step(metric: number): void {
    if (typeof metric !== 'number' || Number.isNaN(metric)) {
      throw invalid('metric', metric, 'a number (not NaN)');
    }
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad steps in a cooldown are ignored
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.minLrs.length) {
      if (this.defaultMinLr === null) {
        throw new RangeError(
          `ReduceLROnPlateau: the optimizer has ${groups.length} param groups but minLr has ${this.minLrs.length} values (a group was added; set minLrs)`,
        );
      }
      this.minLrs = new Array<number>(groups.length).fill(this.defaultMinLr);
    }
    groups.forEach((g, i) => {
      const oldLr = g.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
      if (oldLr - newLr > this.eps) g.lr = newLr;
    });
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerState {
    const { optimizer: _optimizer, best, ...rest } = this;
    return {
      ...rest,
      minLrs: [...this.minLrs],
      lastLr: [...this.lastLr],
      best: Number.isFinite(best) ? best : null,
    };
  }

  loadStateDict(state: SchedulerState): void {
    if (!state || typeof state !== 'object' || Array.isArray(state)) {
      throw new TypeError('loadStateDict: expected an object made by stateDict()');
    }
    checkLike(this.stateDict(), state, "ReduceLROnPlateau's state");
    const self = this as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(state)) self[k] = Array.isArray(v) ? [...v] : v;
    if (state.best === null) this.best = this.modeWorse();
  }
}
