import { checkNonNegative, checkOptions, checkPositiveInteger } from '../validate.js';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface CosineAnnealingLROptions {
  /** Half-period of the cosine, in steps (a positive integer). */
  TMax: number;
  /** The floor η_min (>= 0). Default 0. */
  etaMin?: number;
  lastEpoch?: number;
}

/**
 * CosineAnnealingLR (torch.optim.lr_scheduler.CosineAnnealingLR): anneals each group's rate from
 * η_max = η_0 to η_min along half a cosine over T_max steps, without restarts.
 *
 * Closed form (SGDR without restarts, what `cosine()` computes):
 *   η_t = η_min + ½ (η_max - η_min) (1 + cos(π t / T_max))
 *
 * step() uses torch's recursive (chainable) form instead, and so does this class, exactly:
 *   η_t = η_min + (η_{t-1} - η_min) · (1 + cos(π t / T_max)) / (1 + cos(π (t-1) / T_max))
 *   η_t = η_{t-1} + (η_max - η_min) (1 - cos(π / T_max)) / 2    when (t - 1 - T_max) mod 2T_max = 0
 * (the second line steps off the trough at t = T_max + 1, 3T_max + 1, ..., where the ratio is 0/0).
 *
 * How the two differ. Mathematically they are the same curve as long as nothing else touches the
 * rate: past T_max both rise again towards η_max (the cosine has period 2T_max; torch does not clamp
 * at η_min). Numerically the recursion accumulates rounding: over 130 steps with T_max = 40 it is
 * up to 3.5e-14 relative to the closed form (torch's own numbers, in the fixture test). And they part
 * ways as soon as something else changes the rate: the recursion rescales whatever rate it finds, so
 * it composes with other schedulers (ChainedScheduler) and keeps a manual change, while the closed
 * form always returns to the curve anchored at η_0. As in torch, step() uses the recursion and
 * step(epoch) the closed form.
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly TMax: number;
  readonly etaMin: number;

  constructor(optimizer: SchedulableOptimizer, options: CosineAnnealingLROptions) {
    checkOptions('CosineAnnealingLR', options, ['TMax', 'etaMin', 'lastEpoch']);
    const TMax = checkPositiveInteger('TMax', options.TMax);
    const etaMin = checkNonNegative('etaMin', options.etaMin ?? 0);
    super(optimizer, options.lastEpoch);
    this.TMax = TMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { TMax: T, etaMin, lastEpoch: t } = this;
    if (this.isInitial) return groups.map((g) => g.lr);
    if ((t - 1 - T) % (2 * T) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return groups.map(
      (g) =>
        ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (g.lr - etaMin) +
        etaMin,
    );
  }

  protected override closedFormLr(): number[] {
    const { TMax: T, etaMin, lastEpoch: t } = this;
    return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * t) / T))) / 2);
  }
}
