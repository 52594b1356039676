/**
 * Adagrad (Duchi, Hazan & Singer 2011), with PyTorch's conventions (torch.optim.Adagrad):
 *
 *   g_t   = ∇f(θ_{t-1}) (negated with `maximize`) + λ θ_{t-1}          λ = weightDecay (L2, coupled)
 *   η̃_t   = η / (1 + (t - 1) · lrDecay)
 *   G_t   = G_{t-1} + g_t²                                            G_0 = initialAccumulatorValue
 *   θ_t   = θ_{t-1} - η̃_t g_t / (√G_t + ε)
 *
 * Every coordinate gets its own step size η̃/√G, shrinking with the gradient energy it has seen:
 * large for rare features, small for frequent ones. Defaults are torch's: lr 1e-2, lrDecay 0,
 * weightDecay 0, initialAccumulatorValue 0, eps 1e-10. The fused kernel is the default path.
 *
 * `initialAccumulatorValue` is read from the constructor's options only, as torch (1.13 and 2.x)
 * does: every G_0 is filled from it when the optimizer is built (and when a parameter's state is
 * created later: a group added with addParamGroup, or after resetState). A value set on a group is
 * accepted and kept in the group, but ignored, exactly like torch, so a torch recipe with per-group
 * values runs the same here (adagrad.test.ts checks a two-group run against torch).
 */
import { type FloatArray, fusedAdagradStep, type WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import {
  type BaseOptions,
  Optimizer,
  type OptimizerBehaviour,
  type ParamGroup,
  type ParamState,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';
import { checkBoolean, checkLr, checkNonNegative } from './validate.js';

export interface AdagradOptions extends BaseOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

const DEFAULTS: AdagradOptions = {
  lr: 1e-2,
  lrDecay: 0,
  weightDecay: 0,
  initialAccumulatorValue: 0,
  eps: 1e-10,
  maximize: false,
};

interface AdagradState extends ParamState {
  step: number;
  sum: WasmArray;
}

/** The per-step scalars of one parameter's update. */
export interface AdagradStepScalars {
  /** η / (1 + (t - 1)·lrDecay) */
  clr: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** One Adagrad step in plain TypeScript: updates `theta` and `sum` in place. */
export function adagradReferenceStep(
  theta: FloatArray,
  grad: FloatArray,
  sum: FloatArray,
  s: AdagradStepScalars,
): void {
  for (let i = 0; i < theta.length; i++) {
    const g = (s.maximize ? -grad[i] : grad[i]) + s.weightDecay * theta[i];
    sum[i] += g * g;
    theta[i] -= (s.clr * g) / (Math.sqrt(sum[i]) + s.eps);
  }
}

export class Adagrad extends Optimizer<AdagradOptions> {
  readonly name = 'Adagrad';

  constructor(
    params: ParamsInput<AdagradOptions>,
    options: Partial<AdagradOptions> & OptimizerBehaviour = {},
  ) {
    super('Adagrad', params, DEFAULTS, options);
    // as torch, the accumulators exist from the start (filled with initialAccumulatorValue)
    for (const g of this.paramGroups) {
      for (const p of g.params) this.prepareState(p, g);
    }
  }

  protected validateGroup(o: AdagradOptions): void {
    checkLr(o.lr);
    checkNonNegative('lrDecay', o.lrDecay);
    checkNonNegative('weightDecay', o.weightDecay);
    checkNonNegative('initialAccumulatorValue', o.initialAccumulatorValue);
    checkNonNegative('eps', o.eps);
    checkBoolean('maximize', o.maximize);
  }

  protected override prepareState(p: Param, _group: ParamGroup<AdagradOptions>): void {
    this.stateOf<AdagradState>(p, () => {
      const sum = this.stateArray(p.dtype, p.length);
      sum.data.fill(this.defaults.initialAccumulatorValue); // torch: the constructor's, not the group's
      return { step: 0, sum };
    });
  }

  protected override stateSpec(_p: Param, _group: ParamGroup<AdagradOptions>): StateSpec {
    return { step: { kind: 'number', required: true }, sum: { kind: 'array', required: true } };
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>): void {
    for (const p of group.params) {
      const st = this.state.get(p) as AdagradState;
      st.step += 1;
      const s: AdagradStepScalars = {
        clr: group.lr / (1 + (st.step - 1) * group.lrDecay),
        eps: group.eps,
        weightDecay: group.weightDecay,
        maximize: group.maximize,
      };
      if (this.impl === 'fused') fusedAdagradStep(p.value, p.gradient, st.sum, s);
      else adagradReferenceStep(p.data, p.grad, st.sum.data, s);
    }
  }
}
