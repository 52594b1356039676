/**
 * AdEMAMix (Pagliardini, Ablin & Grangier 2024, "The AdEMAMix Optimizer: Better, Faster, Older"):
 * Adam plus a second, slow gradient EMA, so old gradients keep pulling (β3 = 0.9999 remembers ~10^4
 * steps). Per step t (η lr, λ weightDecay, decoupled):
 *
 *   m1 = β1 m1 + (1 - β1) g               fast EMA (bias-corrected)
 *   m2 = β3(t) m2 + (1 - β3(t)) g         slow EMA (not corrected)
 *   v  = β2 v + (1 - β2) g²
 *   θ  = θ - η ( (m1/(1 - β1^t) + α(t) m2) / (√v/√(1 - β2^t) + ε) + λ θ )
 *
 * Warmups (the slow EMA is too strong early on): with alphaWarmup T_α, α(t) = α t/T_α for t < T_α;
 * with beta3Warmup T_β, β3(t) moves from β1 to β3 linearly in half-life:
 *   β3(t) = f⁻¹((1 - t/T_β) f(β1) + (t/T_β) f(β3)),  f(β) = ln ½ / ln(β + 1e-8) - 1,  f⁻¹(h) = ½^{1/(h+1)}
 * null (the default) means no warmup.
 *
 * Reference: apple/ml-ademamix @ e732715, pytorch/ademamix.py, same defaults (lr 1e-3, betas
 * [0.9, 0.999, 0.9999], alpha 2, beta3Warmup null, alphaWarmup null, eps 1e-8, weightDecay 0).
 * Deviation: with β1 = 0 the reference keeps no fast EMA (it uses g); here m1 is kept and equals g.
 * The fused path is one kernel pass per parameter (`fusedAdEMAMixStep`); `impl: 'reference'` runs
 * `ademamixReferenceStep`. State per parameter: step, expAvgFast, expAvgSlow, expAvgSq.
 */
import { type AdEMAMixScalars, type FloatArray, fusedAdEMAMixStep, type WasmArray } from '@descent/kernels';
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

export interface AdEMAMixOptions extends BaseOptions {
  lr: number;
  /** (β1, β2, β3), each in [0, 1), default [0.9, 0.999, 0.9999]. */
  betas: [number, number, number];
  /** α >= 0, the slow EMA's weight, default 2. */
  alpha: number;
  /** Steps of β3 warmup (a positive integer), or null (default). */
  beta3Warmup: number | null;
  /** Steps of α warmup (a positive integer), or null (default). */
  alphaWarmup: number | null;
  eps: number;
  weightDecay: number;
}

const DEFAULTS: AdEMAMixOptions = {
  lr: 1e-3,
  betas: [0.9, 0.999, 0.9999],
  alpha: 2,
  beta3Warmup: null,
  alphaWarmup: null,
  eps: 1e-8,
  weightDecay: 0,
};

/** α(t): linear from 0 to α over `warmup` steps (the reference's linear_warmup_scheduler). */
export function ademamixAlpha(step: number, alpha: number, warmup: number | null): number {
  if (warmup === null || step >= warmup) return alpha;
  const a = step / warmup;
  return (1 - a) * 0 + a * alpha;
}

/** β3(t): linear in half-life from β1 to β3 over `warmup` steps (linear_hl_warmup_scheduler). */
export function ademamixBeta3(step: number, beta1: number, beta3: number, warmup: number | null): number {
  if (warmup === null || step >= warmup) return beta3;
  const f = (b: number) => Math.log(0.5) / Math.log(b + 1e-8) - 1;
  const a = step / warmup;
  return 0.5 ** (1 / ((1 - a) * f(beta1) + a * f(beta3) + 1));
}

/** One step in plain TypeScript (in place), the kernel's update. */
export function ademamixReferenceStep(
  p: FloatArray,
  g: FloatArray,
  m1: FloatArray,
  m2: FloatArray,
  v: FloatArray,
  s: AdEMAMixScalars,
): void {
  for (let i = 0; i < p.length; i++) {
    m1[i] = s.beta1 * m1[i] + (1 - s.beta1) * g[i];
    m2[i] = s.beta3 * m2[i] + (1 - s.beta3) * g[i];
    v[i] = s.beta2 * v[i] + (1 - s.beta2) * (g[i] * g[i]);
    const u = (m1[i] / s.bias1 + s.alpha * m2[i]) / (Math.sqrt(v[i]) / s.bias2Sqrt + s.eps);
    p[i] = p[i] - s.lr * (u + s.weightDecay * p[i]);
  }
}

function checkWarmup(label: string, v: unknown): void {
  if (v !== null && !(Number.isInteger(v) && (v as number) > 0)) {
    throw new RangeError(`Invalid ${label} value: ${String(v)} (expected null or a positive integer)`);
  }
}

interface AdEMAMixState {
  [key: string]: number | WasmArray;
  step: number;
  expAvgFast: WasmArray;
  expAvgSlow: WasmArray;
  expAvgSq: WasmArray;
}

export class AdEMAMix extends Optimizer<AdEMAMixOptions> {
  readonly name = 'AdEMAMix';

  constructor(
    params: ParamsInput<AdEMAMixOptions>,
    options: Partial<AdEMAMixOptions> & OptimizerBehaviour = {},
  ) {
    super('AdEMAMix', params, DEFAULTS, options);
  }

  protected validateGroup(o: AdEMAMixOptions): void {
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
    checkNonNegative('alpha', o.alpha);
    checkWarmup('beta3Warmup', o.beta3Warmup);
    checkWarmup('alphaWarmup', o.alphaWarmup);
    checkNonNegative('eps', o.eps);
    checkNonNegative('weightDecay', o.weightDecay);
  }

  protected override prepareState(p: Param): void {
    this.stateOf<AdEMAMixState>(p, () => ({
      step: 0,
      expAvgFast: this.stateArray(p.dtype, p.length),
      expAvgSlow: this.stateArray(p.dtype, p.length),
      expAvgSq: this.stateArray(p.dtype, p.length),
    }));
  }

  protected override stateSpec(): StateSpec {
    return {
      step: { kind: 'number', required: true },
      expAvgFast: { kind: 'array', required: true },
      expAvgSlow: { kind: 'array', required: true },
      expAvgSq: { kind: 'array', required: true },
    };
  }

  protected updateGroup(group: ParamGroup<AdEMAMixOptions>): void {
    const [beta1, beta2, beta3] = group.betas;
    for (const p of group.params) {
      const st = this.state.get(p) as AdEMAMixState;
      const t = ++st.step;
      const s: AdEMAMixScalars = {
        lr: group.lr,
        beta1,
        beta2,
        beta3: ademamixBeta3(t, beta1, beta3, group.beta3Warmup),
        alpha: ademamixAlpha(t, group.alpha, group.alphaWarmup),
        bias1: 1 - beta1 ** t,
        bias2Sqrt: Math.sqrt(1 - beta2 ** t),
        eps: group.eps,
        weightDecay: group.weightDecay,
      };
      if (this.impl === 'fused')
        fusedAdEMAMixStep(p.value, p.gradient, st.expAvgFast, st.expAvgSlow, st.expAvgSq, s);
      else ademamixReferenceStep(p.data, p.grad, st.expAvgFast.data, st.expAvgSlow.data, st.expAvgSq.data, s);
    }
  }
}
