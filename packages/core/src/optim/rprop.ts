/**
 * Rprop, resilient backpropagation (Riedmiller & Braun 1993), with PyTorch's conventions
 * (torch.optim.Rprop: the iRprop- variant, no weight backtracking). Only the gradient's sign is used:
 *
 *   g_t = ∇f(θ_{t-1}) (negated with `maximize`)
 *   Δ_t = clamp(Δ_{t-1} · η+, Δmin, Δmax)   if g_t g_{t-1} > 0      same sign: accelerate
 *         clamp(Δ_{t-1} · η-, Δmin, Δmax)   if g_t g_{t-1} < 0      sign flip: we jumped over a minimum
 *         Δ_{t-1}                           otherwise
 *   g_t = 0 where the sign flipped (that coordinate rests one step, and the next product is 0)
 *   θ_t = θ_{t-1} - sign(g_t) Δ_t,      Δ_0 = lr,  g_0 = 0
 *
 * Full-batch only in spirit: sign flips from minibatch noise shrink steps. Defaults are torch's:
 * lr 1e-2, etas [0.5, 1.2], stepSizes [1e-6, 50]. No weight decay (torch has none either).
 */
import { type FloatArray, fusedRpropStep, type WasmArray } from '@descent/kernels';
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
import { checkBoolean, checkLr } from './validate.js';

export interface RpropOptions extends BaseOptions {
  lr: number;
  /** [η-, η+], multiplicative decrease and increase factors, 0 < η- < 1 < η+. */
  etas: [number, number];
  /** [Δmin, Δmax], the allowed step sizes. */
  stepSizes: [number, number];
  maximize: boolean;
}

const DEFAULTS: RpropOptions = { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false };

interface RpropState extends ParamState {
  step: number;
  prev: WasmArray;
  stepSize: WasmArray;
}

/** One Rprop step in plain TypeScript: updates `theta`, `prev` and `stepSize` in place. */
export function rpropReferenceStep(
  theta: FloatArray,
  grad: FloatArray,
  prev: FloatArray,
  stepSize: FloatArray,
  o: Pick<RpropOptions, 'etas' | 'stepSizes' | 'maximize'>,
): void {
  const [etaMinus, etaPlus] = o.etas;
  const [lo, hi] = o.stepSizes;
  for (let i = 0; i < theta.length; i++) {
    let g = o.maximize ? -grad[i] : grad[i];
    const q = g * prev[i];
    const factor = q > 0 ? etaPlus : q < 0 ? etaMinus : 1;
    stepSize[i] = Math.min(Math.max(stepSize[i] * factor, lo), hi);
    if (q < 0) g = 0;
    theta[i] -= Math.sign(g) * stepSize[i];
    prev[i] = g;
  }
}

export class Rprop extends Optimizer<RpropOptions> {
  readonly name = 'Rprop';

  constructor(params: ParamsInput<RpropOptions>, options: Partial<RpropOptions> & OptimizerBehaviour = {}) {
    super('Rprop', params, DEFAULTS, options);
  }

  protected validateGroup(o: RpropOptions): void {
    checkLr(o.lr);
    const e = o.etas;
    if (!Array.isArray(e) || e.length !== 2 || !(0 < e[0] && e[0] < 1 && 1 < e[1] && e[1] < Infinity)) {
      throw new RangeError(
        `Invalid etas values: ${Array.isArray(e) ? e.join(', ') : String(e)} (expected 0 < etas[0] < 1 < etas[1])`,
      );
    }
    const s = o.stepSizes;
    if (!Array.isArray(s) || s.length !== 2 || !(0 <= s[0] && s[0] <= s[1] && s[1] < Infinity)) {
      throw new RangeError(
        `Invalid stepSizes values: ${Array.isArray(s) ? s.join(', ') : String(s)} (expected 0 <= stepSizes[0] <= stepSizes[1])`,
      );
    }
    checkBoolean('maximize', o.maximize);
  }

  protected override prepareState(p: Param, group: ParamGroup<RpropOptions>): void {
    this.stateOf<RpropState>(p, () => {
      const stepSize = this.stateArray(p.dtype, p.length);
      stepSize.data.fill(group.lr);
      return { step: 0, prev: this.stateArray(p.dtype, p.length), stepSize };
    });
  }

  protected override stateSpec(_p: Param, _group: ParamGroup<RpropOptions>): StateSpec {
    return {
      step: { kind: 'number', required: true },
      prev: { kind: 'array', required: true },
      stepSize: { kind: 'array', required: true },
    };
  }

  protected updateGroup(group: ParamGroup<RpropOptions>): void {
    for (const p of group.params) {
      const st = this.state.get(p) as RpropState;
      st.step += 1;
      if (this.impl === 'fused') {
        fusedRpropStep(p.value, p.gradient, st.prev, st.stepSize, {
          etaMinus: group.etas[0],
          etaPlus: group.etas[1],
          stepMin: group.stepSizes[0],
          stepMax: group.stepSizes[1],
          maximize: group.maximize,
        });
      } else {
        rpropReferenceStep(p.data, p.grad, st.prev.data, st.stepSize.data, group);
      }
    }
  }
}
