/**
 * Gradient accumulation around any optimizer, with optax.MultiSteps' semantics
 * (optax/transforms/_accumulation.py): the inner optimizer steps once every k calls, with the mean
 * (or sum) of the k gradients it was given.
 *
 *   call with gradient g, mini-step m (0 .. k-1):
 *     A ← A + (g - A)/(m + 1)       useGradMean (default): the running mean of this cycle's gradients
 *     A ← A + g                     useGradMean false: their sum
 *     m < k - 1:  m ← m + 1, the parameters do not move          (optax: zero updates)
 *     m = k - 1:  inner step with gradient A;  A ← 0, m ← 0, gradientStep ← gradientStep + 1
 *
 *   const opt = new GradientAccumulation(new AdamW(params), { everyK: 4 });
 *   for (const batch of microBatches) { opt.zeroGrad(); computeGrads(batch); opt.step(); }
 *
 * Emulates a batch k times larger in the memory of one micro-batch. During the inner step the
 * parameters' gradients hold A; afterwards each gradient is put back as the caller left it. The
 * wrapper exposes the inner optimizer's `paramGroups`; step a scheduler once per `gradientStep`
 * (when `step()` returns with `lastCallStepped` true). A call with a NaN/Inf gradient does what the
 * inner optimizer's `onNonFinite` says: throw NonFiniteGradientError (nothing accumulated) or skip
 * the call (not counted). If the inner step throws, the accumulator and counters are as before the
 * call, so a retry steps exactly once. Accumulators live in JS memory (one array per parameter, of
 * its dtype). optax's `every_k_schedule` as a function and `should_skip_update_fn` are not offered.
 */
import { allFinite, type FloatArray } from '@descent/kernels';
import type { Param } from '../param.js';
import { checkArrays, checkInnerOptimizer, type SteppableOptimizer } from './lookahead.js';
import { type BaseOptions, NonFiniteGradientError, type Optimizer, type ParamGroup } from './optimizer.js';
import type { OptimizerStateDict } from './state-dict.js';
import { checkBoolean, checkKnownOptions, checkPositiveInt } from './validate.js';

export interface GradientAccumulationOptions {
  /** Calls per inner step (optax's every_k_schedule, an integer here), default 2. */
  everyK?: number;
  /** Average the k gradients (default true, optax's use_grad_mean) or sum them. */
  useGradMean?: boolean;
}

export interface GradientAccumulationStateDict {
  wrapper: 'GradientAccumulation';
  miniStep: number;
  gradientStep: number;
  /** The accumulated gradients of the current cycle, one array per parameter. */
  accGrads: FloatArray[];
  inner: OptimizerStateDict | unknown;
}

export class GradientAccumulation {
  readonly name = 'GradientAccumulation';
  readonly inner: SteppableOptimizer;
  readonly everyK: number;
  readonly useGradMean: boolean;
  /** Calls taken in the current cycle (0 .. everyK-1). */
  miniStep = 0;
  /** Inner steps taken through this wrapper. */
  gradientStep = 0;
  /** Whether the last `step()` call stepped the inner optimizer. */
  lastCallStepped = false;
  /** Calls skipped because of non-finite gradients (with the inner `onNonFinite: 'skip'`). */
  skippedCalls = 0;
  private acc: FloatArray[];

  constructor(inner: SteppableOptimizer | Optimizer<BaseOptions>, options: GradientAccumulationOptions = {}) {
    this.inner = checkInnerOptimizer('GradientAccumulation', inner);
    checkKnownOptions('GradientAccumulation', options, ['everyK', 'useGradMean']);
    const { everyK = 2, useGradMean = true } = options;
    checkPositiveInt('everyK', everyK);
    checkBoolean('useGradMean', useGradMean);
    this.everyK = everyK;
    this.useGradMean = useGradMean;
    this.acc = this.inner.params().map((p) => zerosLike(p));
  }

  get paramGroups(): ParamGroup<BaseOptions>[] {
    return this.inner.paramGroups;
  }

  params(): Param[] {
    return this.inner.params();
  }

  zeroGrad(): void {
    this.inner.zeroGrad();
  }

  /** Inner steps taken through this wrapper (= gradientStep): what a wrapper around it counts. */
  get stepsTaken(): number {
    return this.gradientStep;
  }

  get onNonFinite(): 'error' | 'skip' {
    return this.inner.onNonFinite;
  }

  set onNonFinite(v: 'error' | 'skip') {
    this.inner.onNonFinite = v;
  }

  /** Resets the inner state and drops the accumulated gradients of the current cycle. */
  resetState(): void {
    this.inner.resetState();
    this.acc = this.inner.params().map((p) => zerosLike(p));
    this.miniStep = 0;
  }

  /** Takes in the current gradients; every `everyK`-th call steps the inner optimizer with their mean. */
  step(closure?: () => number): number | undefined {
    this.lastCallStepped = false;
    const loss = closure?.();
    const params = this.inner.params();
    const bad = params.find((p) => !allFinite(p.gradient));
    if (bad) {
      if (this.inner.onNonFinite === 'skip') {
        this.skippedCalls++;
        return loss;
      }
      throw new NonFiniteGradientError(bad.name, this.gradientStep + 1);
    }
    const m = this.miniStep;
    const next = params.map((p, j) => {
      const a = this.acc[j].slice();
      const g = p.grad;
      if (this.useGradMean) for (let i = 0; i < a.length; i++) a[i] = a[i] + (g[i] - a[i]) / (m + 1);
      else for (let i = 0; i < a.length; i++) a[i] = a[i] + g[i];
      return a;
    });
    if (m < this.everyK - 1) {
      this.acc = next;
      this.miniStep = m + 1;
      return loss;
    }
    const given = params.map((p) => p.grad.slice());
    try {
      params.forEach((p, j) => {
        p.grad.set(next[j]);
      });
      this.inner.step();
    } finally {
      params.forEach((p, j) => {
        p.grad.set(given[j]);
      });
    }
    this.acc = params.map((p) => zerosLike(p));
    this.miniStep = 0;
    this.gradientStep++;
    this.lastCallStepped = true;
    return loss;
  }

  stateDict(): GradientAccumulationStateDict {
    return {
      wrapper: 'GradientAccumulation',
      miniStep: this.miniStep,
      gradientStep: this.gradientStep,
      accGrads: this.acc.map((a) => a.slice()),
      inner: this.inner.stateDict(),
    };
  }

  /** Restores `stateDict()` output; checked completely first (the inner dict too): on an error nothing changes. */
  loadStateDict(sd: GradientAccumulationStateDict): void {
    if (!sd || typeof sd !== 'object' || sd.wrapper !== 'GradientAccumulation') {
      throw new TypeError(
        "loadStateDict: expected a GradientAccumulation state dict ({ wrapper: 'GradientAccumulation', ... })",
      );
    }
    for (const key of Object.keys(sd)) {
      if (!['wrapper', 'miniStep', 'gradientStep', 'accGrads', 'inner'].includes(key)) {
        throw new RangeError(`loadStateDict: unknown key '${key}' in a GradientAccumulation state dict`);
      }
    }
    if (!Number.isInteger(sd.miniStep) || sd.miniStep < 0 || sd.miniStep >= this.everyK) {
      throw new RangeError(
        `loadStateDict: miniStep must be an integer in [0, ${this.everyK - 1}], got ${String(sd.miniStep)}`,
      );
    }
    if (!Number.isInteger(sd.gradientStep) || sd.gradientStep < 0) {
      throw new RangeError(
        `loadStateDict: gradientStep must be an integer >= 0, got ${String(sd.gradientStep)}`,
      );
    }
    const acc = checkArrays('accGrads', sd.accGrads, this.inner.params(), false) as FloatArray[];
    this.inner.loadStateDict(sd.inner as never);
    this.acc = acc.map((a) => a.slice());
    this.miniStep = sd.miniStep;
    this.gradientStep = sd.gradientStep;
  }

  /** Frees the inner optimizer's state (it is unusable afterwards). */
  free(): void {
    this.inner.free();
  }
}

function zerosLike(p: Param): FloatArray {
  return p.dtype === 'f32' ? new Float32Array(p.length) : new Float64Array(p.length);
}
