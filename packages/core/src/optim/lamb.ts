/**
 * LAMB (You, Li, Reddi, Hseu, Kumar, Bhojanapalli, Song, Demmel, Keutzer & Hsieh 2020, "Large Batch
 * Optimization for Deep Learning: Training BERT in 76 minutes"): Adam's update rescaled per
 * parameter (per layer) by a trust ratio, so every layer moves by about lr times its own norm.
 * Per step t and parameter θ (η lr, λ weightDecay):
 *
 *   m = β1 m + (1 - β1) g;   v = β2 v + (1 - β2) g²
 *   u = (m/(1 - β1^t)) / (√(v/(1 - β2^t) + ε_root) + ε) + λ θ
 *   r = ‖θ‖ / ‖u‖   (1 when either norm is 0)
 *   θ = θ - η r u
 *
 * Reference: optax @ 2edbcbe, `optax.lamb` = chain(scale_by_adam(b1, b2, eps, eps_root),
 * add_decayed_weights(weight_decay), scale_by_trust_ratio(), scale_by_learning_rate(lr)), same
 * defaults (betas [0.9, 0.999], eps 1e-6, epsRoot 0, weightDecay 0). optax has no default lr; ours
 * is 1e-3. Use a group with weightDecay 0 where optax would use `mask` (biases, norms).
 * Deviations: the norms are summed in f64 (optax sums in the parameter's dtype); -η r is applied as
 * one factor (optax multiplies by r, then by -η).
 * The fused path is two kernel passes per parameter (`lambMoments` returns the two norms, then
 * `lambApply`); `impl: 'reference'` runs `lambReferenceStep`. State: step, expAvg, expAvgSq.
 */
import { type FloatArray, type LambScalars, lambApply, lambMoments } from '@descent/kernels';
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
import { checkBetas, checkLr, checkNonNegative } from './validate.js';

export interface LambOptions extends BaseOptions {
  lr: number;
  betas: [number, number];
  /** ε >= 0 outside the root, default 1e-6. */
  eps: number;
  /** ε_root >= 0 inside the root, default 0. */
  epsRoot: number;
  /** λ >= 0, decoupled (added to the Adam direction before the trust ratio), default 0. */
  weightDecay: number;
}

const DEFAULTS: LambOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-6, epsRoot: 0, weightDecay: 0 };

/** The trust ratio ‖θ‖ / (‖u‖ + ε) · c, 1 when either norm is 0 (optax's scale_by_trust_ratio). */
export function trustRatio(paramSq: number, updateSq: number, coefficient = 1, eps = 0): number {
  const pn = Math.sqrt(paramSq);
  const un = Math.sqrt(updateSq);
  return pn === 0 || un === 0 ? 1 : (coefficient * pn) / (un + eps);
}

/** One step in plain TypeScript (in place). */
export function lambReferenceStep(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  s: LambScalars,
  lr: number,
): void {
  const u = new Float64Array(p.length);
  let pp = 0;
  let uu = 0;
  for (let i = 0; i < p.length; i++) {
    m[i] = (1 - s.beta1) * g[i] + s.beta1 * m[i];
    v[i] = (1 - s.beta2) * (g[i] * g[i]) + s.beta2 * v[i];
    u[i] = m[i] / s.bias1 / (Math.sqrt(v[i] / s.bias2 + s.epsRoot) + s.eps) + s.weightDecay * p[i];
    pp += p[i] * p[i];
    uu += u[i] * u[i];
  }
  const scale = -lr * trustRatio(pp, uu);
  for (let i = 0; i < p.length; i++) p[i] = p[i] + scale * u[i];
}

export class LAMB extends Optimizer<LambOptions> {
  readonly name = 'LAMB';

  constructor(params: ParamsInput<LambOptions>, options: Partial<LambOptions> & OptimizerBehaviour = {}) {
    super('LAMB', params, DEFAULTS, options);
  }

  protected validateGroup(o: LambOptions): void {
    checkLr(o.lr);
    checkBetas(o.betas);
    checkNonNegative('eps', o.eps);
    checkNonNegative('epsRoot', o.epsRoot);
    checkNonNegative('weightDecay', o.weightDecay);
  }

  protected override prepareState(p: Param): void {
    this.stateOf<MomentState>(p, () => newMomentState(p, (dt, n) => this.stateArray(dt, n)));
  }

  protected override stateSpec(): StateSpec {
    return momentStateSpec;
  }

  protected updateGroup(group: ParamGroup<LambOptions>): void {
    const [beta1, beta2] = group.betas;
    for (const p of group.params) {
      const st = this.state.get(p) as MomentState;
      const t = ++st.step;
      const s: LambScalars = {
        beta1,
        beta2,
        bias1: 1 - beta1 ** t,
        bias2: 1 - beta2 ** t,
        eps: group.eps,
        epsRoot: group.epsRoot,
        weightDecay: group.weightDecay,
      };
      if (this.impl === 'fused') {
        const n = lambMoments(p.value, p.gradient, st.expAvg, st.expAvgSq, s);
        lambApply(p.value, st.expAvg, st.expAvgSq, s, -group.lr * trustRatio(n.paramSq, n.updateSq));
      } else lambReferenceStep(p.data, p.grad, st.expAvg.data, st.expAvgSq.data, s, group.lr);
    }
  }
}
