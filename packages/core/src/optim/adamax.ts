/**
 * Adamax (Kingma & Ba, 2015, §7: Adam with the infinity norm), PyTorch's `torch.optim.Adamax`.
 * With η lr, (β1, β2) betas, ε eps, λ weightDecay, per step t:
 *
 *   g_t = ∇f(θ_{t-1})  (-∇f with maximize);   g_t = g_t + λ θ_{t-1}  if λ != 0   (L2, coupled)
 *   m_t = β1 m_{t-1} + (1 - β1) g_t
 *   u_t = max(β2 u_{t-1}, |g_t| + ε)           the exponentially weighted infinity norm (torch: exp_inf)
 *   θ_t = θ_{t-1} - η / (1 - β1^t) · m_t / u_t
 *
 * u needs no bias correction (a max is not biased toward its zero start). ε is added inside the
 * max, as torch does, so u >= ε > 0 and the division is safe. Defaults as torch: lr 2e-3.
 * Fused path: `fusedAdamaxStep`; `impl: 'reference'` runs `adamaxReferenceStep`.
 * State: step, expAvg, expInf.
 */
import { type AdamaxStepScalars, type FloatArray, fusedAdamaxStep, type WasmArray } from '@descent/kernels';
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

export interface AdamaxOptions extends BaseOptions {
  /** η, default 2e-3. */
  lr: number;
  /** (β1, β2), default [0.9, 0.999]. */
  betas: [number, number];
  /** ε, default 1e-8. */
  eps: number;
  /** λ (coupled), default 0. */
  weightDecay: number;
  /** Ascend instead of descend, default false. */
  maximize: boolean;
}

export const ADAMAX_DEFAULTS: Readonly<AdamaxOptions> = Object.freeze({
  lr: 2e-3,
  betas: [0.9, 0.999] as [number, number],
  eps: 1e-8,
  weightDecay: 0,
  maximize: false,
});

/** The same update as the fused kernel, in plain TypeScript over typed arrays (in place). */
export function adamaxReferenceStep(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  u: FloatArray,
  s: AdamaxStepScalars,
) {
  for (let i = 0; i < p.length; i++) {
    let d = s.maximize ? -g[i] : g[i];
    if (s.weightDecay !== 0) d = d + s.weightDecay * p[i];
    m[i] = m[i] + (1 - s.beta1) * (d - m[i]);
    u[i] = Math.max(s.beta2 * u[i], Math.abs(d) + s.eps);
    p[i] = p[i] - s.clr * (m[i] / u[i]);
  }
}

interface AdamaxState {
  [key: string]: number | WasmArray;
  step: number;
  expAvg: WasmArray;
  expInf: WasmArray;
}

export class Adamax extends Optimizer<AdamaxOptions> {
  readonly name = 'Adamax';

  constructor(params: ParamsInput<AdamaxOptions>, options: Partial<AdamaxOptions> & OptimizerBehaviour = {}) {
    super('Adamax', params, ADAMAX_DEFAULTS, options);
  }

  protected validateGroup(o: AdamaxOptions): void {
    checkLr(o.lr);
    checkNonNegative('eps', o.eps);
    checkBetas(o.betas);
    checkNonNegative('weightDecay', o.weightDecay);
    checkBoolean('maximize', o.maximize);
  }

  protected override prepareState(p: Param): void {
    this.stateOf<AdamaxState>(p, () => ({
      step: 0,
      expAvg: this.stateArray(p.dtype, p.length),
      expInf: this.stateArray(p.dtype, p.length),
    }));
  }

  protected override stateSpec(_p: Param, _group: ParamGroup<AdamaxOptions>): StateSpec {
    return {
      step: { kind: 'number', required: true },
      expAvg: { kind: 'array', required: true },
      expInf: { kind: 'array', required: true },
    };
  }

  protected updateGroup(group: ParamGroup<AdamaxOptions>): void {
    const [beta1, beta2] = group.betas;
    for (const p of group.params) {
      const st = this.state.get(p) as AdamaxState;
      const t = ++st.step;
      const scalars: AdamaxStepScalars = {
        beta1,
        beta2,
        eps: group.eps,
        weightDecay: group.weightDecay,
        decay: 1,
        maximize: group.maximize,
        clr: group.lr / (1 - beta1 ** t),
      };
      if (this.impl === 'fused') fusedAdamaxStep(p.value, p.gradient, st.expAvg, st.expInf, scalars);
      else adamaxReferenceStep(p.data, p.grad, st.expAvg.data, st.expInf.data, scalars);
    }
  }
}
