/**
 * Stochastic gradient descent with momentum, PyTorch's `torch.optim.SGD` (same defaults, same
 * update, same validation). With η lr, μ momentum, τ dampening, λ weightDecay, per step t:
 *
 *   g_t = ∇f(θ_{t-1})                       (-∇f with maximize)
 *   g_t = g_t + λ θ_{t-1}                   if λ != 0           (L2, coupled)
 *   b_t = g_t                               if t = 1            (torch: the first buffer is not dampened)
 *   b_t = μ b_{t-1} + (1 - τ) g_t           otherwise           (when μ != 0)
 *   g_t = g_t + μ b_t  (nesterov)  or  b_t                      (when μ != 0)
 *   θ_t = θ_{t-1} - η g_t
 *
 * Course-notes forms, and how to write them here (each checked in notes-forms.test.ts):
 * - Momentum as an average, v = β v + (1 - β) g, θ = θ - η v:  `{ momentum: β, dampening: β }`.
 *   The rule is the same; only the start differs: torch's first step sets b_1 = g, the notes'
 *   v_0 = 0 gives v_1 = (1 - β) g. For the notes' iterates exactly, load a zero buffer before the
 *   first step: `opt.loadStateDict({ state: { 0: { momentumBuffer: new Float64Array(n) } },
 *   paramGroups: opt.stateDict().paramGroups })`.
 * - Nesterov as a look-ahead gradient, v = μ v - η ∇f(θ + μ v), θ = θ + v:  `{ nesterov: true }`.
 *   Torch's form keeps θ' = θ + μ v (the look-ahead point) as the parameter; in θ' the update is
 *   θ' = θ' - η (g + μ b) with b the torch buffer: the same iterates after that change of variables.
 * - L2 penalty λ Σ θ² (gradient 2λθ) = `{ weightDecay: 2λ }` (torch adds λθ, the gradient of λ/2 Σ θ²).
 * - Decoupled decay w = (1 - ηλ) w - η ∇L: plain SGD with `{ weightDecay: λ }` (without momentum
 *   the coupled and decoupled forms coincide: w - η(∇L + λw) = (1 - ηλ) w - η ∇L).
 *
 * Default lr: 1e-3 (torch >= 2.2; torch 1.13 required lr). The default path is the fused kernel
 * (`fusedSgdStep`, one pass over θ, g and b); `impl: 'reference'` runs `sgdReferenceStep` below.
 */
import { type FloatArray, fusedSgdStep, type SgdStepScalars, type WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import {
  type BaseOptions,
  Optimizer,
  type OptimizerBehaviour,
  type ParamGroup,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';
import { checkBoolean, checkInRange, checkLr, checkNonNegative } from './validate.js';

export interface SGDOptions extends BaseOptions {
  /** η, default 1e-3. */
  lr: number;
  /** μ >= 0, default 0 (no buffer). */
  momentum: number;
  /** τ in [0, 1], default 0 (torch does not check the range; we do). */
  dampening: number;
  /** λ >= 0: adds λθ to the gradient, default 0. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0), default false. */
  nesterov: boolean;
  /** Ascend instead of descend, default false. */
  maximize: boolean;
}

export const SGD_DEFAULTS: Readonly<SGDOptions> = Object.freeze({
  lr: 1e-3,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
});

/** The same update as the fused kernel, in plain TypeScript over typed arrays (in place). */
export function sgdReferenceStep(
  p: FloatArray,
  g: FloatArray,
  buf: FloatArray | null,
  s: SgdStepScalars,
): void {
  for (let i = 0; i < p.length; i++) {
    let d = s.maximize ? -g[i] : g[i];
    if (s.weightDecay !== 0) d = d + s.weightDecay * p[i];
    if (s.momentum !== 0 && buf) {
      buf[i] = s.first ? d : s.momentum * buf[i] + (1 - s.dampening) * d;
      d = s.nesterov ? d + s.momentum * buf[i] : buf[i];
    }
    p[i] = p[i] - s.lr * d;
  }
}

export class SGD extends Optimizer<SGDOptions> {
  readonly name = 'SGD';

  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> & OptimizerBehaviour = {}) {
    super('SGD', params, SGD_DEFAULTS, options);
  }

  protected validateGroup(o: SGDOptions): void {
    checkLr(o.lr);
    checkNonNegative('momentum', o.momentum);
    checkInRange('dampening', o.dampening, 0, 1, true);
    checkNonNegative('weightDecay', o.weightDecay);
    checkBoolean('nesterov', o.nesterov);
    checkBoolean('maximize', o.maximize);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new RangeError(
        `Invalid nesterov value: true (Nesterov momentum requires a momentum and zero dampening; got momentum ${o.momentum}, dampening ${o.dampening})`,
      );
    }
  }

  /** Parameters whose momentum buffer was created for this step (torch: the first is b_1 = g). */
  private readonly freshBuffers = new Set<Param>();

  protected override prepareState(p: Param, group: ParamGroup<SGDOptions>): void {
    if (group.momentum === 0) return;
    const s = this.state.get(p);
    if (s?.momentumBuffer) return;
    this.state.set(p, { ...s, momentumBuffer: this.stateArray(p.dtype, p.length) });
    this.freshBuffers.add(p);
  }

  protected override stateSpec(_p: Param, _group: ParamGroup<SGDOptions>): StateSpec {
    return { momentumBuffer: { kind: 'array', required: true } };
  }

  protected updateGroup(group: ParamGroup<SGDOptions>): void {
    for (const p of group.params) {
      let buf: WasmArray | null = null;
      const first = this.freshBuffers.delete(p);
      if (group.momentum !== 0) buf = this.state.get(p)?.momentumBuffer as WasmArray;
      const scalars: SgdStepScalars = {
        lr: group.lr,
        momentum: group.momentum,
        dampening: group.dampening,
        weightDecay: group.weightDecay,
        nesterov: group.nesterov,
        maximize: group.maximize,
        first,
      };
      if (this.impl === 'fused') fusedSgdStep(p.value, p.gradient, buf, scalars);
      else sgdReferenceStep(p.data, p.grad, buf?.data ?? null, scalars);
    }
  }
}
