/**
 * NAdam (Dozat, 2016: Adam with Nesterov momentum), PyTorch's `torch.optim.NAdam` as of torch 2.x.
 * With η lr, (β1, β2) betas, ε eps, λ weightDecay, ψ momentumDecay, per step t:
 *
 *   g_t = ∇f(θ_{t-1})  (-∇f with maximize)
 *   θ_{t-1} ← (1 - ηλ) θ_{t-1}          if decoupledWeightDecay     (as AdamW)
 *   g_t = g_t + λ θ_{t-1}               otherwise, if λ != 0        (L2, coupled)
 *   μ_t = β1 (1 - ½ · 0.96^{tψ}),   μ_{t+1} = β1 (1 - ½ · 0.96^{(t+1)ψ})     momentum schedule
 *   m_t = β1 m_{t-1} + (1 - β1) g_t,   v_t = β2 v_{t-1} + (1 - β2) g_t²
 *   denom = √(v_t / (1 - β2^t)) + ε
 *   θ_t = θ_{t-1} - η (1 - μ_t) / (1 - Π_{i≤t} μ_i) · g_t / denom
 *                 - η μ_{t+1} / (1 - Π_{i≤t+1} μ_i) · m_t / denom
 *
 * The Nesterov look-ahead shows in the last line: the step uses the momentum of the *next* step
 * (μ_{t+1} m_t) plus the current gradient's share (1 - μ_t) g_t. Π_{i≤t} μ_i is kept in the state as
 * `muProduct`, a float32 number as in torch (a float32 tensor there, whatever the parameter dtype).
 *
 * torch 1.13 computed Π_{i≤t+1} μ_i as muProduct · μ_t · μ_{t+1} (μ_t counted twice), a bug fixed
 * since; we follow current torch. Defaults as torch: lr 2e-3, momentumDecay 4e-3.
 * Fused path: `fusedNAdamStep`, every scalar computed once per step here; `impl: 'reference'` runs
 * `nadamReferenceStep`. State: step, muProduct, expAvg, expAvgSq.
 */
import { type FloatArray, fusedNAdamStep, type NAdamStepScalars, type WasmArray } from '@descent/kernels';
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

export interface NAdamOptions extends BaseOptions {
  /** η, default 2e-3. */
  lr: number;
  /** (β1, β2), default [0.9, 0.999]. */
  betas: [number, number];
  /** ε, default 1e-8. */
  eps: number;
  /** λ, default 0. */
  weightDecay: number;
  /** ψ >= 0, default 4e-3. */
  momentumDecay: number;
  /** Decay θ by (1 - ηλ) (AdamW style) instead of adding λθ to g, default false. */
  decoupledWeightDecay: boolean;
  /** Ascend instead of descend, default false. */
  maximize: boolean;
}

export const NADAM_DEFAULTS: Readonly<NAdamOptions> = Object.freeze({
  lr: 2e-3,
  betas: [0.9, 0.999] as [number, number],
  eps: 1e-8,
  weightDecay: 0,
  momentumDecay: 4e-3,
  decoupledWeightDecay: false,
  maximize: false,
});

/** The same update as the fused kernel, in plain TypeScript over typed arrays (in place). */
export function nadamReferenceStep(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  s: NAdamStepScalars,
) {
  for (let i = 0; i < p.length; i++) {
    p[i] = s.decay * p[i];
    let d = s.maximize ? -g[i] : g[i];
    if (s.weightDecay !== 0) d = d + s.weightDecay * p[i];
    m[i] = m[i] + (1 - s.beta1) * (d - m[i]);
    v[i] = s.beta2 * v[i] + (1 - s.beta2) * d * d;
    const denom = Math.sqrt(v[i] / s.bias2) + s.eps;
    p[i] = p[i] + s.gradCoef * (d / denom);
    p[i] = p[i] + s.avgCoef * (m[i] / denom);
  }
}

interface NAdamState {
  [key: string]: number | WasmArray;
  step: number;
  muProduct: number;
  expAvg: WasmArray;
  expAvgSq: WasmArray;
}

export class NAdam extends Optimizer<NAdamOptions> {
  readonly name = 'NAdam';

  constructor(params: ParamsInput<NAdamOptions>, options: Partial<NAdamOptions> & OptimizerBehaviour = {}) {
    super('NAdam', params, NADAM_DEFAULTS, options);
  }

  protected validateGroup(o: NAdamOptions): void {
    checkLr(o.lr);
    checkNonNegative('eps', o.eps);
    checkBetas(o.betas);
    checkNonNegative('weightDecay', o.weightDecay);
    checkNonNegative('momentumDecay', o.momentumDecay);
    checkBoolean('decoupledWeightDecay', o.decoupledWeightDecay);
    checkBoolean('maximize', o.maximize);
  }

  protected override prepareState(p: Param): void {
    this.stateOf<NAdamState>(p, () => ({
      step: 0,
      muProduct: 1,
      expAvg: this.stateArray(p.dtype, p.length),
      expAvgSq: this.stateArray(p.dtype, p.length),
    }));
  }

  protected override stateSpec(_p: Param, _group: ParamGroup<NAdamOptions>): StateSpec {
    return {
      step: { kind: 'number', required: true },
      muProduct: { kind: 'number', required: true },
      expAvg: { kind: 'array', required: true },
      expAvgSq: { kind: 'array', required: true },
    };
  }

  protected updateGroup(group: ParamGroup<NAdamOptions>): void {
    const [beta1, beta2] = group.betas;
    const { lr, weightDecay, momentumDecay } = group;
    const decoupled = group.decoupledWeightDecay;
    for (const p of group.params) {
      const st = this.state.get(p) as NAdamState;
      const t = ++st.step;
      const mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentumDecay));
      st.muProduct = Math.fround(st.muProduct * Math.fround(mu));
      const scalars: NAdamStepScalars = {
        beta1,
        beta2,
        eps: group.eps,
        weightDecay: decoupled ? 0 : weightDecay,
        decay: decoupled ? 1 - lr * weightDecay : 1,
        maximize: group.maximize,
        bias2: 1 - beta2 ** t,
        gradCoef: (-lr * (1 - mu)) / (1 - st.muProduct),
        avgCoef: (-lr * muNext) / (1 - st.muProduct * muNext),
      };
      if (this.impl === 'fused') fusedNAdamStep(p.value, p.gradient, st.expAvg, st.expAvgSq, scalars);
      else nadamReferenceStep(p.data, p.grad, st.expAvg.data, st.expAvgSq.data, scalars);
    }
  }
}
