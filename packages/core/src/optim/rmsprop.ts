/**
 * RMSprop (Tieleman & Hinton 2012), with PyTorch's conventions (torch.optim.RMSprop):
 *
 *   g_t = ∇f(θ_{t-1}) (negated with `maximize`) + λ θ_{t-1}            λ = weightDecay (L2, coupled)
 *   v_t = α v_{t-1} + (1 - α) g_t²                                     the notes' r^t
 *   centered:  ḡ_t = α ḡ_{t-1} + (1 - α) g_t,   d_t = √(v_t - ḡ_t²) + ε    (variance, not raw 2nd moment)
 *   else:      d_t = √v_t + ε
 *   momentum μ > 0:  b_t = μ b_{t-1} + g_t / d_t,   θ_t = θ_{t-1} - η b_t
 *   else:            θ_t = θ_{t-1} - η g_t / d_t
 *
 * Note ε is added outside the square root (as torch; TF puts it inside). Defaults are torch's:
 * lr 1e-2, alpha 0.99, eps 1e-8, weightDecay 0, momentum 0, centered false.
 */
import { type FloatArray, fusedRmspropStep, type WasmArray } from '@descent/kernels';
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

export interface RMSpropOptions extends BaseOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

const DEFAULTS: RMSpropOptions = {
  lr: 1e-2,
  alpha: 0.99,
  eps: 1e-8,
  weightDecay: 0,
  momentum: 0,
  centered: false,
  maximize: false,
};

/** gradAvg (when centered) and momentumBuffer (when momentum > 0) join on first use. */
interface RMSpropState extends ParamState {
  step: number;
  squareAvg: WasmArray;
}

/** One RMSprop step in plain TypeScript over one parameter's arrays (updated in place). */
export function rmspropReferenceStep(
  theta: FloatArray,
  grad: FloatArray,
  state: { squareAvg: FloatArray; gradAvg?: FloatArray; momentumBuffer?: FloatArray },
  o: Pick<RMSpropOptions, 'lr' | 'alpha' | 'eps' | 'weightDecay' | 'momentum' | 'centered' | 'maximize'>,
): void {
  const { squareAvg: v, gradAvg: ga, momentumBuffer: b } = state;
  for (let i = 0; i < theta.length; i++) {
    const g = (o.maximize ? -grad[i] : grad[i]) + o.weightDecay * theta[i];
    v[i] = o.alpha * v[i] + (1 - o.alpha) * g * g;
    let d: number;
    if (o.centered) {
      ga![i] = o.alpha * ga![i] + (1 - o.alpha) * g;
      d = Math.sqrt(v[i] - ga![i] * ga![i]) + o.eps;
    } else {
      d = Math.sqrt(v[i]) + o.eps;
    }
    if (o.momentum > 0) {
      b![i] = o.momentum * b![i] + g / d;
      theta[i] -= o.lr * b![i];
    } else {
      theta[i] -= (o.lr * g) / d;
    }
  }
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  readonly name = 'RMSprop';

  constructor(
    params: ParamsInput<RMSpropOptions>,
    options: Partial<RMSpropOptions> & OptimizerBehaviour = {},
  ) {
    super('RMSprop', params, DEFAULTS, options);
  }

  protected validateGroup(o: RMSpropOptions): void {
    checkLr(o.lr);
    checkNonNegative('eps', o.eps);
    checkNonNegative('momentum', o.momentum);
    checkNonNegative('weightDecay', o.weightDecay);
    checkNonNegative('alpha', o.alpha);
    checkBoolean('centered', o.centered);
    checkBoolean('maximize', o.maximize);
  }

  protected override prepareState(p: Param, group: ParamGroup<RMSpropOptions>): void {
    const st = this.stateOf<RMSpropState>(p, () => ({
      step: 0,
      squareAvg: this.stateArray(p.dtype, p.length),
    }));
    // buffers appear when their option is first on (torch creates them at the first step)
    if (group.centered && !st.gradAvg) st.gradAvg = this.stateArray(p.dtype, p.length);
    if (group.momentum > 0 && !st.momentumBuffer) st.momentumBuffer = this.stateArray(p.dtype, p.length);
  }

  protected override stateSpec(_p: Param, group: ParamGroup<RMSpropOptions>): StateSpec {
    return {
      step: { kind: 'number', required: true },
      squareAvg: { kind: 'array', required: true },
      gradAvg: { kind: 'array', required: group.centered },
      momentumBuffer: { kind: 'array', required: group.momentum > 0 },
    };
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>): void {
    for (const p of group.params) {
      const st = this.state.get(p) as RMSpropState;
      st.step += 1;
      const gradAvg = group.centered ? (st.gradAvg as WasmArray) : undefined;
      const momentumBuffer = st.momentumBuffer as WasmArray | undefined;
      if (this.impl === 'fused') {
        fusedRmspropStep(p.value, p.gradient, { squareAvg: st.squareAvg, gradAvg, momentumBuffer }, group);
      } else {
        rmspropReferenceStep(
          p.data,
          p.grad,
          { squareAvg: st.squareAvg.data, gradAvg: gradAvg?.data, momentumBuffer: momentumBuffer?.data },
          group,
        );
      }
    }
  }
}
