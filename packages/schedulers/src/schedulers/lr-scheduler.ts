/**
 * The base of every optimizer-bound scheduler, with torch.optim.lr_scheduler.LRScheduler's semantics.
 *
 * A scheduler drives `optimizer.paramGroups[i].lr` for every group. On construction it stores each
 * group's starting rate as `initialLr` (the base rate η_0 of that group, torch's `initial_lr`) unless
 * the group already has one, and performs torch's initial step, so the rates right after
 * construction equal torch's. Each `step()` then advances `lastEpoch` by one and writes the new rates.
 *
 * Most schedulers are "chainable": they compute the next rate from the group's current rate (torch's
 * `get_lr`), so several of them can act on the same optimizer. Those with a closed form η(t) use it
 * when `step(epoch)` is given an epoch (deprecated in torch, kept for compatibility).
 *
 * Resuming: pass `lastEpoch` (the index of the last completed step) to a new scheduler bound to an
 * optimizer whose groups already carry `initialLr`, or, simpler and exact, `loadStateDict()` a
 * `stateDict()` taken earlier (together with the optimizer's own state dict).
 */
import { checkFinite, closestName, invalid } from '../validate.js';

/** A parameter group as a scheduler sees it: a learning rate and any other options. */
export interface SchedulableParamGroup {
  lr: number;
  [option: string]: unknown;
}

/**
 * What a scheduler needs of an optimizer: its parameter groups (every @descent/core optimizer is
 * one). Groups are read afresh on every step, so an optimizer may replace its group objects
 * (as `loadStateDict` does) without confusing the scheduler.
 */
export interface SchedulableOptimizer {
  paramGroups: Array<{ lr: number; [option: string]: unknown }>;
}

/** A scheduler's state: plain data (numbers, strings, booleans, arrays, nested states), JSON-safe. */
export type SchedulerState = Record<string, unknown>;

/** Throws a TypeError unless `optimizer` has a non-empty list of groups with numeric lrs. */
export function checkOptimizer(optimizer: unknown): SchedulableOptimizer {
  const groups = (optimizer as SchedulableOptimizer | undefined)?.paramGroups;
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new TypeError('Expected an optimizer with a non-empty paramGroups array');
  }
  groups.forEach((g, i) => {
    if (!g || typeof g.lr !== 'number') throw new TypeError(`paramGroups[${i}] has no numeric lr`);
  });
  return optimizer as SchedulableOptimizer;
}

/**
 * Checks `lastEpoch` (-1 to start, or the index of the last step when resuming, which needs every
 * group to carry `initialLr`). Throws before anything is changed.
 */
export function checkLastEpoch(optimizer: SchedulableOptimizer, lastEpoch: unknown): number {
  if (typeof lastEpoch !== 'number' || !Number.isInteger(lastEpoch) || lastEpoch < -1) {
    throw invalid('lastEpoch', lastEpoch, 'an integer >= -1');
  }
  if (lastEpoch !== -1) {
    optimizer.paramGroups.forEach((g, i) => {
      if (typeof g.initialLr !== 'number') {
        throw new RangeError(
          `Invalid lastEpoch: ${lastEpoch} (resuming needs paramGroups[${i}].initialLr, which is not set)`,
        );
      }
    });
  }
  return lastEpoch;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Throws (naming the path) unless `given` is shaped like `own`: same kinds, arrays of the same
 * length (an empty own array takes any), objects with the same keys. A number may stand where
 * the scheduler holds null and the reverse ("no value yet", as ReduceLROnPlateau's `best`).
 */
export function checkLike(own: unknown, given: unknown, path: string): void {
  const a = kind(own);
  const b = kind(given);
  const numeric = (k: string) => k === 'number' || k === 'null';
  if (a !== b && !(numeric(a) && numeric(b))) {
    const article = a === 'array' || a === 'object' ? 'an' : 'a';
    const got = b === 'string' ? `'${given}'` : b;
    throw new TypeError(`loadStateDict: ${path} must be ${article} ${a}, got ${got}`);
  }
  if (b === 'number' && Number.isNaN(given)) throw new TypeError(`loadStateDict: ${path} is NaN`);
  if (a === 'array') {
    const o = own as unknown[];
    const g = given as unknown[];
    if (o.length === 0) return;
    if (g.length !== o.length) {
      throw new RangeError(`loadStateDict: ${path} has ${g.length} elements, expected ${o.length}`);
    }
    o.forEach((x, i) => {
      checkLike(x, g[i], `${path}[${i}]`);
    });
  } else if (a === 'object') {
    const o = own as Record<string, unknown>;
    const g = given as Record<string, unknown>;
    for (const k of Object.keys(g)) {
      if (!(k in o)) {
        const c = closestName(k, Object.keys(o));
        throw new RangeError(
          `loadStateDict: '${k}' is not part of ${path}${c ? ` (did you mean ${c}?)` : ''}`,
        );
      }
    }
    for (const k of Object.keys(o)) {
      if (!(k in g)) throw new RangeError(`loadStateDict: ${path} is missing '${k}'`);
      checkLike(o[k], g[k], `${path}.${k}`);
    }
  }
}

function copyPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyPlain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyPlain(v)]));
  }
  return value;
}

export abstract class LRScheduler {
  readonly optimizer: SchedulableOptimizer;
  /** Each group's base rate η_0 (its `initialLr`). */
  baseLrs: number[];
  /** The index of the last step taken (0 right after construction). */
  lastEpoch: number;
  /** How many times step() ran, the initial step included (torch's `_step_count`). */
  protected stepCount = 0;
  /** True during the initial step made by the constructor (torch's `_is_initial`). */
  protected isInitial = false;
  protected lastLr: number[] = [];

  /**
   * Subclasses validate all their options first, then call super, then set their fields and call
   * `this.initialStep()`. `prepare` runs after the checks here and before `initialLr` is recorded:
   * the place for a subclass's own writes to the groups (CyclicLR sets each group's lr to baseLr).
   */
  protected constructor(optimizer: SchedulableOptimizer, lastEpoch = -1, prepare?: () => void) {
    checkOptimizer(optimizer);
    checkLastEpoch(optimizer, lastEpoch);
    prepare?.();
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const g of optimizer.paramGroups) if (typeof g.initialLr !== 'number') g.initialLr = g.lr;
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** The chainable rule: the groups' next rates from their current ones (torch's `get_lr`). */
  protected abstract computeLr(): number[];

  /** The closed form η(lastEpoch), used by step(epoch); undefined when there is none. */
  protected closedFormLr(): number[] | undefined {
    return undefined;
  }

  /**
   * torch's `_initial_step`: the step every constructor makes, flagged as initial. Public only so
   * that SequentialLR can restart its first scheduler; not for general use.
   */
  initialStep(): void {
    this.stepCount = 0;
    this.isInitial = true;
    try {
      this.step();
    } finally {
      this.isInitial = false;
    }
  }

  /**
   * Advances the schedule one step and writes every group's lr. With an `epoch` (deprecated in
   * torch), jumps to that epoch using the closed form where there is one.
   */
  step(epoch?: number): void {
    if (epoch !== undefined) checkFinite('epoch', epoch);
    this.stepCount += 1;
    this.updateLr(epoch);
  }

  /**
   * torch's `_update_lr`: sets lastEpoch, computes the rates, writes them to the groups, without
   * counting a step. Public only so that SequentialLR can start a scheduler at epoch 0.
   */
  updateLr(epoch?: number): void {
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.computeLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.computeLr();
    }
    this.writeLrs(values);
  }

  protected writeLrs(values: number[]): void {
    const groups = this.optimizer.paramGroups;
    groups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLr = groups.map((g) => g.lr);
  }

  /** The rates the last step set, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The schedulers this one drives (SequentialLR, ChainedScheduler); none for the others. */
  children(): LRScheduler[] {
    return [];
  }

  /** Fields that are not state (functions, nested schedulers handled by the subclass). */
  protected nonStateKeys(): string[] {
    return [];
  }

  /**
   * Everything but the optimizer (torch's `state_dict`): plain, JSON-safe data. Restoring it into a
   * scheduler built the same way, with the optimizer's state restored too, continues the sequence
   * exactly.
   */
  stateDict(): SchedulerState {
    const skip = new Set(['optimizer', ...this.nonStateKeys()]);
    const out: SchedulerState = {};
    for (const [k, v] of Object.entries(this)) {
      if (!skip.has(k) && typeof v !== 'function') out[k] = copyPlain(v);
    }
    return out;
  }

  /**
   * Throws unless `state` has exactly the shape of this scheduler's own `stateDict()`: the same
   * keys (unknown and missing ones are named), the same types, arrays of the same lengths, nested
   * schedulers' states likewise. Nothing is changed.
   */
  checkStateDict(state: unknown): void {
    if (!state || typeof state !== 'object' || Array.isArray(state)) {
      throw new TypeError('loadStateDict: expected an object made by stateDict()');
    }
    const n = this.children().length;
    const states = (state as SchedulerState).schedulers;
    if (n > 0 && (!Array.isArray(states) || states.length !== n)) {
      throw new RangeError(
        `loadStateDict: expected ${n} scheduler states, got ${Array.isArray(states) ? states.length : 'none'}`,
      );
    }
    checkLike(this.stateDict(), state, `${this.constructor.name}'s state`);
  }

  /**
   * Restores a `stateDict()`. It is checked completely first (`checkStateDict`): on an error,
   * raised before anything changes, the scheduler is as it was.
   */
  loadStateDict(state: SchedulerState): void {
    this.checkStateDict(state);
    this.applyState(state);
  }

  /** Writes checked state fields (composites load their children themselves). */
  protected applyState(state: SchedulerState): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(state)) self[k] = copyPlain(v);
  }
}
