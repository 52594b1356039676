/**
 * Lookahead (Zhang et al. 2019, "k steps forward, 1 step back") around any optimizer, with
 * optax.lookahead's semantics (optax/_src/lookahead.py, 2024):
 *
 *   fast weights θ (the parameters) take the inner optimizer's steps;
 *   slow weights φ start as θ at the first step, and after every k-th inner step
 *     φ ← φ + α (θ - φ),   θ ← φ                          synchronization
 *   with `resetState`, the inner optimizer's state is reset at each synchronization.
 *
 *   const opt = new Lookahead(new Adam(params, { lr: 1e-3 }), { k: 5, alpha: 0.5 });
 *   opt.zeroGrad(); computeGrads(); opt.step();
 *
 * Right after a synchronization the parameters hold the slow weights; in between, evaluate at the
 * slow weights with `slowValues(i)`. The wrapper exposes the inner optimizer's `paramGroups`, so
 * schedulers drive it unchanged. A step the inner optimizer refuses (an invalid option, a NaN
 * gradient) or skips (`onNonFinite: 'skip'`) counts nothing here either. Defaults are the paper's:
 * k 5, α 0.5, resetState false. Deviation from optax: the slow weights are not a second set of
 * parameters the user carries (optax's LookaheadParams) but state of the wrapper, copied from the
 * parameters when the first step is taken.
 */
import type { FloatArray } from '@descent/kernels';
import type { Param } from '../param.js';
import { type BaseOptions, Optimizer, type ParamGroup } from './optimizer.js';
import type { OptimizerStateDict } from './state-dict.js';
import { checkBoolean, checkInRange, checkKnownOptions, checkPositiveInt } from './validate.js';

export interface LookaheadOptions {
  /** Inner steps between synchronizations (optax's sync_period), default 5. */
  k?: number;
  /** The slow weights' step α in [0, 1] (optax's slow_step_size), default 0.5. */
  alpha?: number;
  /** Reset the inner optimizer's state at each synchronization, default false. */
  resetState?: boolean;
}

export interface LookaheadStateDict {
  wrapper: 'Lookahead';
  stepsSinceSync: number;
  /** The slow weights, one array per parameter (null before the first step). */
  slow: FloatArray[] | null;
  inner: OptimizerStateDict | unknown;
}

/**
 * What a wrapper needs of the optimizer it wraps: a descent optimizer, or another wrapper
 * (Lookahead, GradientAccumulation), so wrappers compose.
 */
export interface SteppableOptimizer {
  readonly name: string;
  readonly paramGroups: ParamGroup<BaseOptions>[];
  /** Inner steps taken (a skipped or accumulating call does not count). */
  readonly stepsTaken: number;
  onNonFinite: 'error' | 'skip';
  params(): Param[];
  zeroGrad(): void;
  step(closure?: () => number): number | undefined;
  stateDict(): unknown;
  loadStateDict(sd: never): void;
  resetState(): void;
  free(): void;
}

/** Throws a TypeError unless `inner` is a descent optimizer or wrapper. */
export function checkInnerOptimizer(wrapper: string, inner: unknown): SteppableOptimizer {
  const o = inner as Partial<SteppableOptimizer> | null;
  const ok =
    inner instanceof Optimizer ||
    (!!o &&
      typeof o === 'object' &&
      ['params', 'zeroGrad', 'step', 'stateDict', 'loadStateDict', 'resetState', 'free'].every(
        (k) => typeof (o as Record<string, unknown>)[k] === 'function',
      ) &&
      Array.isArray(o.paramGroups));
  if (!ok) {
    throw new TypeError(
      `${wrapper} wraps an optimizer (new ${wrapper}(new Adam(params), ...)), got ${String(inner)}`,
    );
  }
  return inner as SteppableOptimizer;
}

export class Lookahead {
  readonly name = 'Lookahead';
  readonly inner: SteppableOptimizer;
  readonly k: number;
  readonly alpha: number;
  /** The `resetState` option: reset the inner state at each synchronization. */
  readonly resetsInnerState: boolean;
  /** Inner steps since the last synchronization (0 .. k-1). */
  stepsSinceSync = 0;
  private slow: FloatArray[] | null = null;

  constructor(inner: SteppableOptimizer | Optimizer<BaseOptions>, options: LookaheadOptions = {}) {
    this.inner = checkInnerOptimizer('Lookahead', inner);
    checkKnownOptions('Lookahead', options, ['k', 'alpha', 'resetState']);
    const { k = 5, alpha = 0.5, resetState = false } = options;
    checkPositiveInt('k', k);
    checkInRange('alpha', alpha, 0, 1, true);
    checkBoolean('resetState', resetState);
    this.k = k;
    this.alpha = alpha;
    this.resetsInnerState = resetState;
  }

  /** The inner optimizer's groups (schedulers write their lr). */
  get paramGroups(): ParamGroup<BaseOptions>[] {
    return this.inner.paramGroups;
  }

  params(): Param[] {
    return this.inner.params();
  }

  zeroGrad(): void {
    this.inner.zeroGrad();
  }

  /** Inner steps taken. */
  get stepsTaken(): number {
    return this.inner.stepsTaken;
  }

  /** The inner optimizer's non-finite gradient policy. */
  get onNonFinite(): 'error' | 'skip' {
    return this.inner.onNonFinite;
  }

  set onNonFinite(v: 'error' | 'skip') {
    this.inner.onNonFinite = v;
  }

  /** Resets the inner state and synchronizes: the slow weights restart from the parameters. */
  resetState(): void {
    this.inner.resetState();
    this.slow = null;
    this.stepsSinceSync = 0;
  }

  /** One inner step, then a synchronization if it was the k-th since the last one. */
  step(closure?: () => number): number | undefined {
    const params = this.inner.params();
    const slow = this.slow ?? params.map((p) => p.data.slice());
    const before = this.inner.stepsTaken;
    const loss = this.inner.step(closure);
    if (this.inner.stepsTaken === before) return loss; // skipped: nothing happened
    this.slow = slow;
    if (++this.stepsSinceSync < this.k) return loss;
    params.forEach((p, j) => {
      const x = p.data;
      const s = slow[j];
      for (let i = 0; i < x.length; i++) {
        s[i] = s[i] + this.alpha * (x[i] - s[i]);
        x[i] = s[i];
      }
    });
    this.stepsSinceSync = 0;
    if (this.resetsInnerState) this.inner.resetState();
    return loss;
  }

  /** A copy of the slow weights of parameter `index` (the parameter's values before the first step). */
  slowValues(index: number): FloatArray {
    const p = this.inner.params()[index];
    if (!p)
      throw new RangeError(`Invalid index: ${index} (there are ${this.inner.params().length} parameters)`);
    return (this.slow?.[index] ?? p.data).slice();
  }

  stateDict(): LookaheadStateDict {
    return {
      wrapper: 'Lookahead',
      stepsSinceSync: this.stepsSinceSync,
      slow: this.slow?.map((s) => s.slice()) ?? null,
      inner: this.inner.stateDict(),
    };
  }

  /** Restores `stateDict()` output; checked completely first (the inner dict too): on an error nothing changes. */
  loadStateDict(sd: LookaheadStateDict): void {
    if (!sd || typeof sd !== 'object' || sd.wrapper !== 'Lookahead') {
      throw new TypeError("loadStateDict: expected a Lookahead state dict ({ wrapper: 'Lookahead', ... })");
    }
    for (const key of Object.keys(sd)) {
      if (!['wrapper', 'stepsSinceSync', 'slow', 'inner'].includes(key)) {
        throw new RangeError(`loadStateDict: unknown key '${key}' in a Lookahead state dict`);
      }
    }
    const n = sd.stepsSinceSync;
    if (!Number.isInteger(n) || n < 0 || n >= this.k) {
      throw new RangeError(
        `loadStateDict: stepsSinceSync must be an integer in [0, ${this.k - 1}], got ${String(n)}`,
      );
    }
    const slow = checkArrays('slow', sd.slow, this.inner.params(), true);
    this.inner.loadStateDict(sd.inner as never); // checks itself; throws before changing anything
    this.slow = slow?.map((s) => s.slice()) ?? null;
    this.stepsSinceSync = n;
  }

  /** Frees the inner optimizer's state (it is unusable afterwards) and the slow weights. */
  free(): void {
    this.inner.free();
    this.slow = null;
  }
}

/** Checks per-parameter arrays of a wrapper's state dict: one per parameter, same length and dtype. */
export function checkArrays(
  key: string,
  arrays: unknown,
  params: Param[],
  nullable: boolean,
): FloatArray[] | null {
  if (arrays === null && nullable) return null;
  if (!Array.isArray(arrays) || arrays.length !== params.length) {
    throw new TypeError(
      `loadStateDict: ${key} must be an array of ${params.length} typed arrays (one per parameter)${nullable ? ' or null' : ''}`,
    );
  }
  arrays.forEach((a, j) => {
    const p = params[j];
    const want = p.dtype === 'f32' ? Float32Array : Float64Array;
    if (!(a instanceof want) || a.length !== p.length) {
      throw new TypeError(
        `loadStateDict: ${key}[${j}] must be a ${want.name} of length ${p.length} (${p.name})`,
      );
    }
  });
  return arrays as FloatArray[];
}
