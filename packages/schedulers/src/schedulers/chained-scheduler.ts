import { checkSchedulers, loadNested } from './composite.js';
import { LRScheduler, type SchedulableOptimizer, type SchedulerState } from './lr-scheduler.js';

/**
 * ChainedScheduler (torch.optim.lr_scheduler.ChainedScheduler): each step() steps every scheduler in
 * turn, so their chainable rules compose. For multiplicative schedulers the factors multiply:
 *
 *   η_t = η_0 · Π_k f_k(t)        e.g. ConstantLR + ExponentialLR: η_0 · (factor if t < T) · γ^t
 *
 * which is what `chained()` computes for pure schedules. Construction does nothing further (each
 * child made its own initial step). `optimizer` defaults to the first scheduler's.
 */
export class ChainedScheduler extends LRScheduler {
  readonly schedulers: LRScheduler[];

  constructor(schedulers: LRScheduler[], optimizer?: SchedulableOptimizer) {
    const opt = optimizer ?? (schedulers as LRScheduler[] | undefined)?.[0]?.optimizer;
    const checked = checkSchedulers('ChainedScheduler', schedulers, opt as SchedulableOptimizer);
    super(opt as SchedulableOptimizer, -1);
    this.schedulers = checked;
    this.lastEpoch = 0;
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  protected computeLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Steps every scheduler, in order. */
  override step(): void {
    for (const s of this.schedulers) s.step();
    this.lastEpoch += 1;
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
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
