/**
 * Schedule-free SGD and AdamW (Defazio, Yang, Mehta, Mishchenko, Khaled & Cutkosky 2024, "The Road
 * Less Scheduled"): no learning-rate schedule, yet the last iterate's quality of a tuned schedule.
 * Three sequences: z (plain SGD / Adam steps), x (a weighted average of the z's: the point to
 * evaluate and to ship) and y (between them: where gradients are taken). With β the momentum
 * (β1 for AdamW), k = 0, 1, ... and the step's learning rate η_k (after warmup):
 *
 *   y_k = (1 - β) z_k + β x_k                          the parameter holds y while training
 *   d_k = ∇f(y_k) + λ y_k                               SGD
 *   d_k = ∇f(y_k) / (√v_k + ε) + λ y_k,  v_k = β2 v_{k-1} + (1 - β2) ∇f(y_k)²       AdamW
 *   z_{k+1} = z_k - η_k d_k
 *   x_{k+1} = (1 - c_{k+1}) x_k + c_{k+1} z_{k+1},     c_{k+1} = w_k / Σ_{i<=k} w_i
 *   w_k = (k + 1)^r · (max_{i<=k} η_i)^weightLrPower
 *   η_k = lr · min(1, (k + 1) / warmupSteps)   (AdamW: times √(1 - β2^(k+1)), its bias correction)
 *
 * x is never stored: the step updates y in place as y ← lerp(y, z_k, c) + η (β (1 - c) - 1) d, then
 * z ← z - η d (the reference's algebra, so memory is one extra buffer z, plus v for AdamW).
 *
 * Evaluate at x: call `eval()` before evaluating or saving the model (it moves the parameters to
 * x = lerp(y, z, 1 - 1/β)) and `train()` before training again (y = lerp(x, z, 1 - β)). `step()`
 * in eval mode throws. The mode is each group's `trainMode` (the reference's `train_mode`), so it
 * travels with the state dict.
 *
 * Reference: facebookresearch/schedule_free @ 0083572, schedulefree/sgd_schedulefree.py and
 * adamw_schedulefree.py (SGDScheduleFree, AdamWScheduleFree), same defaults (SGD lr 1, momentum 0.9;
 * AdamW lr 0.0025, betas [0.9, 0.999], eps 1e-8; warmupSteps 0, r 0, weightLrPower 2, weightDecay 0).
 * Deviations: k, Σw and max η are kept per parameter (as `step`, `weightSum`, `lrMax`; identical
 * across a group) instead of in the group; every parameter steps every time (no `grad is None`).
 * The fused path is one kernel pass per parameter (`fusedScheduleFreeStep`); `impl: 'reference'`
 * runs `scheduleFreeReferenceStep`.
 */
import { type FloatArray, fusedScheduleFreeStep, scheduleFreeLerp, type WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import {
  type BaseOptions,
  Optimizer,
  type OptimizerBehaviour,
  type ParamGroup,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';
import { checkBetas, checkBoolean, checkLr, checkNonNegative } from './validate.js';

interface ScheduleFreeCommon extends BaseOptions {
  /** Peak η, reached after warmup. */
  lr: number;
  /** λ >= 0, decay computed at y, default 0. */
  weightDecay: number;
  /** Linear warmup over this many steps (an integer >= 0), default 0. */
  warmupSteps: number;
  /** Polynomial weighting (k+1)^r of the average, r >= 0, default 0. */
  r: number;
  /** The average's weights grow with (max η)^weightLrPower (>= 0), default 2. */
  weightLrPower: number;
  /** Whether the parameters hold y (train) or x (eval); set by train()/eval(), default true. */
  trainMode: boolean;
}

export interface ScheduleFreeSGDOptions extends ScheduleFreeCommon {
  /** β in (0, 1), the interpolation between z and x, default 0.9. */
  momentum: number;
}

export interface ScheduleFreeAdamWOptions extends ScheduleFreeCommon {
  /** (β1, β2): β1 in (0, 1) is the interpolation, β2 in [0, 1) the second moment's. */
  betas: [number, number];
  /** ε >= 0, default 1e-8. */
  eps: number;
}

const COMMON = { weightDecay: 0, warmupSteps: 0, r: 0, weightLrPower: 2, trainMode: true };
const SGD_DEFAULTS: ScheduleFreeSGDOptions = { lr: 1, momentum: 0.9, ...COMMON };
const ADAMW_DEFAULTS: ScheduleFreeAdamWOptions = { lr: 0.0025, betas: [0.9, 0.999], eps: 1e-8, ...COMMON };

/** What one step needs besides the arrays (see fusedScheduleFreeStep). */
export interface ScheduleFreeStepScalars {
  c: number;
  yCoef: number;
  lr: number;
  weightDecay: number;
  beta2?: number;
  eps?: number;
}

/** torch.lerp(a, b, w): a + w (b - a) for |w| < 0.5, else b - (b - a)(1 - w). */
function lerp(a: number, b: number, w: number): number {
  return Math.abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);
}

/** One step in plain TypeScript (in place); `v` is null for SGD. */
export function scheduleFreeReferenceStep(
  y: FloatArray,
  g: FloatArray,
  z: FloatArray,
  v: FloatArray | null,
  s: ScheduleFreeStepScalars,
): void {
  for (let i = 0; i < y.length; i++) {
    let d = g[i];
    if (v) {
      v[i] = (s.beta2 as number) * v[i] + (1 - (s.beta2 as number)) * (d * d);
      d = d / (Math.sqrt(v[i]) + (s.eps as number));
    }
    if (s.weightDecay !== 0) d = d + s.weightDecay * y[i];
    y[i] = lerp(y[i], z[i], s.c) + s.yCoef * d;
    z[i] = z[i] - s.lr * d;
  }
}

function validateCommon(o: ScheduleFreeCommon): void {
  checkLr(o.lr);
  checkNonNegative('weightDecay', o.weightDecay);
  if (!Number.isInteger(o.warmupSteps) || o.warmupSteps < 0) {
    throw new RangeError(`Invalid warmupSteps value: ${String(o.warmupSteps)} (expected an integer >= 0)`);
  }
  checkNonNegative('r', o.r);
  checkNonNegative('weightLrPower', o.weightLrPower);
  checkBoolean('trainMode', o.trainMode);
}

interface ScheduleFreeState {
  [key: string]: number | WasmArray;
  step: number;
  weightSum: number;
  lrMax: number;
  z: WasmArray;
}

type AnyOptions = ScheduleFreeSGDOptions | ScheduleFreeAdamWOptions;

abstract class ScheduleFree<O extends AnyOptions> extends Optimizer<O> {
  /** β: the momentum (SGD) or β1 (AdamW). */
  protected abstract beta(group: O): number;
  /** Whether the step is AdamW's (a second moment). */
  protected abstract readonly adaptive: boolean;

  /** Throws (before anything is touched) if a group is in eval mode. */
  override step(closure?: () => number): number | undefined {
    this.checkUsable();
    const i = this.paramGroups.findIndex((g) => g.trainMode === false);
    if (i >= 0) {
      throw new Error(
        `${this.name}.step: paramGroups[${i}] is in eval mode (the parameters hold x); call train() first (nothing was changed)`,
      );
    }
    return super.step(closure);
  }

  /** Moves every group in train mode to the evaluation point x = lerp(y, z, 1 - 1/β). */
  eval(): void {
    this.checkUsable();
    for (const g of this.paramGroups) {
      if (!g.trainMode) continue;
      this.lerpToZ(g, 1 - 1 / this.beta(g));
      g.trainMode = false;
    }
  }

  /** Moves every group in eval mode back to the gradient point y = lerp(x, z, 1 - β). */
  train(): void {
    this.checkUsable();
    for (const g of this.paramGroups) {
      if (g.trainMode) continue;
      this.lerpToZ(g, 1 - this.beta(g));
      g.trainMode = true;
    }
  }

  private lerpToZ(g: ParamGroup<O>, w: number): void {
    for (const p of g.params) {
      const st = this.state.get(p) as ScheduleFreeState | undefined;
      if (!st) continue;
      if (this.impl === 'fused') scheduleFreeLerp(p.value, st.z, w);
      else {
        const x = p.data;
        const z = st.z.data;
        for (let i = 0; i < x.length; i++) x[i] = lerp(x[i], z[i], w);
      }
    }
  }

  protected override prepareState(p: Param): void {
    this.stateOf<ScheduleFreeState>(p, () => {
      const z = this.stateArray(p.dtype, p.length);
      z.data.set(p.data);
      const st: ScheduleFreeState = { step: 0, weightSum: 0, lrMax: -1, z };
      if (this.adaptive) st.expAvgSq = this.stateArray(p.dtype, p.length);
      return st;
    });
  }

  protected override stateSpec(): StateSpec {
    const spec: StateSpec = {
      step: { kind: 'number', required: true },
      weightSum: { kind: 'number', required: true },
      lrMax: { kind: 'number', required: true },
      z: { kind: 'array', required: true },
    };
    if (this.adaptive) spec.expAvgSq = { kind: 'array', required: true };
    return spec;
  }

  protected updateGroup(group: ParamGroup<O>): void {
    const beta = this.beta(group);
    const beta2 = this.adaptive ? (group as ScheduleFreeAdamWOptions).betas[1] : 0;
    for (const p of group.params) {
      const st = this.state.get(p) as ScheduleFreeState;
      const k = st.step;
      const sched = k < group.warmupSteps ? (k + 1) / group.warmupSteps : 1;
      let lr = group.lr * sched;
      if (this.adaptive) lr *= Math.sqrt(1 - beta2 ** (k + 1));
      st.lrMax = Math.max(lr, st.lrMax);
      const weight = (k + 1) ** group.r * st.lrMax ** group.weightLrPower;
      st.weightSum += weight;
      const c = st.weightSum === 0 ? 0 : weight / st.weightSum;
      st.step = k + 1;
      const s: ScheduleFreeStepScalars = {
        c,
        yCoef: lr * (beta * (1 - c) - 1),
        lr,
        weightDecay: group.weightDecay,
      };
      if (this.adaptive) {
        s.beta2 = beta2;
        s.eps = (group as ScheduleFreeAdamWOptions).eps;
      }
      const v = this.adaptive ? (st.expAvgSq as WasmArray) : null;
      if (this.impl === 'fused') fusedScheduleFreeStep(p.value, p.gradient, st.z, v, s);
      else scheduleFreeReferenceStep(p.data, p.grad, st.z.data, v?.data ?? null, s);
    }
  }
}

export class ScheduleFreeSGD extends ScheduleFree<ScheduleFreeSGDOptions> {
  readonly name = 'ScheduleFreeSGD';
  protected readonly adaptive = false;

  constructor(
    params: ParamsInput<ScheduleFreeSGDOptions>,
    options: Partial<ScheduleFreeSGDOptions> & OptimizerBehaviour = {},
  ) {
    super('ScheduleFreeSGD', params, SGD_DEFAULTS, options);
  }

  protected beta(group: ScheduleFreeSGDOptions): number {
    return group.momentum;
  }

  protected validateGroup(o: ScheduleFreeSGDOptions): void {
    validateCommon(o);
    const m = o.momentum;
    if (typeof m !== 'number' || !(m > 0 && m < 1)) {
      throw new RangeError(`Invalid momentum value: ${String(m)} (expected 0 < momentum < 1)`);
    }
  }
}

export class ScheduleFreeAdamW extends ScheduleFree<ScheduleFreeAdamWOptions> {
  readonly name = 'ScheduleFreeAdamW';
  protected readonly adaptive = true;

  constructor(
    params: ParamsInput<ScheduleFreeAdamWOptions>,
    options: Partial<ScheduleFreeAdamWOptions> & OptimizerBehaviour = {},
  ) {
    super('ScheduleFreeAdamW', params, ADAMW_DEFAULTS, options);
  }

  protected beta(group: ScheduleFreeAdamWOptions): number {
    return group.betas[0];
  }

  protected validateGroup(o: ScheduleFreeAdamWOptions): void {
    validateCommon(o);
    checkBetas(o.betas);
    if (o.betas[0] === 0) {
      throw new RangeError(
        'Invalid beta parameter at index 0: 0 (schedule-free needs β1 > 0: x = lerp(y, z, 1 - 1/β1))',
      );
    }
    checkNonNegative('eps', o.eps);
  }
}
