import {
  checkBoolean,
  checkNonNegative,
  checkOneOf,
  checkOptions,
  checkPositive,
  checkPositiveInteger,
  perGroup,
} from '../validate.js';
import { checkLastEpoch, checkOptimizer, LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';
import { momentumTargets, writeMomentum } from './momentum.js';

export type CyclicMode = 'triangular' | 'triangular2' | 'exp_range';

export interface CyclicLROptions {
  /** Lower bound of the cycle (per group, or one for all). */
  baseLr: number | number[];
  /** Upper bound of the cycle (per group, or one for all). */
  maxLr: number | number[];
  /** Steps in the rising half of a cycle (a positive integer). Default 2000. */
  stepSizeUp?: number;
  /** Steps in the falling half. Default stepSizeUp. */
  stepSizeDown?: number;
  /** Amplitude policy. Default 'triangular'. Ignored when scaleFn is given. */
  mode?: CyclicMode;
  /** γ of 'exp_range' (> 0). Default 1. */
  gamma?: number;
  /** Custom amplitude scaling, 0 <= scaleFn(x) <= 1 (not part of stateDict()). */
  scaleFn?: (x: number) => number;
  /** Whether scaleFn gets the cycle number or the step index. Default 'cycle'. */
  scaleMode?: 'cycle' | 'iterations';
  /** Cycle momentum (SGD, RMSprop) or β1 (Adam family) inversely to the rate. Default true. */
  cycleMomentum?: boolean;
  /** Momentum at the rate's peak. Default 0.8. */
  baseMomentum?: number | number[];
  /** Momentum at the rate's trough. Default 0.9. */
  maxMomentum?: number | number[];
  lastEpoch?: number;
}

/**
 * CyclicLR (torch.optim.lr_scheduler.CyclicLR; Smith, "Cyclical Learning Rates", 2017): the rate
 * cycles between baseLr and maxLr, one cycle = stepSizeUp + stepSizeDown steps.
 *
 *   cycle = ⌊1 + t / S⌋,  x = 1 + t/S - cycle                          (S = up + down, r = up / S)
 *   s = x / r  if x <= r,  else (x - 1) / (r - 1)                           (0 → 1 → 0 over a cycle)
 *   η_t = η_base + (η_max - η_base) · s · f(cycle or t)
 *   m_t = m_max - (m_max - m_base) · s · f(cycle or t)                    (when cycleMomentum)
 *
 * with f = 1 ('triangular'), 1 / 2^(cycle-1) ('triangular2'), γ^t ('exp_range') or scaleFn.
 * Momentum goes to each group's `momentum`, or to `betas[0]` for groups with betas (Adam family), as
 * in current torch (1.13 refused Adam). Sets each group's lr to baseLr, and records `maxMomentum` and
 * `baseMomentum` in each group, as torch does.
 */
export class CyclicLR extends LRScheduler {
  readonly maxLrs: number[];
  readonly totalSize: number;
  readonly stepRatio: number;
  readonly mode: CyclicMode;
  readonly gamma: number;
  readonly scaleMode: 'cycle' | 'iterations';
  readonly scaleFnCustom: ((x: number) => number) | undefined;
  readonly cycleMomentum: boolean;
  readonly baseMomentums: number[];
  readonly maxMomentums: number[];
  /** Per group: whether β1 (betas[0]) is cycled instead of momentum. */
  readonly useBeta1: boolean[];

  constructor(optimizer: SchedulableOptimizer, options: CyclicLROptions) {
    checkOptions('CyclicLR', options, [
      'baseLr',
      'maxLr',
      'stepSizeUp',
      'stepSizeDown',
      'mode',
      'gamma',
      'scaleFn',
      'scaleMode',
      'cycleMomentum',
      'baseMomentum',
      'maxMomentum',
      'lastEpoch',
    ]);
    const n = checkOptimizer(optimizer).paramGroups.length;
    const lastEpoch = checkLastEpoch(optimizer, options.lastEpoch ?? -1);
    const baseLrs = perGroup('baseLr', options.baseLr, n, checkNonNegative);
    const maxLrs = perGroup('maxLr', options.maxLr, n, checkNonNegative);
    const up = checkPositiveInteger('stepSizeUp', options.stepSizeUp ?? 2000);
    const down = checkPositiveInteger('stepSizeDown', options.stepSizeDown ?? up);
    const scaleFn = options.scaleFn;
    if (scaleFn !== undefined && typeof scaleFn !== 'function') {
      throw new TypeError('Invalid scaleFn: expected a function');
    }
    const mode = scaleFn
      ? ((options.mode ?? 'triangular') as CyclicMode)
      : checkOneOf('mode', options.mode ?? 'triangular', ['triangular', 'triangular2', 'exp_range'] as const);
    const gamma = checkPositive('gamma', options.gamma ?? 1);
    const scaleMode = scaleFn
      ? checkOneOf('scaleMode', options.scaleMode ?? 'cycle', ['cycle', 'iterations'] as const)
      : mode === 'exp_range'
        ? 'iterations'
        : 'cycle';
    const cycleMomentum = checkBoolean('cycleMomentum', options.cycleMomentum ?? true);
    const baseMomentums = perGroup('baseMomentum', options.baseMomentum ?? 0.8, n, checkNonNegative);
    const maxMomentums = perGroup('maxMomentum', options.maxMomentum ?? 0.9, n, checkNonNegative);
    const useBeta1 = cycleMomentum ? momentumTargets(optimizer, 'cycleMomentum') : [];

    super(optimizer, lastEpoch, () => {
      if (lastEpoch !== -1) return;
      optimizer.paramGroups.forEach((g, i) => {
        g.lr = baseLrs[i];
        if (!cycleMomentum) return;
        writeMomentum(g, useBeta1[i], maxMomentums[i]);
        g.maxMomentum = maxMomentums[i];
        g.baseMomentum = baseMomentums[i];
      });
    });
    this.maxLrs = maxLrs;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = mode;
    this.gamma = gamma;
    this.scaleMode = scaleMode;
    this.scaleFnCustom = scaleFn;
    this.cycleMomentum = cycleMomentum;
    this.baseMomentums = baseMomentums;
    this.maxMomentums = maxMomentums;
    this.useBeta1 = useBeta1;
    // torch makes the initial step with the groups' initialLr as base, then switches to baseLr
    this.initialStep();
    this.baseLrs = baseLrs;
  }

  /** The amplitude scaling f(x). */
  scaleFn(x: number): number {
    if (this.scaleFnCustom) return this.scaleFnCustom(x);
    if (this.mode === 'triangular') return 1.0;
    if (this.mode === 'triangular2') return 1 / 2.0 ** (x - 1);
    return this.gamma ** x;
  }

  protected computeLr(): number[] {
    const t = this.lastEpoch;
    const cycle = Math.floor(1 + t / this.totalSize);
    const x = 1.0 + t / this.totalSize - cycle;
    const s = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const f = this.scaleFn(this.scaleMode === 'cycle' ? cycle : t);
    const lrs = this.baseLrs.map((b, i) => b + (this.maxLrs[i] - b) * s * f);
    if (this.cycleMomentum) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const height = (this.maxMomentums[i] - this.baseMomentums[i]) * s;
        writeMomentum(g, this.useBeta1[i], this.maxMomentums[i] - height * f);
      });
    }
    return lrs;
  }

  protected override nonStateKeys(): string[] {
    return ['scaleFnCustom'];
  }
}
