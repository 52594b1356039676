/**
 * Adafactor (Shazeer & Stern 2018), as current PyTorch defines it (torch.optim.Adafactor):
 *
 *   G_t  = ∇f(θ_{t-1}) (negated with `maximize`)
 *   β̂2_t = 1 - t^τ                     τ = beta2Decay (-0.8): the average forgets ever more slowly
 *   ρ_t  = min(η, 1/√t),   α_t = max(ε2, RMS(θ_{t-1})) ρ_t        relative step size
 *   θ    = θ_{t-1} (1 - η λ)                                      decoupled weight decay
 *   matrices (≥ 2 dims, factored over the last two; R, C are per-row/per-column means of G²):
 *     R_t = β̂2_t R_{t-1} + (1 - β̂2_t) mean_j(G_t²)      C_t = β̂2_t C_{t-1} + (1 - β̂2_t) mean_i(G_t²)
 *     V̂_t = R_t C_tᵀ / max(mean_i R_t, ε1)              rank-1 estimate: rows + cols numbers, not rows·cols
 *   vectors:
 *     V̂_t = β̂2_t V̂_{t-1} + (1 - β̂2_t) G_t²
 *   U_t  = G_t / √max(V̂_t, ε1²),     Û_t = U_t / max(1, RMS(U_t)/d)        update clipping
 *   θ_t  = θ - α_t Û_t
 *
 * As torch (and unlike the paper): lr caps ρ_t and scales the weight decay; ε1 is applied to the
 * estimate and the update, not to R and C; means replace sums. Defaults are torch's: lr 1e-2,
 * beta2Decay -0.8, eps [null, 1e-3] (null: the dtype's machine epsilon), d 1, weightDecay 0.
 * torch 1.13 has no Adafactor: tests use a transcription of current torch's algorithm.
 */
import {
  type AdafactorScalars,
  adafactorFactorLengths,
  adafactorIsFactored,
  type FloatArray,
  fusedAdafactorStep,
  type WasmArray,
} from '@descent/kernels';
import type { Param } from '../param.js';
import {
  type BaseOptions,
  Optimizer,
  type OptimizerBehaviour,
  type ParamGroup,
  type ParamState,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';
import { checkBoolean, checkLr, checkNonNegative } from './validate.js';

export interface AdafactorOptions extends BaseOptions {
  lr: number;
  beta2Decay: number;
  /** [ε1, ε2]: ε1 stabilizes the estimate (null: machine epsilon of the dtype); ε2 floors RMS(θ). */
  eps: [number | null, number];
  /** Update clipping threshold. */
  d: number;
  weightDecay: number;
  maximize: boolean;
}

const DEFAULTS: AdafactorOptions = {
  lr: 1e-2,
  beta2Decay: -0.8,
  eps: [null, 1e-3],
  d: 1.0,
  weightDecay: 0,
  maximize: false,
};

/** `variance` for vectors; `rowVar` and `colVar` for factored (two or more dimensional) parameters. */
interface AdafactorState extends ParamState {
  step: number;
}

const MACHINE_EPS = { f32: 2 ** -23, f64: 2 ** -52 } as const;

/** torch's lerp(a, b, w): a + w (b - a) for |w| < 0.5, else b - (b - a)(1 - w). */
function lerp(a: number, b: number, w: number): number {
  return Math.abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);
}

function sumSquares(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/**
 * One Adafactor step in plain TypeScript on one parameter of `shape` (its state updated in place):
 * `rowVar`/`colVar` (batch·rows, batch·cols) for two or more dimensions, else `variance`.
 */
export function adafactorReferenceStep(
  theta: FloatArray,
  grad: FloatArray,
  shape: readonly number[],
  state: { variance?: FloatArray; rowVar?: FloatArray; colVar?: FloatArray },
  s: AdafactorScalars,
): void {
  const n = theta.length;
  const G = Array.from(grad, (g) => (s.maximize ? -g : g));
  const w = s.step ** s.beta2Decay;
  const rho = Math.min(s.lr, 1 / Math.sqrt(s.step));
  const alpha = Math.max(s.eps2, Math.sqrt(sumSquares(theta)) / Math.sqrt(n)) * rho;
  const V = new Float64Array(n);
  if (shape.length >= 2) {
    const rows = shape[shape.length - 2];
    const cols = shape[shape.length - 1];
    const R = state.rowVar!;
    const C = state.colVar!;
    for (let b = 0; b * rows * cols < n; b++) {
      const at = (i: number, j: number) => b * rows * cols + i * cols + j;
      for (let i = 0; i < rows; i++) {
        let m = 0;
        for (let j = 0; j < cols; j++) m += G[at(i, j)] ** 2;
        R[b * rows + i] = lerp(R[b * rows + i], m / cols, w);
      }
      for (let j = 0; j < cols; j++) {
        let m = 0;
        for (let i = 0; i < rows; i++) m += G[at(i, j)] ** 2;
        C[b * cols + j] = lerp(C[b * cols + j], m / rows, w);
      }
      let rMean = 0;
      for (let i = 0; i < rows; i++) rMean += R[b * rows + i] / rows;
      rMean = Math.max(rMean, s.eps1);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) V[at(i, j)] = (R[b * rows + i] * C[b * cols + j]) / rMean;
      }
    }
  } else {
    const v = state.variance!;
    for (let i = 0; i < n; i++) V[i] = v[i] = lerp(v[i], G[i] * G[i], w);
  }
  const U = G.map((g, i) => g / Math.sqrt(Math.max(V[i], s.eps1 * s.eps1)));
  const denom = Math.max(1, Math.sqrt(sumSquares(U)) / (Math.sqrt(n) * s.d));
  const decay = s.weightDecay !== 0 ? 1 - s.lr * s.weightDecay : 1;
  for (let i = 0; i < n; i++) theta[i] = theta[i] * decay - (alpha / denom) * U[i];
}

export class Adafactor extends Optimizer<AdafactorOptions> {
  readonly name = 'Adafactor';

  constructor(
    params: ParamsInput<AdafactorOptions>,
    options: Partial<AdafactorOptions> & OptimizerBehaviour = {},
  ) {
    super('Adafactor', params, DEFAULTS, options);
  }

  protected validateGroup(o: AdafactorOptions): void {
    checkLr(o.lr);
    if (typeof o.beta2Decay !== 'number' || !(o.beta2Decay <= 0) || !Number.isFinite(o.beta2Decay)) {
      throw new RangeError(`Invalid beta2Decay value: ${String(o.beta2Decay)} (expected beta2Decay <= 0)`);
    }
    if (!Array.isArray(o.eps) || o.eps.length !== 2) {
      throw new RangeError(`Invalid eps value: ${JSON.stringify(o.eps)} (expected [eps1 | null, eps2])`);
    }
    if (o.eps[0] !== null) checkNonNegative('eps[0] (epsilon1)', o.eps[0]);
    checkNonNegative('eps[1] (epsilon2)', o.eps[1]);
    if (typeof o.d !== 'number' || !(o.d >= 1) || !Number.isFinite(o.d)) {
      throw new RangeError(`Invalid d value: ${String(o.d)} (expected clipping threshold d >= 1)`);
    }
    checkNonNegative('weightDecay', o.weightDecay);
    checkBoolean('maximize', o.maximize);
  }

  /** Factored parameters keep row and column statistics, not one value per element. */
  protected override stateArrayLength(p: Param, key: string): number | undefined {
    if (key === 'rowVar' || key === 'colVar') {
      if (!adafactorIsFactored(p.shape)) return 0;
      return adafactorFactorLengths(p.shape)[key];
    }
    return p.length;
  }

  protected override prepareState(p: Param): void {
    this.stateOf<AdafactorState>(p, () => initState(p, (n) => this.stateArray(p.dtype, n)));
  }

  protected override stateSpec(p: Param): StateSpec {
    const factored = adafactorIsFactored(p.shape);
    return {
      step: { kind: 'number', required: true },
      variance: { kind: 'array', required: !factored },
      rowVar: { kind: 'array', required: factored },
      colVar: { kind: 'array', required: factored },
    };
  }

  protected updateGroup(group: ParamGroup<AdafactorOptions>): void {
    for (const p of group.params) {
      const st = this.state.get(p) as AdafactorState;
      st.step += 1;
      const s: AdafactorScalars = {
        step: st.step,
        lr: group.lr,
        beta2Decay: group.beta2Decay,
        eps1: group.eps[0] ?? MACHINE_EPS[p.dtype],
        eps2: group.eps[1],
        d: group.d,
        weightDecay: group.weightDecay,
        maximize: group.maximize,
      };
      const arrays = st as unknown as Partial<Record<'variance' | 'rowVar' | 'colVar', WasmArray>>;
      if (this.impl === 'fused') {
        const factors = arrays.variance
          ? { variance: arrays.variance }
          : { rowVar: arrays.rowVar!, colVar: arrays.colVar! };
        fusedAdafactorStep(p.value, p.gradient, p.shape, factors, s);
      } else {
        const views = {
          variance: arrays.variance?.data,
          rowVar: arrays.rowVar?.data,
          colVar: arrays.colVar?.data,
        };
        adafactorReferenceStep(p.data, p.grad, p.shape, views, s);
      }
    }
  }
}

function initState(p: Param, alloc: (length: number) => WasmArray): AdafactorState {
  if (!adafactorIsFactored(p.shape)) return { step: 0, variance: alloc(p.length) };
  const n = adafactorFactorLengths(p.shape);
  return { step: 0, rowVar: alloc(n.rowVar), colVar: alloc(n.colVar) };
}
