/**
 * Adadelta (Zeiler 2012), with PyTorch's conventions (torch.optim.Adadelta):
 *
 *   g_t = ∇f(θ_{t-1}) (negated with `maximize`) + λ θ_{t-1}            λ = weightDecay (L2, coupled)
 *   v_t = ρ v_{t-1} + (1 - ρ) g_t²                                     running mean of g²
 *   δ_t = √(u_{t-1} + ε) / √(v_t + ε) · g_t                            units of θ, no global step size
 *   u_t = ρ u_{t-1} + (1 - ρ) δ_t²                                     running mean of δ²
 *   θ_t = θ_{t-1} - η δ_t
 *
 * The paper has no learning rate (η = 1, torch's default); torch keeps η as a multiplier.
 * Defaults are torch's: lr 1.0, rho 0.9, eps 1e-6, weightDecay 0.
 */
import { type FloatArray, fusedAdadeltaStep, type WasmArray } from '@descent/kernels';
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
import { checkBoolean, checkInRange, checkLr, checkNonNegative } from './validate.js';

export interface AdadeltaOptions extends BaseOptions {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

const DEFAULTS: AdadeltaOptions = { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false };

interface AdadeltaState extends ParamState {
  step: number;
  squareAvg: WasmArray;
  accDelta: WasmArray;
}

/** One Adadelta step in plain TypeScript: updates `theta`, `squareAvg` and `accDelta` in place. */
export function adadeltaReferenceStep(
  theta: FloatArray,
  grad: FloatArray,
  squareAvg: FloatArray,
  accDelta: FloatArray,
  o: Pick<AdadeltaOptions, 'lr' | 'rho' | 'eps' | 'weightDecay' | 'maximize'>,
): void {
  for (let i = 0; i < theta.length; i++) {
    const g = (o.maximize ? -grad[i] : grad[i]) + o.weightDecay * theta[i];
    squareAvg[i] = o.rho * squareAvg[i] + (1 - o.rho) * g * g;
    const delta = (Math.sqrt(accDelta[i] + o.eps) / Math.sqrt(squareAvg[i] + o.eps)) * g;
    accDelta[i] = o.rho * accDelta[i] + (1 - o.rho) * delta * delta;
    theta[i] -= o.lr * delta;
  }
}

export class Adadelta extends Optimizer<AdadeltaOptions> {
  readonly name = 'Adadelta';

  constructor(
    params: ParamsInput<AdadeltaOptions>,
    options: Partial<AdadeltaOptions> & OptimizerBehaviour = {},
  ) {
    super('Adadelta', params, DEFAULTS, options);
  }

  protected validateGroup(o: AdadeltaOptions): void {
    checkLr(o.lr);
    checkInRange('rho', o.rho, 0, 1, true);
    checkNonNegative('eps', o.eps);
    checkNonNegative('weightDecay', o.weightDecay);
    checkBoolean('maximize', o.maximize);
  }

  protected override prepareState(p: Param): void {
    this.stateOf<AdadeltaState>(p, () => ({
      step: 0,
      squareAvg: this.stateArray(p.dtype, p.length),
      accDelta: this.stateArray(p.dtype, p.length),
    }));
  }

  protected override stateSpec(_p: Param, _group: ParamGroup<AdadeltaOptions>): StateSpec {
    return {
      step: { kind: 'number', required: true },
      squareAvg: { kind: 'array', required: true },
      accDelta: { kind: 'array', required: true },
    };
  }

  protected updateGroup(group: ParamGroup<AdadeltaOptions>): void {
    for (const p of group.params) {
      const st = this.state.get(p) as AdadeltaState;
      st.step += 1;
      if (this.impl === 'fused') fusedAdadeltaStep(p.value, p.gradient, st.squareAvg, st.accDelta, group);
      else adadeltaReferenceStep(p.data, p.grad, st.squareAvg.data, st.accDelta.data, group);
    }
  }
}
