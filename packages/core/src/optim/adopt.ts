/**
 * ADOPT (Taniguchi, Harada, Minegishi, Oshima, Jeong, Nagahara, Iiyama, Suzuki, Iwasawa & Matsuo
 * 2024, "ADOPT: Modified Adam Can Converge with Any β2 with the Optimal Rate"): Adam with the
 * gradient normalized by the PREVIOUS second moment (so g_t and v_{t-1} are independent) and the
 * momentum taken after the normalization. Per step t = 0, 1, ... (η lr, λ weightDecay):
 *
 *   g_t = ∇f(θ_t) (negated with maximize);   g_t = g_t + λ θ_t   (coupled, decouple: false)
 *   t = 0:   v_0 = g_0²            and nothing else (θ does not move)
 *   t >= 1:  θ = θ (1 - η λ)                                       (decoupled, decouple: true)
 *            u = clip(g_t / max(√v_{t-1}, ε), ±t^{1/4})             (clip: false drops the clamp)
 *            m_t = β1 m_{t-1} + (1 - β1) u                          (torch's lerp)
 *            θ_{t+1} = θ - η m_t
 *            v_t = β2 v_{t-1} + (1 - β2) g_t²
 *
 * No bias correction: v starts at g_0² and m needs none (the first u is already O(1)).
 *
 * Reference: iShohei220/adopt @ 6468572, src/adopt/adopt.py (ADOPT, _single_tensor_adopt), same
 * defaults (lr 1e-3, betas [0.9, 0.9999], eps 1e-6, weightDecay 0, decouple false, maximize false).
 * Deviation: the reference's `clip_lambda` (a function of the step, default step ** 0.25) is the
 * boolean `clip` here (true = step^{1/4}, false = None), so options stay serializable.
 * The fused path is one kernel pass per parameter (`fusedAdoptStep`); `impl: 'reference'` runs
 * `adoptReferenceStep`. State per parameter: step, expAvg, expAvgSq.
 */
import { type AdoptScalars, type FloatArray, fusedAdoptStep } from '@descent/kernels';
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

export interface AdoptOptions extends BaseOptions {
  lr: number;
  /** (β1, β2), each in [0, 1), default [0.9, 0.9999]. */
  betas: [number, number];
  /** ε >= 0, the floor of √v, default 1e-6. */
  eps: number;
  /** Clamp the normalized gradient to ±step^{1/4}, default true. */
  clip: boolean;
  weightDecay: number;
  /** Decoupled (AdamW-style) decay instead of adding λθ to g, default false. */
  decouple: boolean;
  maximize: boolean;
}

const DEFAULTS: AdoptOptions = {
  lr: 1e-3,
  betas: [0.9, 0.9999],
  eps: 1e-6,
  clip: true,
  weightDecay: 0,
  decouple: false,
  maximize: false,
};

/** torch.lerp(a, b, w). */
function lerp(a: number, b: number, w: number): number {
  return Math.abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);
}

/** One step in plain TypeScript (in place), the kernel's update. */
export function adoptReferenceStep(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  s: AdoptScalars,
): void {
  for (let i = 0; i < p.length; i++) {
    let d = s.maximize ? -g[i] : g[i];
    if (s.weightDecay !== 0) d = d + s.weightDecay * p[i];
    if (s.first) {
      v[i] = v[i] + d * d;
      continue;
    }
    const x = s.decayCoef !== 0 ? p[i] + s.decayCoef * p[i] : p[i];
    let u = d / Math.max(Math.sqrt(v[i]), s.eps);
    if (s.clip !== null) u = Math.min(Math.max(u, -s.clip), s.clip);
    m[i] = lerp(m[i], u, 1 - s.beta1);
    p[i] = x - s.lr * m[i];
    v[i] = s.beta2 * v[i] + (1 - s.beta2) * (d * d);
  }
}

export class ADOPT extends Optimizer<AdoptOptions> {
  readonly name = 'ADOPT';

  constructor(params: ParamsInput<AdoptOptions>, options: Partial<AdoptOptions> & OptimizerBehaviour = {}) {
    super('ADOPT', params, DEFAULTS, options);
  }

  protected validateGroup(o: AdoptOptions): void {
    checkLr(o.lr);
    checkBetas(o.betas);
    checkNonNegative('eps', o.eps);
    checkBoolean('clip', o.clip);
    checkNonNegative('weightDecay', o.weightDecay);
    checkBoolean('decouple', o.decouple);
    checkBoolean('maximize', o.maximize);
  }

  protected override prepareState(p: Param): void {
    this.stateOf<MomentState>(p, () => newMomentState(p, (dt, n) => this.stateArray(dt, n)));
  }

  protected override stateSpec(): StateSpec {
    return momentStateSpec;
  }

  protected updateGroup(group: ParamGroup<AdoptOptions>): void {
    const [beta1, beta2] = group.betas;
    for (const p of group.params) {
      const st = this.state.get(p) as MomentState;
      const step = st.step;
      const s: AdoptScalars = {
        lr: group.lr,
        beta1,
        beta2,
        eps: group.eps,
        clip: group.clip ? step ** 0.25 : null,
        weightDecay: group.decouple ? 0 : group.weightDecay,
        decayCoef: group.decouple ? -group.lr * group.weightDecay : 0,
        maximize: group.maximize,
        first: step === 0,
      };
      st.step = step + 1;
      if (this.impl === 'fused') fusedAdoptStep(p.value, p.gradient, st.expAvg, st.expAvgSq, s);
      else adoptReferenceStep(p.data, p.grad, st.expAvg.data, st.expAvgSq.data, s);
    }
  }
}
