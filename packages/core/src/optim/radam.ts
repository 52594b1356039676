/**
 * RAdam (Liu et al., 2020: rectified Adam), PyTorch's `torch.optim.RAdam` as of torch 2.x.
 * With η lr, (β1, β2) betas, ε eps, λ weightDecay, per step t:
 *
 *   g_t = ∇f(θ_{t-1})  (-∇f with maximize)
 *   θ_{t-1} ← (1 - ηλ) θ_{t-1}  if decoupledWeightDecay,  else  g_t = g_t + λ θ_{t-1}  (if λ != 0)
 *   m_t = β1 m_{t-1} + (1 - β1) g_t,   v_t = β2 v_{t-1} + (1 - β2) g_t²,   m̂_t = m_t / (1 - β1^t)
 *   ρ_∞ = 2 / (1 - β2) - 1,   ρ_t = ρ_∞ - 2 t β2^t / (1 - β2^t)      length of the approximated SMA
 *   if ρ_t > 5:   r_t = √((ρ_t - 4)(ρ_t - 2) ρ_∞ / ((ρ_∞ - 4)(ρ_∞ - 2) ρ_t))
 *                 θ_t = θ_{t-1} - η m̂_t · √(1 - β2^t) / (√v_t + ε) · r_t     (rectified adaptive step)
 *   else:         θ_t = θ_{t-1} - η m̂_t                                       (SGD with momentum)
 *
 * In the first steps the variance of the adaptive learning rate is intractable (ρ_t <= 5: four
 * steps with β2 = 0.999), so RAdam takes plain momentum steps there instead of a warmup.
 * ρ_t, r_t and whether to rectify are computed here once per step; the kernel takes the flag.
 * Defaults as torch: lr 1e-3. Fused path: `fusedRAdamStep`; `impl: 'reference'` runs
 * `radamReferenceStep`. State: step, expAvg, expAvgSq.
 */
import { type FloatArray, fusedRAdamStep, type RAdamStepScalars } from '@descent/kernels';
import type { Param } from '../param.js';
import { type MomentState, momentStateSpec, newMomentState } from './moment-state.js';
import {
  type BaseOptions,
  Optimizer,
  type OptimizerBehaviour,
  type ParamGroup,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';
import { checkBetas, checkBoolean, checkLr, checkNonNegative } from './validate.js';

export interface RAdamOptions extends BaseOptions {
  /** η, default 1e-3. */
  lr: number;
  /** (β1, β2), default [0.9, 0.999]. */
  betas: [number, number];
  /** ε, default 1e-8. */
  eps: number;
  /** λ, default 0. */
  weightDecay: number;
  /** Decay θ by (1 - ηλ) (AdamW style) instead of adding λθ to g, default false. */
  decoupledWeightDecay: boolean;
  /** Ascend instead of descend, default false. */
  maximize: boolean;
}

export const RADAM_DEFAULTS: Readonly<RAdamOptions> = Object.freeze({
  lr: 1e-3,
  betas: [0.9, 0.999] as [number, number],
  eps: 1e-8,
  weightDecay: 0,
  decoupledWeightDecay: false,
  maximize: false,
});

/** ρ_t and the rectification r_t of step t (rectify: ρ_t > 5), as torch computes them. */
export function radamRectification(
  beta2: number,
  t: number,
): { rhoT: number; rectify: boolean; rect: number } {
  const bias2 = 1 - beta2 ** t;
  const rhoInf = 2 / (1 - beta2) - 1;
  const rhoT = rhoInf - (2 * t * beta2 ** t) / bias2;
  const rectify = rhoT > 5;
  const rect = rectify
    ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT))
    : 0;
  return { rhoT, rectify, rect };
}

/** The same update as the fused kernel, in plain TypeScript over typed arrays (in place). */
export function radamReferenceStep(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  s: RAdamStepScalars,
) {
  for (let i = 0; i < p.length; i++) {
    p[i] = s.decay * p[i];
    let d = s.maximize ? -g[i] : g[i];
    if (s.weightDecay !== 0) d = d + s.weightDecay * p[i];
    m[i] = m[i] + (1 - s.beta1) * (d - m[i]);
    v[i] = s.beta2 * v[i] + (1 - s.beta2) * d * d;
    let u = (m[i] / s.bias1) * s.lr;
    if (s.rectify) u = u * (s.bias2Sqrt / (Math.sqrt(v[i]) + s.eps)) * s.rect;
    p[i] = p[i] - u;
  }
}

export class RAdam extends Optimizer<RAdamOptions> {
  readonly name = 'RAdam';

  constructor(params: ParamsInput<RAdamOptions>, options: Partial<RAdamOptions> & OptimizerBehaviour = {}) {
    super('RAdam', params, RADAM_DEFAULTS, options);
  }

  protected validateGroup(o: RAdamOptions): void {
    checkLr(o.lr);
    checkNonNegative('eps', o.eps);
    checkBetas(o.betas);
    checkNonNegative('weightDecay', o.weightDecay);
    checkBoolean('decoupledWeightDecay', o.decoupledWeightDecay);
    checkBoolean('maximize', o.maximize);
  }

  protected override prepareState(p: Param): void {
    this.stateOf<MomentState>(p, () => newMomentState(p, (dt, n) => this.stateArray(dt, n)));
  }

  protected override stateSpec(): StateSpec {
    return momentStateSpec;
  }

  protected updateGroup(group: ParamGroup<RAdamOptions>): void {
    const [beta1, beta2] = group.betas;
    const { lr, weightDecay } = group;
    const decoupled = group.decoupledWeightDecay;
    for (const p of group.params) {
      const st = this.state.get(p) as MomentState;
      const t = ++st.step;
      const { rectify, rect } = radamRectification(beta2, t);
      const scalars: RAdamStepScalars = {
        beta1,
        beta2,
        eps: group.eps,
        weightDecay: decoupled ? 0 : weightDecay,
        decay: decoupled ? 1 - lr * weightDecay : 1,
        maximize: group.maximize,
        lr,
        bias1: 1 - beta1 ** t,
        bias2Sqrt: Math.sqrt(1 - beta2 ** t),
        rectify,
        rect,
      };
      if (this.impl === 'fused') fusedRAdamStep(p.value, p.gradient, st.expAvg, st.expAvgSq, scalars);
      else radamReferenceStep(p.data, p.grad, st.expAvg.data, st.expAvgSq.data, scalars);
    }
  }
}
