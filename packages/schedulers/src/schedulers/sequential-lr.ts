import { checkIncreasingIntegers, checkOptions } from '../validate.js';
import { checkSchedulers, loadNested, undoStep } from './composite.js';
import { LRScheduler, type SchedulableOptimizer, type SchedulerState } from './lr-scheduler.js';

export interface SequentialLROptions {
  /** The schedulers, in the order they take over. */
  schedulers: LRScheduler[];
  /** The steps at which the next scheduler takes over (strictly increasing, one fewer than schedulers). */
  milestones: number[];
  lastEpoch?: number;
}

/**
 * SequentialLR (torch.optim.lr_scheduler.SequentialLR): runs one scheduler until the first milestone,
 * the next until the second, and so on. At a milestone m_k the next scheduler starts at its epoch 0
 * (its closed form at epoch 0: its base rates for most, η_0·startFactor for LinearLR), so
 *
 *   η_t = schedule_k(t - m_k)    for m_k <= t < m_{k+1}    (m_0 = 0)
 *
 * which is what `sequential()` computes for pure schedules. Construction resets every group's lr to
 * its initialLr, undoes the initial steps the children made, and redoes the first one's, as torch does.
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];

  constructor(optimizer: SchedulableOptimizer, options: SequentialLROptions) {
    checkOptions('SequentialLR', options, ['schedulers', 'milestones', 'lastEpoch']);
    const schedulers = checkSchedulers('SequentialLR', options.schedulers, optimizer);
    const milestones = checkIncreasingIntegers('milestones', options.milestones, 1);
    if (milestones.length !== schedulers.length - 1) {
      throw new RangeError(
        `Invalid milestones: ${milestones.length} milestones for ${schedulers.length} schedulers (expected ${schedulers.length - 1})`,
      );
    }
    schedulers.forEach((s, i) => {
      if (i > 0 && s.children().length > 0) {
        // torch raises NotImplementedError only when the milestone is reached; refuse it up front
        throw new RangeError(
          `Invalid schedulers: element ${i} of SequentialLR is a ${s.constructor.name}, which cannot restart at a milestone (only the first scheduler may be a composite)`,
        );
      }
    });
    const lastEpoch = options.lastEpoch ?? -1;
    super(optimizer, lastEpoch);
    this.schedulers = schedulers;
    this.milestones = milestones;
    this.lastEpoch = lastEpoch + 1;
    for (const g of optimizer.paramGroups) g.lr = g.initialLr as number;
    schedulers.forEach(undoStep);
    schedulers[0].initialStep();
    this.lastLr = schedulers[0].getLastLr();
  }

  protected computeLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** One step of whichever scheduler owns the new step index. */
  override step(): void {
    this.lastEpoch += 1;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx] <= this.lastEpoch) idx++;
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.updateLr(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }

  override children(): LRScheduler[] {
    return this.schedulers;
  }

  protected override nonStateKeys(): string[] {
    return ['schedulers'];
  }

  override stateDict(): SchedulerState {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(state: SchedulerState): void {
    this.checkStateDict(state);
    loadNested(this, state, (own) => this.applyState(own));
  }
}
