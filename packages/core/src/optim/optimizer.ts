/**
 * The optimizer contract, PyTorch's `torch.optim.Optimizer` with camelCase names:
 *
 *   const opt = new Adam([w, b], { lr: 1e-3 });          // or param groups:
 *   const opt = new SGD([{ params: [w], lr: 0.1 }, { params: [b] }], { lr: 0.01, momentum: 0.9 });
 *   opt.zeroGrad(); computeGrads(); opt.step();          // or opt.step(closure) -> loss
 *   opt.paramGroups[0].lr = 0.05;                         // schedulers do this
 *   const s = opt.stateDict(); other.loadStateDict(s);    // exact resume
 *
 * A subclass supplies its option names, `validateGroup` (RangeError naming the option), and
 * `updateGroup` (one step for one group: scalars computed once, the per-element work in one
 * fused kernel call per parameter). The base class owns groups, state, the non-finite gradient
 * check and the state dict.
 *
 * Non-finite gradients: before any update, every gradient is checked (one SIMD pass, `allFinite`).
 * By default a NaN or Inf throws `NonFiniteGradientError` naming the parameter and the step, with
 * parameters and state untouched; `onNonFinite: 'skip'` skips the whole step instead (counted in
 * `skippedSteps`).
 *
 * A step is all or nothing. In order, before the first write:
 *   1. every group's options are checked with the constructor's rules (schedulers, and users, write
 *      `paramGroups[i].lr` between steps: a NaN or negative lr, momentum, eps, ... throws a
 *      RangeError naming the group and the option);
 *   2. every gradient is checked (above);
 *   3. every state buffer this step needs is allocated (`prepareState`), so running out of kernel
 *      memory fails here, and the buffers allocated so far are freed again.
 * Then the update runs on a snapshot: each parameter's values and its state (arrays and scalars) are
 * copied first (into JS memory, reused from step to step). If the update throws, or leaves a
 * parameter non-finite that was finite before (a finite but overflowing lr such as 1e308), the
 * snapshot is put back and the step throws (`NonFiniteStepError` for the overflow): parameters,
 * state and step counters are exactly as before, and retrying cannot step anything twice. The copy
 * costs one memcpy per array per step into buffers reused from step to step. The finiteness check
 * is free where the fused kernel reports it (it computes "every value I stored is finite" in
 * registers while storing, and the optimizer passes that on with `storedFinite`); elsewhere it is
 * one SIMD pass per parameter and state array.
 *
 * Memory: parameters and state live in kernel memory. `free()` returns the state's memory at once;
 * an optimizer that is simply dropped is collected with its state (the arena frees forgotten
 * arrays through a FinalizationRegistry), only later.
 */
import { allFinite, alloc, type DType, type WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import { AtomicStep } from './atomic-step.js';
import {
  buildGroup,
  checkDisjoint,
  checkGroupOptions,
  checkNotGrouped,
  isGroupList,
} from './param-groups.js';
import type { OptimizerStateDict, StateValue } from './state-dict.js';
import { freeState, loadCheckedState, saveStateDict } from './state-dict-io.js';
import type { LoadTarget } from './state-dict-load.js';
import { NonFiniteGradientError, NonFiniteStepError } from './step-errors.js';
import { checkKnownOptions } from './validate.js';

export { NonFiniteGradientError, NonFiniteStepError } from './step-errors.js';

/** How `loadStateDict` checks one state key: an array (of the parameter's dtype) or a number. */
export type StateSpec = Record<string, { kind: 'array' | 'number'; required: boolean }>;

export { SCHEDULER_GROUP_KEYS } from './state-dict-load.js';

/** What every optimizer's options share. */
export interface BaseOptions {
  lr: number;
}

/** Options of the optimizer object itself, not of its groups. */
export interface OptimizerBehaviour {
  /** What a NaN/Inf gradient does: throw (default) or skip the step. */
  onNonFinite?: 'error' | 'skip';
  /**
   * Which implementation of the update runs: the fused kernel (default, one pass over memory) or
   * the plain TypeScript reference step (for tests and for reading). Like torch's `foreach`/`fused`.
   */
  impl?: 'fused' | 'reference';
  /**
   * Undo a step that fails after its first write (default true): the update runs on a snapshot of
   * the parameters and state (one memcpy per array per step; the finiteness of the new values comes
   * from the fused kernels where they report it, else one pass over the new state). Measured on
   * f32 Adam: a step costs about 1.5x the bare kernel at 1e4-1e5 parameters and 2.2x at 1e6, where
   * the copy is bound by memory; 1.25-1.35x with `false`. With `false`
   * the checks that come before any write still run (options, gradients,
   * allocation), and a parameter overflow is still detected and thrown (`NonFiniteStepError`), but
   * the step is not undone (the parameters already updated stay so) and the state is not checked.
   */
  atomic?: boolean;
}

/** A parameter group: its parameters and its own copy of every option. */
export type ParamGroup<O> = O & { params: Param[]; initialLr?: number; [extra: string]: unknown };

/** What constructors take: a list of parameters, or groups with per-group option overrides. */
export type ParamsInput<O> = Param[] | Array<Partial<O> & { params: Param[] }>;

/** Per-parameter state: arrays live in kernel memory, scalars are plain numbers. */
export type ParamState = Record<string, WasmArray | StateValue>;

export abstract class Optimizer<O extends BaseOptions> {
  /** The optimizer's name, as in messages ("Adam"). */
  abstract readonly name: string;
  readonly defaults: Readonly<O>;
  readonly paramGroups: ParamGroup<O>[] = [];
  readonly state = new Map<Param, ParamState>();
  onNonFinite: 'error' | 'skip';
  /** The implementation `updateGroup` uses (see OptimizerBehaviour.impl). */
  readonly impl: 'fused' | 'reference';
  /** Whether a failed step is undone from a snapshot (see OptimizerBehaviour.atomic). */
  readonly atomic: boolean;
  /** Steps taken (skipped ones excluded). */
  stepsTaken = 0;
  /** Steps skipped because of non-finite gradients. */
  skippedSteps = 0;
  /** What makes a step all or nothing: its snapshot, the arrays it allocated, what kernels vouched for. */
  private readonly guard = new AtomicStep();
  private isFreed = false;

  /** The option names groups may set: the keys of the defaults. */
  readonly optionNames: readonly string[];

  /**
   * `defaults` are the optimizer's own (torch's); `options` are the user's: group options laid over
   * the defaults, plus the optimizer's behaviour (`onNonFinite`, `impl`). Unknown names throw.
   */
  protected constructor(
    displayName: string,
    params: ParamsInput<O>,
    defaults: O,
    options: Partial<O> & OptimizerBehaviour = {},
  ) {
    checkKnownOptions(displayName, options, [...Object.keys(defaults), 'onNonFinite', 'impl', 'atomic']);
    const { onNonFinite: onNonFiniteOption, impl: implOption, atomic = true, ...given } = options;
    if (typeof atomic !== 'boolean') {
      throw new RangeError(`Invalid atomic value: ${String(atomic)} (expected true or false)`);
    }
    this.atomic = atomic;
    this.optionNames = Object.keys(defaults);
    checkKnownOptions(displayName, given, this.optionNames);
    const merged = { ...defaults, ...given } as O;
    this.validateGroup(merged);
    this.defaults = Object.freeze(merged);
    const behaviour: OptimizerBehaviour = { onNonFinite: onNonFiniteOption, impl: implOption };
    const onNonFinite = behaviour.onNonFinite ?? 'error';
    if (onNonFinite !== 'error' && onNonFinite !== 'skip') {
      throw new RangeError(`Invalid onNonFinite value: ${String(onNonFinite)} (expected 'error' or 'skip')`);
    }
    this.onNonFinite = onNonFinite;
    const impl = behaviour.impl ?? 'fused';
    if (impl !== 'fused' && impl !== 'reference') {
      throw new RangeError(`Invalid impl value: ${String(impl)} (expected 'fused' or 'reference')`);
    }
    this.impl = impl;
    if (!Array.isArray(params) || params.length === 0) {
      throw new RangeError(`${displayName} got an empty parameter list`);
    }
    const groups = isGroupList(params)
      ? params
      : [{ params: params as Param[] } as Partial<O> & { params: Param[] }];
    // validate every group before adding any, so a bad group changes nothing
    const built = groups.map((g) => this.buildGroup(displayName, g));
    checkDisjoint(built);
    this.paramGroups.push(...built);
  }

  /** Throws a RangeError naming the first invalid option of a (merged) group. */
  protected abstract validateGroup(options: O): void;

  /** One update of every parameter in `group`. Gradients are known to be finite here. */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /** A group of `g`'s options over the defaults, validated (param-groups.ts). */
  private buildGroup(displayName: string, g: Partial<O> & { params: Param[] }): ParamGroup<O> {
    return buildGroup(displayName, this.defaults, this.optionNames, (o: O) => this.validateGroup(o), g);
  }

  /** Adds a group (options not given are taken from the defaults). */
  addParamGroup(group: Partial<O> & { params: Param[] }): void {
    const built = this.buildGroup(this.name, group);
    checkNotGrouped(this.paramGroups, built.params);
    this.paramGroups.push(built);
  }

  /** Every parameter, in group order (the indices used by state dicts). */
  params(): Param[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** Sets every parameter's gradient to zero. */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.zeroGrad();
  }

  /**
   * One optimization step. With a closure (which zeroes the gradients, recomputes the loss and
   * its gradients, and returns the loss) it is called first and its loss returned.
   */
  step(closure?: () => number): number | undefined {
    this.checkUsable();
    this.checkGroups();
    const loss = closure?.();
    if (!this.checkGradients()) return loss;
    this.atomically(this.prepareAndUpdate);
    this.stepsTaken++;
    return loss;
  }

  /** Allocates every state buffer, then updates every group (the body of an atomic step). */
  private readonly prepareAndUpdate = (): void => {
    const groups = this.paramGroups;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      for (let j = 0; j < g.params.length; j++) this.prepareState(g.params[j], g);
    }
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      try {
        this.updateGroup(g);
      } catch (e) {
        // the kernels refuse non-finite step scalars (lr 1e308 / (1 - β1) = Inf): say where
        if (e instanceof RangeError && !(e instanceof NonFiniteStepError)) {
          e.message = `${this.name}.step: paramGroups[${i}] (lr ${g.lr}): ${e.message}; parameters and state left unchanged`;
        }
        throw e;
      }
    }
  };

  /** Throws after `free()`. */
  protected checkUsable(): void {
    if (this.isFreed) throw new Error(`${this.name} used after free()`);
  }

  /**
   * Checks every group's options with the constructor's rules (they may have been changed since);
   * a RangeError names the group. Runs before anything is written.
   */
  protected checkGroups(): void {
    checkGroupOptions(this.name, this.paramGroups, (o: O) => this.validateGroup(o));
  }

  /**
   * Allocates the state `p` needs for this step (called for every parameter before any update, so
   * an allocation failure changes nothing). Optimizers with state override it.
   */
  protected prepareState(_p: Param, _group: ParamGroup<O>): void {}

  /**
   * A zeroed state array. Use it (not `alloc`) for state: during a step the base class remembers
   * it, so a step that fails after allocating frees it again (even if it never reached the state).
   */
  protected stateArray(dtype: DType, length: number): WasmArray {
    const a = alloc(dtype, length);
    this.guard.track(a);
    return a;
  }

  /**
   * Called by `updateGroup` when the fused kernel that just wrote `p` and its state reported every
   * value it stored finite (e.g. `fusedAdamStep`'s result): the step then skips the `allFinite`
   * passes over `p` and its state arrays. Only call it if every array of `p` (value and state)
   * written this step was written by kernels that reported finite; arrays not written are
   * unchanged, so they cannot have turned non-finite. Scalar state is still checked.
   */
  protected storedFinite(p: Param, finite: boolean): void {
    if (finite) this.guard.vouch(p);
  }

  /**
   * Runs `update` on a snapshot of every parameter and its state: if it throws, or makes a finite
   * parameter or state value non-finite, everything is put back as it was and the error is thrown
   * (atomic-step.ts; with `atomic: false`, no snapshot: the error says the step was not undone).
   */
  protected atomically(update: () => void): void {
    this.guard.run(
      { paramGroups: this.paramGroups, state: this.state, step: this.stepsTaken + 1, atomic: this.atomic },
      update,
    );
  }

  /** True if every gradient is finite; otherwise throws, or counts a skip and returns false. */
  protected checkGradients(): boolean {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (!allFinite(p.gradient)) {
          if (this.onNonFinite === 'skip') {
            this.skippedSteps++;
            return false;
          }
          throw new NonFiniteGradientError(p.name, this.stepsTaken + 1);
        }
      }
    }
    return true;
  }

  /**
   * The length a state array `key` of `p` must have (`loadStateDict` checks it, so a wrong buffer
   * fails before anything changes); the parameter's length unless an optimizer says otherwise.
   */
  protected stateArrayLength(p: Param, _key: string): number | undefined {
    return p.length;
  }

  /** The state of `p`, created by `init` on first use. */
  protected stateOf<S extends ParamState>(p: Param, init: () => S): S {
    let s = this.state.get(p) as S | undefined;
    if (!s) {
      s = init();
      this.state.set(p, s);
    }
    return s;
  }

  /** A copy of the optimizer's state and groups (see state-dict.ts for the format). */
  stateDict(): OptimizerStateDict {
    return saveStateDict(this.name, this.params(), this.paramGroups, this.state, this.stepsTaken);
  }

  /**
   * The state `p` keeps (as `stateDict()` writes it), for `loadStateDict` to check: each key's kind
   * and whether a state entry must hold it, given the group's (loaded) options. Optimizers with
   * state override it; the default is none.
   */
  protected stateSpec(_p: Param, _group: ParamGroup<O>): StateSpec {
    return {};
  }

  /**
   * Restores a state dict made by `stateDict()` of the same optimizer over parameters of the same
   * shapes. It is checked strictly and completely first, and on an error nothing has changed:
   * unknown or missing keys (at the top, in a group, in a parameter's state), wrong types, wrong
   * lengths, another optimizer's state, undecoded JSON (`{ $typed, base64 }`: pass it through
   * `decodeStateDict`) and torch's layout (`exp_avg`: use `fromTorchStateDict`) are refused with an
   * error naming the key.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const target: LoadTarget<O> = {
      name: this.name,
      optionNames: this.optionNames,
      paramGroups: this.paramGroups,
      validateGroup: (o) => this.validateGroup(o),
      stateSpec: (p, g) => this.stateSpec(p, g),
      stateArrayLength: (p, k) => this.stateArrayLength(p, k),
    };
    loadCheckedState(target, this.state, this.params(), sd);
    if (typeof sd.stepsTaken === 'number') this.stepsTaken = sd.stepsTaken;
  }

  /** Frees the state's kernel memory (the optimizer can go on; state restarts from scratch). */
  resetState(): void {
    for (const s of this.state.values()) freeState(s);
    this.state.clear();
  }

  /** True after `free()`. */
  get freed(): boolean {
    return this.isFreed;
  }

  /**
   * Returns the optimizer's kernel memory (its state) at once; the optimizer is unusable afterwards
   * (`step()` throws). The parameters are not freed: they belong to the model (`param.free()`).
   * An optimizer that is simply dropped is collected with its state too, but only when the garbage
   * collector runs (see the arena's notes): in a loop that builds optimizers, call `free()`.
   */
  free(): void {
    this.resetState();
    this.guard.clear();
    this.isFreed = true;
  }
}
