/**
 * ASGD, averaged stochastic gradient descent (Polyak & Juditsky 1992; Bottou's step schedule),
 * with PyTorch's conventions (torch.optim.ASGD):
 *
 *   g_t   = ∇f(θ_{t-1}) (negated with `maximize`) + λ θ_{t-1}          λ = weightDecay (L2, coupled)
 *   θ_t   = θ_{t-1} (1 - lambd η_{t-1}) - η_{t-1} g_t                  decay term, then the SGD step
 *   ax_t  = θ_t                            while μ_{t-1} = 1 (t ≤ t0 + 2)
 *           ax_{t-1} + μ_{t-1} (θ_t - ax_{t-1})    afterwards         the running (Polyak) average
 *   η_t   = lr / (1 + lambd · lr · t)^alpha,      μ_t = 1 / max(1, t - t0),     η_0 = lr, μ_0 = 1
 *
 * The parameters follow plain (decayed) SGD; the average `ax`, read with `averages(p)`, is the
 * estimate ASGD is about: at step t it is the mean of the iterates θ_{t0+2} .. θ_t. Defaults are torch's:
 * lr 1e-2, lambd 1e-4, alpha 0.75, t0 1e6, weightDecay 0.
 */
import { type FloatArray, fusedAsgdStep, type WasmArray } from '@descent/kernels';
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

export interface ASGDOptions extends BaseOptions {
  lr: number;
  /** Decay term λ_d (torch's `lambd`). */
  lambd: number;
  /** Power of the η schedule. */
  alpha: number;
  /** Step at which averaging starts. */
  t0: number;
  weightDecay: number;
  maximize: boolean;
}

const DEFAULTS: ASGDOptions = {
  lr: 1e-2,
  lambd: 1e-4,
  alpha: 0.75,
  t0: 1e6,
  weightDecay: 0,
  maximize: false,
};

interface ASGDState extends ParamState {
  step: number;
  eta: number;
  mu: number;
  ax: WasmArray;
}

/** One ASGD step in plain TypeScript with this step's η and μ: updates `theta` and `ax` in place. */
export function asgdReferenceStep(
  theta: FloatArray,
  grad: FloatArray,
  ax: FloatArray,
  s: { eta: number; mu: number; lambd: number; weightDecay: number; maximize: boolean },
): void {
  for (let i = 0; i < theta.length; i++) {
    const g = (s.maximize ? -grad[i] : grad[i]) + s.weightDecay * theta[i];
    theta[i] = theta[i] * (1 - s.lambd * s.eta) - s.eta * g;
    ax[i] = s.mu === 1 ? theta[i] : ax[i] + s.mu * (theta[i] - ax[i]);
  }
}

export class ASGD extends Optimizer<ASGDOptions> {
  readonly name = 'ASGD';

  constructor(params: ParamsInput<ASGDOptions>, options: Partial<ASGDOptions> & OptimizerBehaviour = {}) {
    super('ASGD', params, DEFAULTS, options);
  }

  protected validateGroup(o: ASGDOptions): void {
    checkLr(o.lr);
    checkNonNegative('lambd', o.lambd);
    checkNonNegative('alpha', o.alpha);
    checkNonNegative('t0', o.t0);
    checkNonNegative('weightDecay', o.weightDecay);
    checkBoolean('maximize', o.maximize);
  }

  protected override prepareState(p: Param, group: ParamGroup<ASGDOptions>): void {
    this.stateOf<ASGDState>(p, () => ({
      step: 0,
      eta: group.lr,
      mu: 1,
      ax: this.stateArray(p.dtype, p.length),
    }));
  }

  protected override stateSpec(_p: Param, _group: ParamGroup<ASGDOptions>): StateSpec {
    return {
      step: { kind: 'number', required: true },
      eta: { kind: 'number', required: true },
      mu: { kind: 'number', required: true },
      ax: { kind: 'array', required: true },
    };
  }

  protected updateGroup(group: ParamGroup<ASGDOptions>): void {
    for (const p of group.params) {
      const st = this.state.get(p) as ASGDState;
      st.step += 1;
      const s = {
        eta: st.eta,
        mu: st.mu,
        lambd: group.lambd,
        weightDecay: group.weightDecay,
        maximize: group.maximize,
      };
      if (this.impl === 'fused') fusedAsgdStep(p.value, p.gradient, st.ax, s);
      else asgdReferenceStep(p.data, p.grad, st.ax.data, s);
      st.eta = group.lr / (1 + group.lambd * group.lr * st.step) ** group.alpha;
      st.mu = 1 / Math.max(1, st.step - group.t0);
    }
  }

  /** A copy of the running average `ax` of `p` (undefined before the first step). */
  averages(p: Param): Float32Array | Float64Array | undefined {
    const st = this.state.get(p) as ASGDState | undefined;
    return st?.ax.toArray();
  }
}
