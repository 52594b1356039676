/**
 * D-Adaptation Adam (Defazio & Mishchenko 2023, "Learning-Rate-Free Learning by D-Adaptation"):
 * Adam whose step size d is a running lower bound on the distance to the solution, so lr stays 1.
 * With η = lr, d_k the estimate (from d0), and the sums over every parameter of every group:
 *
 *   m = β1 m + d_k η (1 - β1) g;   v = β2 v + (1 - β2) g²;   A = √v + ε
 *   s = β2 s + d_k η (1 - β2) g
 *   G_{k+1} = β2 G_k + (1 - β2) (d_k η)² Σ g²/A                          (gsqWeighted)
 *   d̂ = (Σ s²/A / (1 - β2) - G_{k+1}) / Σ|s|;   d_{k+1} = max(d_k, min(d̂, d_k growthRate))
 *   x = x (1 - λ d_k η)   (decouple: true);   x = x - m / A          (m already carries d_k η)
 *
 * With decouple: false (the default here, as in the reference) λ x is added to g instead.
 *
 * Reference: facebookresearch/dadaptation @ 0074595, dadaptation/dadapt_adam.py, same defaults (lr 1,
 * betas [0.9, 0.999], eps 1e-8, weightDecay 0, decouple false, d0 1e-6, growthRate Infinity); as
 * there, betas, growthRate and decouple come from the first group. Deviations: groups must share
 * lr (the reference silently uses the first group's); a step with Σ|s| = 0 (all gradients zero)
 * keeps d (the reference divides by zero); no log_every; the sums are f64; the global d and G are
 * kept in every parameter's state (`d`, `gsqWeighted`, identical everywhere); `opt.d` reads d.
 *
 * The fused path is two kernel passes per parameter (`dadaptAdamAccumulate`, `adaptiveAdamApply`);
 * `impl: 'reference'` runs `dadaptAdamReferenceAccumulate` and `prodigyReferenceApply`.
 */
import { adaptiveAdamApply, dadaptAdamAccumulate, type FloatArray, type WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import {
  type BaseOptions,
  Optimizer,
  type OptimizerBehaviour,
  type ParamGroup,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';
import { prodigyReferenceApply } from './prodigy.js';
import { checkBetas, checkBoolean, checkLr, checkNonNegative, checkPositive } from './validate.js';

export interface DAdaptAdamOptions extends BaseOptions {
  /** A multiplier of the estimated step, default 1 (shared by all groups). */
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** Decoupled (AdamW) decay, default false (coupled L2, the reference's default). */
  decouple: boolean;
  /** The initial estimate d0 > 0, default 1e-6. */
  d0: number;
  /** The largest factor d may grow by per step (> 0, Infinity allowed), default Infinity. */
  growthRate: number;
}

const DEFAULTS: DAdaptAdamOptions = {
  lr: 1,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  decouple: false,
  d0: 1e-6,
  growthRate: Number.POSITIVE_INFINITY,
};

interface DAdaptAdamState {
  [key: string]: number | WasmArray;
  step: number;
  d: number;
  gsqWeighted: number;
  s: WasmArray;
  expAvg: WasmArray;
  expAvgSq: WasmArray;
}

/** The scalars of pass 1 (see dadaptAdamAccumulate in @descent/kernels). */
export interface DAdaptAdamAccumulateScalars {
  beta1: number;
  mCoef: number;
  beta2: number;
  sCoef: number;
  eps: number;
  weightDecay: number;
}

/**
 * Pass 1 in plain TypeScript: updates m, v, s in place; returns Σ g²/A, Σ s²/A and Σ|s| (f64
 * sums). f32 arrays get every operation rounded, as the kernel computes (d feeds back into every step).
 */
export function dadaptAdamReferenceAccumulate(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  s: FloatArray,
  k: DAdaptAdamAccumulateScalars,
): { gsq: number; sksq: number; l1: number } {
  const r = p instanceof Float32Array ? Math.fround : (x: number) => x;
  const [b1, mc, b2, c2, sc, eps, wd] = [
    k.beta1,
    k.mCoef,
    k.beta2,
    1 - k.beta2,
    k.sCoef,
    k.eps,
    k.weightDecay,
  ].map(r);
  let gsq = 0;
  let sksq = 0;
  let l1 = 0;
  for (let i = 0; i < p.length; i++) {
    const d = wd !== 0 ? r(g[i] + r(wd * p[i])) : g[i];
    m[i] = r(b1 * m[i]) + r(mc * d);
    v[i] = r(b2 * v[i]) + r(r(c2 * d) * d);
    const denom = r(r(Math.sqrt(v[i])) + eps);
    gsq += r(r(d * d) / denom);
    s[i] = r(b2 * s[i]) + r(sc * d);
    sksq += r(r(s[i] * s[i]) / denom);
    l1 += Math.abs(s[i]);
  }
  return { gsq, sksq, l1 };
}

export class DAdaptAdam extends Optimizer<DAdaptAdamOptions> {
  readonly name = 'DAdaptAdam';

  constructor(
    params: ParamsInput<DAdaptAdamOptions>,
    options: Partial<DAdaptAdamOptions> & OptimizerBehaviour = {},
  ) {
    super('DAdaptAdam', params, DEFAULTS, options);
  }

  /** The current estimate d (the effective Adam lr is d · lr). */
  get d(): number {
    return this.globals().d;
  }

  protected validateGroup(o: DAdaptAdamOptions): void {
    checkLr(o.lr);
    checkBetas(o.betas);
    checkNonNegative('eps', o.eps);
    checkNonNegative('weightDecay', o.weightDecay);
    checkBoolean('decouple', o.decouple);
    checkPositive('d0', o.d0);
    if (typeof o.growthRate !== 'number' || !(o.growthRate > 0)) {
      throw new RangeError(
        `Invalid growthRate value: ${String(o.growthRate)} (expected > 0, Infinity allowed)`,
      );
    }
  }

  /** Groups must share lr (d is global); checked before anything. */
  override step(closure?: () => number): number | undefined {
    this.checkUsable();
    const lr = this.paramGroups[0].lr;
    const i = this.paramGroups.findIndex((g) => g.lr !== lr);
    if (i >= 0) {
      throw new RangeError(
        `DAdaptAdam.step: paramGroups[${i}].lr is ${this.paramGroups[i].lr}, but every group must use paramGroups[0]'s lr (${lr}) (nothing was changed)`,
      );
    }
    return super.step(closure);
  }

  private globals(): { d: number; gsqWeighted: number } {
    for (const s of this.state.values()) {
      const st = s as DAdaptAdamState;
      return { d: st.d, gsqWeighted: st.gsqWeighted };
    }
    return { d: this.paramGroups[0].d0, gsqWeighted: 0 };
  }

  protected override prepareState(p: Param): void {
    if (this.state.has(p)) return;
    const g = this.globals();
    const step = (this.state.values().next().value as DAdaptAdamState | undefined)?.step ?? 0;
    this.state.set(p, {
      step,
      d: g.d,
      gsqWeighted: g.gsqWeighted,
      s: this.stateArray(p.dtype, p.length),
      expAvg: this.stateArray(p.dtype, p.length),
      expAvgSq: this.stateArray(p.dtype, p.length),
    } satisfies DAdaptAdamState);
  }

  protected override stateSpec(): StateSpec {
    const spec: StateSpec = {};
    for (const k of ['step', 'd', 'gsqWeighted']) spec[k] = { kind: 'number', required: true };
    for (const k of ['s', 'expAvg', 'expAvgSq']) spec[k] = { kind: 'array', required: true };
    return spec;
  }

  /** The whole step runs with the first group (d is global); the other groups' calls do nothing. */
  protected updateGroup(group: ParamGroup<DAdaptAdamOptions>): void {
    if (group !== this.paramGroups[0]) return;
    const first = this.paramGroups[0];
    const [beta1, beta2] = first.betas;
    const { d: dOld, gsqWeighted } = this.globals();
    const dlr = dOld * first.lr;
    const fused = this.impl === 'fused';
    let gsq = 0;
    let sksq = 0;
    let l1 = 0;
    for (const g of this.paramGroups) {
      const scalars: DAdaptAdamAccumulateScalars = {
        beta1,
        mCoef: dlr * (1 - beta1),
        beta2,
        sCoef: dlr * (1 - beta2),
        eps: g.eps,
        weightDecay: first.decouple ? 0 : g.weightDecay,
      };
      for (const p of g.params) {
        const st = this.state.get(p) as DAdaptAdamState;
        const r = fused
          ? dadaptAdamAccumulate(p.value, p.gradient, st.expAvg, st.expAvgSq, st.s, scalars)
          : dadaptAdamReferenceAccumulate(
              p.data,
              p.grad,
              st.expAvg.data,
              st.expAvgSq.data,
              st.s.data,
              scalars,
            );
        gsq += r.gsq;
        sksq += r.sksq;
        l1 += r.l1;
      }
    }
    const G = beta2 * gsqWeighted + gsq * dlr ** 2 * (1 - beta2);
    let d = dOld;
    if (l1 > 0) d = Math.max(d, Math.min((sksq / (1 - beta2) - G) / l1, d * first.growthRate));
    for (const g of this.paramGroups) {
      const decayCoef = first.decouple && g.weightDecay !== 0 ? -g.weightDecay * dlr : 0;
      for (const p of g.params) {
        const st = this.state.get(p) as DAdaptAdamState;
        st.step += 1;
        st.d = d;
        st.gsqWeighted = G;
        if (fused) adaptiveAdamApply(p.value, st.expAvg, st.expAvgSq, decayCoef, -1, g.eps);
        else prodigyReferenceApply(p.data, st.expAvg.data, st.expAvgSq.data, decayCoef, -1, g.eps);
      }
    }
  }
}
