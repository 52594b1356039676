/**
 * Prodigy (Mishchenko & Defazio 2024, "Prodigy: An Expeditiously Adaptive Parameter-Free Learner"):
 * Adam whose step size d is estimated on the fly, so lr stays 1. With k the step, d_k the estimate
 * (starting at d0), η = lr (the largest group lr), β3 = √β2 unless given, and the sums running over
 * every parameter of every group:
 *
 *   m = β1 m + d_k (1 - β1) g;      v = β2 v + d_k² (1 - β2) g²
 *   r_{k+1} = β3 r_k + (d_k/d0) η_k d_k ⟨g, x0 - x⟩                 η_k d_k = dlr below
 *   s = β3 s + (d_k/d0) η_k d_k g      (safeguardWarmup: (d_k/d0) d_k g)
 *   d̂ = dCoef r_{k+1} / Σ|s|;   d_{k+1} = min(max(d_max, d̂), d_k · growthRate)   (d_max = max d̂)
 *   x = x (1 - λ η_k d_k)                                            decoupled decay (default)
 *   x = x - η_k d_k m / (√v + d_{k+1} ε)
 *
 * with η_k d_k = dlr = d_k · lr · (useBiasCorrection ? √(1 - β2^{k+1}) / (1 - β1^{k+1}) : 1) and,
 * with decouple: false, λ x added to g instead (coupled L2). ⟨g, x0 - x⟩ > 0 while the iterates
 * move away from x0 downhill, so d grows until it matches the distance to the solution.
 *
 * Reference: konstmish/prodigy @ 009a715, prodigyopt/prodigy.py, same defaults (lr 1, betas
 * [0.9, 0.999], beta3 null = √β2, eps 1e-8, weightDecay 0, decouple true, useBiasCorrection false,
 * safeguardWarmup false, d0 1e-6, dCoef 1, growthRate Infinity). As there, betas, beta3, dCoef,
 * growthRate, decouple and useBiasCorrection are read from the first group, groups may only differ
 * in lr by setting it to 0, and a step whose Σ|s| is 0 updates only the moments. Deviations: no
 * slice_p and no FSDP; the sums are taken in f64 (torch sums f32 tensors in f32); the global d,
 * d_max and r are kept in every parameter's state (`d`, `dMax`, `dNumerator`, identical
 * everywhere) so the state dict stays per parameter; `opt.d` reads the current estimate.
 *
 * The fused path is two kernel passes per parameter (`prodigyAccumulate`, then
 * `adaptiveAdamApply`); `impl: 'reference'` runs `prodigyReferenceAccumulate`/`...Apply`.
 */
import { adaptiveAdamApply, type FloatArray, prodigyAccumulate, type WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import {
  type BaseOptions,
  Optimizer,
  type OptimizerBehaviour,
  type ParamGroup,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';
import { checkBetas, checkBoolean, checkLr, checkNonNegative, checkPositive } from './validate.js';

export interface ProdigyOptions extends BaseOptions {
  /** A multiplier of the estimated step (default 1); 0 freezes a group. */
  lr: number;
  betas: [number, number];
  /** β3 in [0, 1) for the numerator and s, or null for √β2 (default). */
  beta3: number | null;
  /** ε >= 0 (scaled by d), default 1e-8. */
  eps: number;
  weightDecay: number;
  /** Decoupled (AdamW) decay, default true; false adds λx to g. */
  decouple: boolean;
  useBiasCorrection: boolean;
  /** Leave η out of s (helps when warmup makes η tiny), default false. */
  safeguardWarmup: boolean;
  /** The initial estimate d0 > 0, default 1e-6. */
  d0: number;
  /** The estimate's multiplier (> 0), default 1: the knob to tune, 0.5-2 typical. */
  dCoef: number;
  /** The largest factor d may grow by per step (> 0, Infinity allowed), default Infinity. */
  growthRate: number;
}

const DEFAULTS: ProdigyOptions = {
  lr: 1,
  betas: [0.9, 0.999],
  beta3: null,
  eps: 1e-8,
  weightDecay: 0,
  decouple: true,
  useBiasCorrection: false,
  safeguardWarmup: false,
  d0: 1e-6,
  dCoef: 1,
  growthRate: Number.POSITIVE_INFINITY,
};

interface ProdigyState {
  [key: string]: number | WasmArray;
  step: number;
  d: number;
  dMax: number;
  dNumerator: number;
  s: WasmArray;
  p0: WasmArray;
  expAvg: WasmArray;
  expAvgSq: WasmArray;
}

/** The scalars of pass 1 (see prodigyAccumulate in @descent/kernels). */
export interface ProdigyAccumulateScalars {
  beta1: number;
  mCoef: number;
  beta2: number;
  vCoef: number;
  beta3: number;
  sCoef: number;
  weightDecay: number;
}

/**
 * Rounds to the array's precision: f32 arrays get every operation rounded (Math.fround), as the
 * kernel computes, because d feeds back into every step and amplifies a rounding difference.
 */
function rounder(a: FloatArray): (x: number) => number {
  return a instanceof Float32Array ? Math.fround : (x) => x;
}

/** Pass 1 in plain TypeScript: updates m, v, s in place; returns ⟨d, p0 - p⟩ and Σ|s| (f64 sums). */
export function prodigyReferenceAccumulate(
  p: FloatArray,
  g: FloatArray,
  p0: FloatArray,
  m: FloatArray,
  v: FloatArray,
  s: FloatArray,
  k: ProdigyAccumulateScalars,
): { dot: number; l1: number } {
  const r = rounder(p);
  const [b1, mc, b2, vc, b3, sc, wd] = [
    k.beta1,
    k.mCoef,
    k.beta2,
    k.vCoef,
    k.beta3,
    k.sCoef,
    k.weightDecay,
  ].map(r);
  let dot = 0;
  let l1 = 0;
  for (let i = 0; i < p.length; i++) {
    const d = wd !== 0 ? r(g[i] + r(wd * p[i])) : g[i];
    dot += d * r(p0[i] - p[i]);
    m[i] = r(b1 * m[i]) + r(mc * d);
    v[i] = r(b2 * v[i]) + r(r(vc * d) * d);
    s[i] = r(b3 * s[i]) + r(sc * d);
    l1 += Math.abs(s[i]);
  }
  return { dot, l1 };
}

/** Pass 2 in plain TypeScript: p = p + decayCoef p + stepCoef m / (√v + eps). */
export function prodigyReferenceApply(
  p: FloatArray,
  m: FloatArray,
  v: FloatArray,
  decayCoef: number,
  stepCoef: number,
  eps: number,
): void {
  const r = rounder(p);
  const [dc, sc, e] = [decayCoef, stepCoef, eps].map(r);
  for (let i = 0; i < p.length; i++) {
    const x = dc !== 0 ? r(p[i] + r(dc * p[i])) : p[i];
    p[i] = x + r(sc * r(m[i] / r(r(Math.sqrt(v[i])) + e)));
  }
}

export class Prodigy extends Optimizer<ProdigyOptions> {
  readonly name = 'Prodigy';

  constructor(
    params: ParamsInput<ProdigyOptions>,
    options: Partial<ProdigyOptions> & OptimizerBehaviour = {},
  ) {
    super('Prodigy', params, DEFAULTS, options);
  }

  /** The current step-size estimate d (the effective Adam lr is d · lr). */
  get d(): number {
    return this.globals().d;
  }

  protected validateGroup(o: ProdigyOptions): void {
    checkLr(o.lr);
    checkBetas(o.betas);
    if (o.beta3 !== null && (typeof o.beta3 !== 'number' || !(o.beta3 >= 0 && o.beta3 < 1))) {
      throw new RangeError(`Invalid beta3 value: ${String(o.beta3)} (expected null or 0 <= beta3 < 1)`);
    }
    checkNonNegative('eps', o.eps);
    checkNonNegative('weightDecay', o.weightDecay);
    checkBoolean('decouple', o.decouple);
    checkBoolean('useBiasCorrection', o.useBiasCorrection);
    checkBoolean('safeguardWarmup', o.safeguardWarmup);
    checkPositive('d0', o.d0);
    checkPositive('dCoef', o.dCoef);
    if (typeof o.growthRate !== 'number' || !(o.growthRate > 0)) {
      throw new RangeError(
        `Invalid growthRate value: ${String(o.growthRate)} (expected > 0, Infinity allowed)`,
      );
    }
  }

  /** Groups may differ in lr only by setting it to 0 (the reference's rule); checked before anything. */
  override step(closure?: () => number): number | undefined {
    this.checkUsable();
    const lr = Math.max(...this.paramGroups.map((g) => g.lr));
    const i = this.paramGroups.findIndex((g) => g.lr !== lr && g.lr !== 0);
    if (i >= 0) {
      throw new RangeError(
        `Prodigy.step: paramGroups[${i}].lr is ${this.paramGroups[i].lr}, but groups may only use the largest lr (${lr}) or 0 (nothing was changed)`,
      );
    }
    return super.step(closure);
  }

  /** d, d_max, r and k: from any parameter's state, or the initial values. */
  private globals(): { d: number; dMax: number; dNumerator: number; k: number } {
    for (const s of this.state.values()) {
      const st = s as ProdigyState;
      return { d: st.d, dMax: st.dMax, dNumerator: st.dNumerator, k: st.step };
    }
    const d0 = this.paramGroups[0].d0;
    return { d: d0, dMax: d0, dNumerator: 0, k: 0 };
  }

  protected override prepareState(p: Param): void {
    if (this.state.has(p)) return;
    const g = this.globals();
    const p0 = this.stateArray(p.dtype, p.length);
    p0.data.set(p.data);
    this.state.set(p, {
      step: g.k,
      d: g.d,
      dMax: g.dMax,
      dNumerator: g.dNumerator,
      s: this.stateArray(p.dtype, p.length),
      p0,
      expAvg: this.stateArray(p.dtype, p.length),
      expAvgSq: this.stateArray(p.dtype, p.length),
    } satisfies ProdigyState);
  }

  protected override stateSpec(): StateSpec {
    const spec: StateSpec = {};
    for (const k of ['step', 'd', 'dMax', 'dNumerator']) spec[k] = { kind: 'number', required: true };
    for (const k of ['s', 'p0', 'expAvg', 'expAvgSq']) spec[k] = { kind: 'array', required: true };
    return spec;
  }

  /** The whole step runs with the first group (d is global); the other groups' calls do nothing. */
  protected updateGroup(group: ParamGroup<ProdigyOptions>): void {
    if (group !== this.paramGroups[0]) return;
    const first = this.paramGroups[0];
    const [beta1, beta2] = first.betas;
    const beta3 = first.beta3 ?? Math.sqrt(beta2);
    const { d: dOld, dMax: dMaxOld, dNumerator, k } = this.globals();
    let d = dOld;
    let dMax = dMaxOld;
    const lr = Math.max(...this.paramGroups.map((g) => g.lr));
    const bias = first.useBiasCorrection ? Math.sqrt(1 - beta2 ** (k + 1)) / (1 - beta1 ** (k + 1)) : 1;
    const dlr = d * lr * bias;
    let numerator = dNumerator * beta3;
    let denominator = 0;
    const fused = this.impl === 'fused';
    for (const g of this.paramGroups) {
      if (g.lr <= 0) continue;
      const scalars: ProdigyAccumulateScalars = {
        beta1,
        mCoef: d * (1 - beta1),
        beta2,
        vCoef: d * d * (1 - beta2),
        beta3,
        sCoef: g.safeguardWarmup ? (d / g.d0) * d : (d / g.d0) * dlr,
        weightDecay: first.decouple ? 0 : g.weightDecay,
      };
      for (const p of g.params) {
        const st = this.state.get(p) as ProdigyState;
        const r = fused
          ? prodigyAccumulate(p.value, p.gradient, st.p0, st.expAvg, st.expAvgSq, st.s, scalars)
          : prodigyReferenceAccumulate(
              p.data,
              p.grad,
              st.p0.data,
              st.expAvg.data,
              st.expAvgSq.data,
              st.s.data,
              scalars,
            );
        numerator += (d / g.d0) * dlr * r.dot;
        denominator += r.l1;
      }
    }
    if (denominator === 0) return; // as the reference: no progress possible, only the moments moved
    if (lr > 0) {
      const dHat = (first.dCoef * numerator) / denominator;
      // the reference compares with the d0 of the group its loop ended on: the last one
      if (d === this.paramGroups[this.paramGroups.length - 1].d0) d = Math.max(d, dHat);
      dMax = Math.max(dMax, dHat);
      d = Math.min(dMax, d * first.growthRate);
    }
    for (const g of this.paramGroups) {
      const decayCoef = first.decouple && g.weightDecay !== 0 ? -g.weightDecay * dlr : 0;
      for (const p of g.params) {
        const st = this.state.get(p) as ProdigyState;
        st.step = k + 1;
        st.d = d;
        st.dMax = dMax;
        st.dNumerator = numerator;
        if (fused) adaptiveAdamApply(p.value, st.expAvg, st.expAvgSq, decayCoef, -dlr, d * g.eps);
        else prodigyReferenceApply(p.data, st.expAvg.data, st.expAvgSq.data, decayCoef, -dlr, d * g.eps);
      }
    }
  }
}
