/**
 * What makes an optimizer step all or nothing (`atomic: true`, the default): before the update,
 * a snapshot of every parameter and state array (step-snapshot.ts); after it, a check that nothing
 * finite became non-finite; on a throw or such an overflow, everything is restored, arrays the step
 * allocated are freed, and the error is thrown. Parameters whose kernels reported every stored
 * value finite (`vouch`) skip the after-step passes over their arrays. With `atomic: false` there is
 * no snapshot: an overflow is still reported, saying the step was not undone.
 */
import { allFinite, WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import type { ParamState } from './optimizer.js';
import { NonFiniteStepError } from './step-errors.js';
import { StepSnapshot } from './step-snapshot.js';

/** The optimizer's side of a step. */
export interface StepContext {
  paramGroups: Array<{ params: Param[]; lr: number }>;
  state: Map<Param, ParamState>;
  /** The number of the step being taken (stepsTaken + 1), for messages. */
  step: number;
  atomic: boolean;
}

export class AtomicStep {
  /** The step's snapshot (JS memory, reused from step to step). */
  private readonly snap = new StepSnapshot();
  /** Parameters whose stored values a kernel reported finite during the step. */
  private readonly vouched = new Set<Param>();
  /** State arrays allocated by the step in progress (freed again if it fails). */
  private allocatedThisStep: WasmArray[] | undefined;
  /** The list `allocatedThisStep` points to during an atomic step, reused from step to step. */
  private allocatedScratch: WasmArray[] = [];

  /** Remembers a state array allocated during the step, to free it if the step fails. */
  track(a: WasmArray): void {
    this.allocatedThisStep?.push(a);
  }

  /** A kernel reported every value it stored for `p` (and its state) finite this step. */
  vouch(p: Param): void {
    this.vouched.add(p);
  }

  /** Drops the snapshot's copies (the optimizer was freed). */
  clear(): void {
    this.snap.clear();
  }

  /** Runs `update` all or nothing (see the top of this file). */
  run(ctx: StepContext, update: () => void): void {
    this.vouched.clear();
    if (!ctx.atomic) {
      const finite = new Set(ctx.paramGroups.flatMap((g) => g.params).filter((p) => allFinite(p.value)));
      try {
        update();
      } finally {
        this.allocatedThisStep = undefined;
      }
      ctx.paramGroups.forEach((g, gi) => {
        for (const p of g.params) {
          if (finite.has(p) && !this.vouched.has(p) && !allFinite(p.value)) {
            const err = new NonFiniteStepError(p.name, ctx.step, gi, g.lr);
            err.message = err.message.replace(
              'parameters and state left unchanged',
              'the step was NOT undone (atomic: false): parameters and state are partly updated',
            );
            throw err;
          }
        }
      });
      return;
    }
    this.snap.take(ctx.paramGroups, ctx.state);
    const allocated = this.allocatedScratch;
    this.allocatedThisStep = allocated;
    try {
      update();
      this.checkFiniteAfterStep(ctx);
    } catch (e) {
      this.snap.restore(ctx.paramGroups, ctx.state);
      for (const a of this.allocatedThisStep ?? []) a.free(); // new this step: never in the old state
      throw e;
    } finally {
      this.allocatedThisStep = undefined;
      if (allocated.length > 0) allocated.length = 0;
      this.vouched.clear();
    }
  }

  /**
   * Throws NonFiniteStepError if a parameter or state value that was finite before the step is not
   * finite now (a new state array counts as finite before). Parameters a kernel vouched for skip the
   * array passes.
   */
  private checkFiniteAfterStep(ctx: StepContext): void {
    const groups = ctx.paramGroups;
    let j = 0;
    for (let gi = 0; gi < groups.length; gi++) {
      const g = groups[gi];
      for (let pi = 0; pi < g.params.length; pi++, j++) {
        const p = g.params[pi];
        const vouched = this.vouched.has(p);
        if (!vouched && !allFinite(p.value) && this.snap.wasFinite(p.value)) {
          throw new NonFiniteStepError(p.name, ctx.step, gi, g.lr);
        }
        const s = ctx.state.get(p);
        if (!s) continue;
        const before = this.snap.recordOf(j);
        for (const k in s) {
          const v = s[k];
          if (typeof v === 'number') {
            if (!Number.isFinite(v) && Number.isFinite(before?.[k] ?? 0)) {
              throw new NonFiniteStepError(`the state '${k}' of ${p.name}`, ctx.step, gi, g.lr);
            }
          } else if (!vouched && v instanceof WasmArray && !allFinite(v) && this.snap.wasFinite(v)) {
            throw new NonFiniteStepError(`the state '${k}' of ${p.name}`, ctx.step, gi, g.lr);
          }
        }
      }
    }
  }
}
