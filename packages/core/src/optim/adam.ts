/**
 * Adam (Kingma & Ba, 2015), PyTorch's `torch.optim.Adam` (same defaults, update and validation).
 * With η lr, (β1, β2) betas, ε eps, λ weightDecay, per step t:
 *
 *   g_t = ∇f(θ_{t-1})  (-∇f with maximize);   g_t = g_t + λ θ_{t-1}  if λ != 0   (L2, coupled)
 *   m_t = β1 m_{t-1} + (1 - β1) g_t             first moment  (the notes' s^t)
 *   v_t = β2 v_{t-1} + (1 - β2) g_t²            second moment (the notes' r^t)
 *   v̂max_t = max(v̂max_{t-1}, v_t)              amsgrad only; then v_t below is v̂max_t
 *   θ_t = θ_{t-1} - η/(1 - β1^t) · m_t / (√v_t / √(1 - β2^t) + ε)
 *
 * i.e. θ_t = θ_{t-1} - η m̂_t / (√v̂_t + ε) with the bias corrections m̂ = m/(1-β1^t), v̂ = v/(1-β2^t)
 * (ε sits outside the correction, as in torch). The corrections undo the zero start of m and v:
 * on the first step m̂_1 = g_1, v̂_1 = g_1², so every coordinate moves by η g/(|g| + ε) ≈ ±η,
 * whatever the gradient's scale (notes-forms.test.ts checks it).
 *
 * `weightDecay` here adds λθ to g (L2, coupled); an L2 penalty λ Σθ² in the loss is weightDecay = 2λ.
 * For decoupled decay θ = (1 - ηλ)θ - η·(Adam step), use AdamW.
 *
 * The default path is one fused kernel call per parameter (`fusedAdamStep`), the scalars η/(1-β1^t)
 * and 1/√(1-β2^t) computed once per step here (a reciprocal: one division less per element than
 * torch's √v/√(1-β2^t), a difference of an ulp or so); `impl: 'reference'` runs `adamReferenceStep`.
 * State per parameter (torch's names, camelCased): step, expAvg, expAvgSq, maxExpAvgSq (amsgrad).
 */
import { type AdamStepScalars, type FloatArray, fusedAdamStep, type WasmArray } from '@descent/kernels';
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

export interface AdamOptions extends BaseOptions {
  /** η, default 1e-3. */
  lr: number;
  /** (β1, β2), each in [0, 1), default [0.9, 0.999]. */
  betas: [number, number];
  /** ε >= 0, default 1e-8. */
  eps: number;
  /** λ >= 0, default 0 (Adam: coupled L2; AdamW: decoupled, default 1e-2). */
  weightDecay: number;
  /** AMSGrad: divide by the running maximum of v, default false. */
  amsgrad: boolean;
  /** Ascend instead of descend, default false. */
  maximize: boolean;
}

export const ADAM_DEFAULTS: Readonly<AdamOptions> = Object.freeze({
  lr: 1e-3,
  betas: [0.9, 0.999] as [number, number],
  eps: 1e-8,
  weightDecay: 0,
  amsgrad: false,
  maximize: false,
});

/**
 * The same update as the fused kernel, in plain TypeScript over typed arrays (in place).
 * `s.decay` = 1 - ηλ for decoupled decay (AdamW), else 1; `s.weightDecay` = λ for coupled, else 0.
 */
export function adamReferenceStep(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  vmax: FloatArray | null,
  s: AdamStepScalars,
): void {
  for (let i = 0; i < p.length; i++) {
    p[i] = s.decay * p[i];
    let d = s.maximize ? -g[i] : g[i];
    if (s.weightDecay !== 0) d = d + s.weightDecay * p[i];
    m[i] = m[i] + (1 - s.beta1) * (d - m[i]);
    v[i] = s.beta2 * v[i] + (1 - s.beta2) * d * d;
    let vHat = v[i];
    if (s.amsgrad && vmax) vHat = vmax[i] = Math.max(vmax[i], v[i]);
    p[i] = p[i] - s.stepSize * (m[i] / (Math.sqrt(vHat) * s.invBias2Sqrt + s.eps));
  }
}

export function validateAdamOptions(o: AdamOptions): void {
  checkLr(o.lr);
  checkNonNegative('eps', o.eps);
  checkBetas(o.betas);
  checkNonNegative('weightDecay', o.weightDecay);
  checkBoolean('amsgrad', o.amsgrad);
  checkBoolean('maximize', o.maximize);
}

interface AdamState {
  [key: string]: number | WasmArray;
  step: number;
  expAvg: WasmArray;
  expAvgSq: WasmArray;
}

export class Adam extends Optimizer<AdamOptions> {
  /** The name in messages; AdamW overrides it. */
  protected static displayName = 'Adam';
  /** Decoupled weight decay (AdamW) instead of coupled L2. */
  protected static decoupled = false;
  readonly name: string;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> & OptimizerBehaviour = {}) {
    const kind = new.target as typeof Adam;
    const defaults = kind.decoupled ? { ...ADAM_DEFAULTS, weightDecay: 1e-2 } : ADAM_DEFAULTS;
    super(kind.displayName, params, defaults, options);
    this.name = kind.displayName;
  }

  protected validateGroup(o: AdamOptions): void {
    validateAdamOptions(o);
  }

  protected override prepareState(p: Param, group: ParamGroup<AdamOptions>): void {
    const st = this.stateOf<AdamState>(p, () => ({
      step: 0,
      expAvg: this.stateArray(p.dtype, p.length),
      expAvgSq: this.stateArray(p.dtype, p.length),
    }));
    if (group.amsgrad && !st.maxExpAvgSq) st.maxExpAvgSq = this.stateArray(p.dtype, p.length);
  }

  protected override stateSpec(_p: Param, group: ParamGroup<AdamOptions>): StateSpec {
    return {
      step: { kind: 'number', required: true },
      expAvg: { kind: 'array', required: true },
      expAvgSq: { kind: 'array', required: true },
      maxExpAvgSq: { kind: 'array', required: group.amsgrad },
    };
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    const decoupled = (this.constructor as typeof Adam).decoupled;
    const [beta1, beta2] = group.betas;
    const { lr, weightDecay } = group;
    for (const p of group.params) {
      const st = this.state.get(p) as AdamState;
      const step = ++st.step;
      const scalars: AdamStepScalars = {
        beta1,
        beta2,
        eps: group.eps,
        weightDecay: decoupled ? 0 : weightDecay,
        decay: decoupled ? 1 - lr * weightDecay : 1,
        maximize: group.maximize,
        stepSize: lr / (1 - beta1 ** step),
        invBias2Sqrt: 1 / Math.sqrt(1 - beta2 ** step),
        amsgrad: group.amsgrad,
      };
      const vmax = group.amsgrad ? (st.maxExpAvgSq as WasmArray) : null;
      if (this.impl === 'fused') {
        // the kernel reports whether p, m, v (and vmax) are all finite: no allFinite pass after
        this.storedFinite(p, fusedAdamStep(p.value, p.gradient, st.expAvg, st.expAvgSq, vmax, scalars));
      } else adamReferenceStep(p.data, p.grad, st.expAvg.data, st.expAvgSq.data, vmax?.data ?? null, scalars);
    }
  }
}
