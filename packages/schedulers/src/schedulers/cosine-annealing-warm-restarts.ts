import { checkNonNegative, checkOptions, checkPositiveInteger, invalid } from '../validate.js';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface CosineAnnealingWarmRestartsOptions {
  /** Length of the first cycle, in steps (a positive integer). */
  T0: number;
  /** Factor by which each cycle is longer than the one before (an integer >= 1). Default 1. */
  TMult?: number;
  /** The floor η_min (>= 0). Default 0. */
  etaMin?: number;
  lastEpoch?: number;
}

/**
 * CosineAnnealingWarmRestarts (torch.optim.lr_scheduler.CosineAnnealingWarmRestarts), SGDR
 * (Loshchilov & Hutter, 2017): cosine annealing from η_max = η_0 to η_min, restarted every cycle.
 *
 *   η_t = η_min + ½ (η_max - η_min) (1 + cos(π T_cur / T_i))
 *
 * T_cur counts the steps since the last restart and T_i is the current cycle's length:
 * T_0, T_0·T_mult, T_0·T_mult², ... `step()` advances T_cur by one; `step(epoch)` jumps to a
 * (possibly fractional) epoch, e.g. `step(epoch + i / itersPerEpoch)` after every batch, finding the
 * cycle n = ⌊log_{T_mult}(epoch/T_0 · (T_mult - 1) + 1)⌋ and T_cur = epoch - T_0 (T_mult^n - 1)/(T_mult - 1).
 * The two may be interleaved, as in torch.
 *
 * Follows current torch: on a restart T_cur ← T_cur mod T_i (torch 1.13 subtracted T_i once, which
 * is wrong when a resumed scheduler starts more than a cycle past a restart).
 * `cosineWarmRestarts()` is the pure schedule, with the notes' per-cycle decay of η_max and η_min.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly T0: number;
  readonly TMult: number;
  readonly etaMin: number;
  /** The current cycle's length T_i. */
  Ti: number;
  /** Steps since the last restart, T_cur (fractional after a fractional step(epoch)). */
  Tcur: number;

  constructor(optimizer: SchedulableOptimizer, options: CosineAnnealingWarmRestartsOptions) {
    checkOptions('CosineAnnealingWarmRestarts', options, ['T0', 'TMult', 'etaMin', 'lastEpoch']);
    const T0 = checkPositiveInteger('T0', options.T0);
    const TMult = options.TMult ?? 1;
    if (typeof TMult !== 'number' || !Number.isInteger(TMult) || TMult < 1) {
      throw invalid('TMult', TMult, 'an integer >= 1');
    }
    const etaMin = checkNonNegative('etaMin', options.etaMin ?? 0);
    const lastEpoch = options.lastEpoch ?? -1;
    super(optimizer, lastEpoch);
    this.T0 = T0;
    this.Ti = T0;
    this.TMult = TMult;
    this.etaMin = etaMin;
    this.Tcur = lastEpoch;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const { etaMin, Tcur, Ti } = this;
    return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * Tcur) / Ti))) / 2);
  }

  /** One step (no argument), or a jump to `epoch` (>= 0, may be fractional). */
  override step(epoch?: number): void {
    if (epoch !== undefined) checkNonNegative('epoch', epoch);
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    const { T0, TMult } = this;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.Tcur = this.Tcur + 1;
      if (this.Tcur >= this.Ti) {
        this.Tcur = this.Tcur % this.Ti;
        this.Ti = this.Ti * TMult;
      }
    } else if (epoch >= T0) {
      if (TMult === 1) {
        this.Tcur = epoch % T0;
      } else {
        const n = Math.trunc(Math.log((epoch / T0) * (TMult - 1) + 1) / Math.log(TMult));
        this.Tcur = epoch - (T0 * (TMult ** n - 1)) / (TMult - 1);
        this.Ti = T0 * TMult ** n;
      }
    } else {
      this.Ti = T0;
      this.Tcur = epoch;
    }
    this.lastEpoch = Math.floor(epoch);
    this.writeLrs(this.computeLr());
  }
}
