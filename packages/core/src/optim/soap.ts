/**
 * SOAP, "ShampoO with Adam in the Preconditioner's eigenbasis" (Vyas et al. 2024), as the authors'
 * nikhilvyas/SOAP soap.py defines it (current version, read in 2025). A parameter is a rows x cols
 * matrix G (≥ 3 dims: [∏ shape[:-1], shape[-1]]; a vector n x 1, preconditioned on its one side only
 * with `precondition1d`); each side of at most `maxPrecondDim` has a factor GG and its eigenbasis Q
 * (a side without one uses the identity). With η lr, (β1, β2) betas, ε eps, λ weightDecay, f
 * preconditionFrequency, and β̃_s = 1 - (1 - β)/(1 - β^s) (soap.py's beta_debias):
 *
 *   first call (s = 0):  GG_L = G Gᵀ, GG_R = Gᵀ G;  Q = eigh(GG) with columns by descending
 *                        eigenvalue, then refreshed once (below); the parameter does not move.
 *   call s ≥ 1:
 *     G' = Q_Lᵀ G Q_R                                        the gradient in the eigenbasis
 *     m ← β̃1_s m + (1 - β̃1_s) G                              first moment, in the original basis
 *     v ← β̃2_s v + (1 - β̃2_s) G'²                            second moment, in the eigenbasis
 *     U = Q_L ((Q_Lᵀ m Q_R) / max(√v, ε)) Q_Rᵀ               Adam in the eigenbasis, rotated back
 *     GG_L ← lerp(GG_L, G Gᵀ, 1 - β̃2_s),  GG_R likewise
 *     if s mod f = 0, refresh each side: est = diag(Qᵀ GG Q); order the columns by est descending
 *       (and v's rows/columns with them); Q ← qr(GG Q) (one power iteration, householderQ)
 *     θ ← θ (1 - η_s λ) - η_s U,   η_s = η min(s / warmupSteps, 1)
 *
 * β̃_s makes m and v bias-free averages (β̃_1 = 0: m = G on the first step). Defaults are soap.py's:
 * lr 3e-3, betas [0.9, 0.95], eps 1e-8, weightDecay 0.01, preconditionFrequency 2, maxPrecondDim
 * 10000, precondition1d false, warmupSteps 1. Deviations: soap.py multiplies θ by 1 - λ·(-η_s)
 * (its step size is negative there: the decay grows θ); we decay, θ(1 - η_s λ). No merge_dims,
 * normalize_grads or bf16 stochastic rounding; statistics and bases are computed in f64 and stored
 * in the parameter's dtype. `impl: 'fused'` (default) runs the products on the kernels' gemm and
 * the refresh's QR on the kernels' blocked Householder QR (kernelHouseholderQ), `'reference'` both
 * on plain loops (householderQ).
 */
import type { FloatArray, WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import {
  eigenbasis,
  gemmProduct,
  householderQ,
  kernelHouseholderQ,
  naiveProduct,
  type Product,
  type QFactor,
} from './matrix-roots.js';
import {
  type BaseOptions,
  Optimizer,
  type OptimizerBehaviour,
  type ParamGroup,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';
import { matrixShape } from './shampoo.js';
import { checkBetas, checkBoolean, checkLr, checkNonNegative, checkPositiveInt } from './validate.js';

export interface SOAPOptions extends BaseOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  preconditionFrequency: number;
  /** Sides longer than this get no factor (identity basis), default 10000. */
  maxPrecondDim: number;
  /** Precondition vectors too (an n x n factor), default false. */
  precondition1d: boolean;
  /** Linear warmup of the lr over this many steps, default 1 (none). */
  warmupSteps: number;
}

export const SOAP_DEFAULTS: Readonly<SOAPOptions> = Object.freeze({
  lr: 3e-3,
  betas: [0.9, 0.95] as [number, number],
  eps: 1e-8,
  weightDecay: 0.01,
  preconditionFrequency: 2,
  maxPrecondDim: 10000,
  precondition1d: false,
  warmupSteps: 1,
});

/** The sides of a parameter that get a factor: [left size, right size], 0 for none. */
export function soapSides(shape: readonly number[], length: number, o: SOAPOptions): [number, number] {
  const [rows, cols] = matrixShape(shape, length);
  if (shape.length < 2) return [o.precondition1d && rows <= o.maxPrecondDim ? rows : 0, 0];
  return [rows <= o.maxPrecondDim ? rows : 0, cols <= o.maxPrecondDim ? cols : 0];
}

/** SOAP's state of one parameter as plain arrays. */
export interface SOAPArrays {
  expAvg: FloatArray;
  expAvgSq: FloatArray;
  ggLeft: FloatArray;
  ggRight: FloatArray;
  qLeft: FloatArray;
  qRight: FloatArray;
}

/** torch's lerp(a, b, w). */
function lerp(a: number, b: number, w: number): number {
  return Math.abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);
}

/**
 * One SOAP call in plain TypeScript on one parameter (θ and the state updated in place); `s` is the
 * call's number (0 for the first, which only builds the bases).
 */
export function soapStep(
  theta: FloatArray,
  grad: FloatArray,
  shape: readonly number[],
  state: SOAPArrays,
  s: number,
  o: SOAPOptions,
  mm: Product = naiveProduct,
  orth: QFactor = householderQ,
): void {
  const n = theta.length;
  const [rows, cols] = matrixShape(shape, n);
  const [dl, dr] = soapSides(shape, n, o);
  const G = Float64Array.from(grad);
  const GG = [Float64Array.from(state.ggLeft), Float64Array.from(state.ggRight)];
  const Q: Float64Array[] = [Float64Array.from(state.qLeft), Float64Array.from(state.qRight)];
  let v = Float64Array.from(state.expAvgSq);
  const m = Float64Array.from(state.expAvg);
  /** X (rows x cols) into the eigenbasis (Q_Lᵀ X Q_R), or back (Q_L X Q_Rᵀ). */
  const project = (X: Float64Array, back: boolean): Float64Array => {
    let Y: Float64Array = X.slice();
    if (dl) Y = mm(Q[0], dl, dl, Y, rows, cols, !back, false);
    if (dr) Y = mm(Y, rows, cols, Q[1], dr, dr, false, back);
    return Y;
  };
  const updatePreconditioner = (beta: number, refresh: boolean, first: boolean) => {
    const dims = [dl, dr];
    for (const side of [0, 1]) {
      const d = dims[side];
      if (!d) continue;
      const outer =
        side === 0 ? mm(G, rows, cols, G, rows, cols, false, true) : mm(G, rows, cols, G, rows, cols, true);
      for (let i = 0; i < outer.length; i++) GG[side][i] = lerp(GG[side][i], outer[i], 1 - beta);
      if (first) {
        const A = GG[side].slice();
        for (let i = 0; i < d; i++) A[i * d + i] += 1e-30;
        Q[side] = eigenbasis(A, d);
      }
    }
    if (!refresh) return;
    for (const side of [0, 1]) {
      const d = dims[side];
      if (!d) continue;
      const tmp = mm(GG[side], d, d, Q[side], d, d);
      const est = Array.from({ length: d }, (_, j) => {
        let e = 0;
        for (let i = 0; i < d; i++) e += Q[side][i * d + j] * tmp[i * d + j];
        return e;
      });
      const order = est.map((_, j) => j).sort((a, b) => est[b] - est[a] || a - b);
      const sorted = new Float64Array(d * d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) sorted[i * d + j] = tmp[i * d + order[j]];
      Q[side] = orth(sorted, d);
      const w = new Float64Array(n);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          w[i * cols + j] = side === 0 ? v[order[i] * cols + j] : v[i * cols + order[j]];
        }
      }
      v = w;
    }
  };
  if (s === 0) {
    updatePreconditioner(0, true, true);
  } else {
    const [b1, b2] = o.betas;
    const d1 = 1 - (1 - b1) / (1 - b1 ** s);
    const d2 = 1 - (1 - b2) / (1 - b2 ** s);
    const Gp = project(G, false);
    for (let i = 0; i < n; i++) {
      m[i] = m[i] * d1 + G[i] * (1 - d1);
      v[i] = v[i] * d2 + (1 - d2) * Gp[i] * Gp[i];
    }
    const mp = project(m, false);
    for (let i = 0; i < n; i++) mp[i] = mp[i] / Math.max(Math.sqrt(v[i]), o.eps);
    const U = project(mp, true);
    updatePreconditioner(d2, s % o.preconditionFrequency === 0, false);
    const lr = o.lr * Math.min(s / o.warmupSteps, 1);
    const decay = o.weightDecay > 0 ? 1 - o.weightDecay * lr : 1;
    for (let i = 0; i < n; i++) theta[i] = theta[i] * decay - lr * U[i];
  }
  state.expAvg.set(m);
  state.expAvgSq.set(v);
  state.ggLeft.set(GG[0]);
  state.ggRight.set(GG[1]);
  state.qLeft.set(Q[0]);
  state.qRight.set(Q[1]);
}

type SOAPState = { step: number } & { [K in keyof SOAPArrays]: WasmArray };

const ARRAY_KEYS = ['expAvg', 'expAvgSq', 'ggLeft', 'ggRight', 'qLeft', 'qRight'] as const;

export class SOAP extends Optimizer<SOAPOptions> {
  readonly name = 'SOAP';

  constructor(params: ParamsInput<SOAPOptions>, options: Partial<SOAPOptions> & OptimizerBehaviour = {}) {
    super('SOAP', params, SOAP_DEFAULTS, options);
  }

  protected validateGroup(o: SOAPOptions): void {
    checkLr(o.lr);
    checkBetas(o.betas);
    checkNonNegative('eps', o.eps);
    checkNonNegative('weightDecay', o.weightDecay);
    checkPositiveInt('preconditionFrequency', o.preconditionFrequency);
    checkPositiveInt('maxPrecondDim', o.maxPrecondDim);
    checkBoolean('precondition1d', o.precondition1d);
    checkPositiveInt('warmupSteps', o.warmupSteps);
  }

  private lengths(p: Param, o: SOAPOptions): Record<(typeof ARRAY_KEYS)[number], number> {
    const [dl, dr] = soapSides(p.shape, p.length, o);
    return {
      expAvg: p.length,
      expAvgSq: p.length,
      ggLeft: dl * dl,
      ggRight: dr * dr,
      qLeft: dl * dl,
      qRight: dr * dr,
    };
  }

  protected override prepareState(p: Param, group: ParamGroup<SOAPOptions>): void {
    this.stateOf<SOAPState>(p, () => {
      const len = this.lengths(p, group);
      const st = { step: -1 } as SOAPState;
      for (const k of ARRAY_KEYS) st[k] = this.stateArray(p.dtype, len[k]);
      return st;
    });
  }

  protected override stateSpec(): StateSpec {
    const spec: StateSpec = { step: { kind: 'number', required: true } };
    for (const k of ARRAY_KEYS) spec[k] = { kind: 'array', required: true };
    return spec;
  }

  protected override stateArrayLength(p: Param, key: string): number | undefined {
    const group = this.paramGroups.find((g) => g.params.includes(p)) ?? this.defaults;
    return this.lengths(p, group)[key as (typeof ARRAY_KEYS)[number]] ?? p.length;
  }

  protected updateGroup(group: ParamGroup<SOAPOptions>): void {
    const fused = this.impl === 'fused';
    const mm = fused ? gemmProduct : naiveProduct;
    const orth = fused ? kernelHouseholderQ : householderQ;
    for (const p of group.params) {
      const st = this.state.get(p) as SOAPState;
      const len = this.lengths(p, group);
      if (ARRAY_KEYS.some((k) => st[k].length !== len[k])) {
        throw new RangeError(
          `Invalid maxPrecondDim/precondition1d for ${p.name}: its factors were built with other values (call resetState() to change them)`,
        );
      }
      const s = st.step + 1;
      const arrays = Object.fromEntries(
        ARRAY_KEYS.map((k) => [k, st[k].data.slice()]),
      ) as unknown as SOAPArrays;
      const theta = p.data.slice();
      soapStep(theta, p.grad.slice(), p.shape, arrays, s, group, mm, orth);
      p.data.set(theta);
      for (const k of ARRAY_KEYS) st[k].data.set(arrays[k]);
      st.step = s;
    }
  }
}
