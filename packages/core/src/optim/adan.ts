/**
 * Adan (Xie, Zhou, Li, Lin & Yan 2024, "Adan: Adaptive Nesterov Momentum Algorithm for Faster
 * Optimizing Deep Models"): Nesterov momentum without the extra gradient, through an EMA of
 * gradient differences. Per step k (η lr, λ weightDecay; sail-sg's betas weigh the old value):
 *
 *   g_k = c ∇f(θ_k)     c = min(1, maxGradNorm / (‖g‖_all + ε)) with clipping, else 1; g_0 := g_1
 *   m_k = β1 m_{k-1} + (1 - β1) g_k
 *   e_k = β2 e_{k-1} + (1 - β2) (g_k - g_{k-1})
 *   n_k = β3 n_{k-1} + (1 - β3) (g_k + β2 (g_k - g_{k-1}))²
 *   u_k = (m_k/(1 - β1^k) + β2 e_k/(1 - β2^k)) / (√(n_k/(1 - β3^k)) + ε)
 *   θ_{k+1} = (θ_k - η u_k) / (1 + η λ)                  (proximal decay, the default)
 *   θ_{k+1} = θ_k (1 - η λ) - η u_k                      (noProx: true)
 *
 * Reference: sail-sg/Adan @ 062d4cd, adan.py (Adan, _single_tensor_adan), same defaults (lr 1e-3,
 * betas [0.98, 0.92, 0.99], eps 1e-8, weightDecay 0, maxGradNorm 0 = no clipping, noProx false).
 * As there, maxGradNorm is the first group's (the reference reads the constructor's) and the ε of
 * c the last group's. Deviations: the global norm is summed in f64; the gradients are not scaled
 * in place (the reference leaves c·g in p.grad). The fused path is one kernel pass per parameter
 * (`fusedAdanStep`); `impl: 'reference'` runs `adanReferenceStep`.
 * State per parameter: step, expAvg, expAvgDiff, expAvgSq, negPreGrad (-g_{k-1}).
 */
import { type AdanScalars, type FloatArray, fusedAdanStep, nrm2, type WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import {
  type BaseOptions,
  Optimizer,
  type OptimizerBehaviour,
  type ParamGroup,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';
import { checkLr, checkNonNegative } from './validate.js';

export interface AdanOptions extends BaseOptions {
  lr: number;
  /** (β1, β2, β3), each in [0, 1), default [0.98, 0.92, 0.99]. */
  betas: [number, number, number];
  eps: number;
  weightDecay: number;
  /** Clip the global gradient norm to this (> 0), or 0 for no clipping (default). */
  maxGradNorm: number;
  /** Decay θ(1 - ηλ) before the step instead of dividing by 1 + ηλ after it, default false. */
  noProx: boolean;
}

const DEFAULTS: AdanOptions = {
  lr: 1e-3,
  betas: [0.98, 0.92, 0.99],
  eps: 1e-8,
  weightDecay: 0,
  maxGradNorm: 0,
  noProx: false,
};

/** One step in plain TypeScript (in place), the kernel's update. */
export function adanReferenceStep(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  e: FloatArray,
  n: FloatArray,
  q: FloatArray,
  s: AdanScalars,
): void {
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] * s.clip;
    const qi = s.first ? -gi : q[i];
    let delta = qi + gi;
    m[i] = s.beta1 * m[i] + (1 - s.beta1) * gi;
    e[i] = s.beta2 * e[i] + (1 - s.beta2) * delta;
    delta = delta * s.beta2 + gi;
    n[i] = s.beta3 * n[i] + (1 - s.beta3) * (delta * delta);
    const denom = Math.sqrt(n[i]) / s.bias3Sqrt + s.eps;
    let x = s.noProx ? p[i] * (1 - s.lr * s.weightDecay) : p[i];
    x = x - s.stepSize * (m[i] / denom) - s.stepSizeDiff * (e[i] / denom);
    p[i] = s.noProx ? x : x / (1 + s.lr * s.weightDecay);
    q[i] = -gi;
  }
}

interface AdanState {
  [key: string]: number | WasmArray;
  step: number;
  expAvg: WasmArray;
  expAvgDiff: WasmArray;
  expAvgSq: WasmArray;
  negPreGrad: WasmArray;
}

export class Adan extends Optimizer<AdanOptions> {
  readonly name = 'Adan';
  /** The step's clipping factor c, computed with the first group. */
  private clip = 1;

  constructor(params: ParamsInput<AdanOptions>, options: Partial<AdanOptions> & OptimizerBehaviour = {}) {
    super('Adan', params, DEFAULTS, options);
  }

  protected validateGroup(o: AdanOptions): void {
    checkLr(o.lr);
    if (!Array.isArray(o.betas) || o.betas.length !== 3) {
      throw new RangeError(
        `Invalid betas value: ${JSON.stringify(o.betas)} (expected [beta1, beta2, beta3])`,
      );
    }
    o.betas.forEach((b, i) => {
      if (typeof b !== 'number' || !(b >= 0 && b < 1)) {
        throw new RangeError(`Invalid beta parameter at index ${i}: ${String(b)}`);
      }
    });
    checkNonNegative('eps', o.eps);
    checkNonNegative('weightDecay', o.weightDecay);
    checkNonNegative('maxGradNorm', o.maxGradNorm);
    if (typeof o.noProx !== 'boolean') {
      throw new RangeError(`Invalid noProx value: ${String(o.noProx)} (expected true or false)`);
    }
  }

  protected override prepareState(p: Param): void {
    this.stateOf<AdanState>(p, () => ({
      step: 0,
      expAvg: this.stateArray(p.dtype, p.length),
      expAvgDiff: this.stateArray(p.dtype, p.length),
      expAvgSq: this.stateArray(p.dtype, p.length),
      negPreGrad: this.stateArray(p.dtype, p.length),
    }));
  }

  protected override stateSpec(): StateSpec {
    return {
      step: { kind: 'number', required: true },
      expAvg: { kind: 'array', required: true },
      expAvgDiff: { kind: 'array', required: true },
      expAvgSq: { kind: 'array', required: true },
      negPreGrad: { kind: 'array', required: true },
    };
  }

  protected updateGroup(group: ParamGroup<AdanOptions>): void {
    if (group === this.paramGroups[0]) {
      const max = group.maxGradNorm;
      this.clip = 1;
      if (max > 0) {
        let sq = 0;
        for (const p of this.params()) sq += nrm2(p.gradient) ** 2;
        const eps = this.paramGroups[this.paramGroups.length - 1].eps;
        this.clip = Math.min(max / (Math.sqrt(sq) + eps), 1);
      }
    }
    const [beta1, beta2, beta3] = group.betas;
    for (const p of group.params) {
      const st = this.state.get(p) as AdanState;
      const k = ++st.step;
      const s: AdanScalars = {
        beta1,
        beta2,
        beta3,
        bias3Sqrt: Math.sqrt(1 - beta3 ** k),
        eps: group.eps,
        stepSize: group.lr / (1 - beta1 ** k),
        stepSizeDiff: (group.lr * beta2) / (1 - beta2 ** k),
        clip: this.clip,
        lr: group.lr,
        weightDecay: group.weightDecay,
        noProx: group.noProx,
        first: k === 1,
      };
      if (this.impl === 'fused')
        fusedAdanStep(p.value, p.gradient, st.expAvg, st.expAvgDiff, st.expAvgSq, st.negPreGrad, s);
      else
        adanReferenceStep(
          p.data,
          p.grad,
          st.expAvg.data,
          st.expAvgDiff.data,
          st.expAvgSq.data,
          st.negPreGrad.data,
          s,
        );
    }
  }
}
