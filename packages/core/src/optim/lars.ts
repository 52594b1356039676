/**
 * LARS (You, Gitman & Ginsburg 2017, "Large Batch Training of Convolutional Networks"): SGD with
 * momentum whose step is rescaled per parameter (per layer) by a trust ratio, the layer-wise
 * learning rate that made ImageNet trainable with batches of 32k. Per step and parameter θ
 * (η lr, λ weightDecay, c trustCoefficient, μ momentum):
 *
 *   u = g + λ θ
 *   r = c ‖θ‖ / (‖u‖ + ε)    (1 when either norm is 0, or without trustRatio)
 *   u = -η r u
 *   t = u + μ t;   θ = θ + (nesterov ? u + μ t : t)
 *
 * Reference: optax @ 2edbcbe, `optax.lars` = chain(add_decayed_weights(weight_decay),
 * masked(scale_by_trust_ratio(trust_coefficient, eps), trust_ratio_mask), scale_by_learning_rate(lr),
 * trace(momentum, nesterov)), same defaults (weightDecay 0, trustCoefficient 0.001, eps 0, momentum
 * 0.9, nesterov false). optax has no default lr; ours is 1 (the trust coefficient already makes the
 * step ~1e-3 ‖θ‖). `trustRatio: false` on a group is optax's trust_ratio_mask (biases, norms).
 * Deviations: the norms are summed in f64; -η r is applied as one factor.
 * The fused path is two kernel passes per parameter (`larsNorms`, then `larsApply`);
 * `impl: 'reference'` runs `larsReferenceStep`. State per parameter: momentumBuffer (optax's trace).
 */
import { type FloatArray, larsApply, larsNorms, type WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import { trustRatio } from './lamb.js';
import {
  type BaseOptions,
  Optimizer,
  type OptimizerBehaviour,
  type ParamGroup,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';
import { checkBoolean, checkInRange, checkLr, checkNonNegative, checkPositive } from './validate.js';

export interface LarsOptions extends BaseOptions {
  lr: number;
  weightDecay: number;
  /** c > 0, default 0.001. */
  trustCoefficient: number;
  /** ε >= 0 added to ‖u‖, default 0. */
  eps: number;
  /** Scale by the trust ratio (false: plain SGD with momentum, for biases/norms), default true. */
  trustRatio: boolean;
  /** μ in [0, 1), default 0.9. */
  momentum: number;
  nesterov: boolean;
}

const DEFAULTS: LarsOptions = {
  lr: 1,
  weightDecay: 0,
  trustCoefficient: 0.001,
  eps: 0,
  trustRatio: true,
  momentum: 0.9,
  nesterov: false,
};

/** One step in plain TypeScript (in place). */
export function larsReferenceStep(p: FloatArray, g: FloatArray, t: FloatArray, o: LarsOptions): void {
  let pp = 0;
  let uu = 0;
  for (let i = 0; i < p.length; i++) {
    const u = g[i] + o.weightDecay * p[i];
    pp += p[i] * p[i];
    uu += u * u;
  }
  const scale = -o.lr * (o.trustRatio ? trustRatio(pp, uu, o.trustCoefficient, o.eps) : 1);
  for (let i = 0; i < p.length; i++) {
    const u = (g[i] + o.weightDecay * p[i]) * scale;
    t[i] = u + o.momentum * t[i];
    p[i] = p[i] + (o.nesterov ? u + o.momentum * t[i] : t[i]);
  }
}

interface LarsState {
  [key: string]: number | WasmArray;
  momentumBuffer: WasmArray;
}

export class LARS extends Optimizer<LarsOptions> {
  readonly name = 'LARS';

  constructor(params: ParamsInput<LarsOptions>, options: Partial<LarsOptions> & OptimizerBehaviour = {}) {
    super('LARS', params, DEFAULTS, options);
  }

  protected validateGroup(o: LarsOptions): void {
    checkLr(o.lr);
    checkNonNegative('weightDecay', o.weightDecay);
    checkPositive('trustCoefficient', o.trustCoefficient);
    checkNonNegative('eps', o.eps);
    checkBoolean('trustRatio', o.trustRatio);
    checkInRange('momentum', o.momentum, 0, 1);
    checkBoolean('nesterov', o.nesterov);
  }

  protected override prepareState(p: Param): void {
    this.stateOf<LarsState>(p, () => ({ momentumBuffer: this.stateArray(p.dtype, p.length) }));
  }

  protected override stateSpec(): StateSpec {
    return { momentumBuffer: { kind: 'array', required: true } };
  }

  protected updateGroup(group: ParamGroup<LarsOptions>): void {
    for (const p of group.params) {
      const st = this.state.get(p) as LarsState;
      if (this.impl === 'reference') {
        larsReferenceStep(p.data, p.grad, st.momentumBuffer.data, group);
        continue;
      }
      let r = 1;
      if (group.trustRatio) {
        const n = larsNorms(p.value, p.gradient, group.weightDecay);
        r = trustRatio(n.paramSq, n.updateSq, group.trustCoefficient, group.eps);
      }
      larsApply(p.value, p.gradient, st.momentumBuffer, {
        weightDecay: group.weightDecay,
        scale: -group.lr * r,
        momentum: group.momentum,
        nesterov: group.nesterov,
      });
    }
  }
}
