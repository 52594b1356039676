/**
 * What SequentialLR and ChainedScheduler share: checking their children, torch's `recursive_undo`,
 * and nested state dicts (a composite's state holds its own fields and `schedulers`, one state per
 * child, in order).
 */
import { LRScheduler, type SchedulableOptimizer, type SchedulerState } from './lr-scheduler.js';

/** Throws unless `schedulers` is a non-empty list of LRSchedulers bound to `optimizer`. */
export function checkSchedulers(
  name: string,
  schedulers: unknown,
  optimizer: SchedulableOptimizer,
): LRScheduler[] {
  if (!Array.isArray(schedulers) || schedulers.length === 0) {
    throw new RangeError(`Invalid schedulers: ${name} needs a non-empty list of schedulers`);
  }
  schedulers.forEach((s, i) => {
    if (!(s instanceof LRScheduler)) {
      throw new RangeError(
        `Invalid schedulers: element ${i} of ${name} is not an LRScheduler (ReduceLROnPlateau needs a metric and cannot be composed)`,
      );
    }
    if (s.optimizer !== optimizer) {
      throw new RangeError(`Invalid schedulers: element ${i} of ${name} is bound to a different optimizer`);
    }
  });
  return [...schedulers];
}

/** Moves every leaf scheduler one step back (torch's `recursive_undo`). */
export function undoStep(s: LRScheduler): void {
  const children = s.children();
  if (children.length > 0) children.forEach(undoStep);
  else s.lastEpoch -= 1;
}

/** Loads a composite's own fields and then each child's state; checks the child count first. */
export function loadNested(
  composite: LRScheduler,
  state: SchedulerState,
  loadOwn: (own: SchedulerState) => void,
): void {
  if (!state || typeof state !== 'object')
    throw new TypeError('loadStateDict: expected an object made by stateDict()');
  const { schedulers: states, ...own } = state;
  const children = composite.children();
  if (!Array.isArray(states) || states.length !== children.length) {
    throw new RangeError(
      `loadStateDict: expected ${children.length} scheduler states, got ${Array.isArray(states) ? states.length : 'none'}`,
    );
  }
  loadOwn(own);
  children.forEach((s, i) => {
    s.loadStateDict(states[i] as SchedulerState);
  });
}
