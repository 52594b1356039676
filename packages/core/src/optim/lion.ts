/**
 * Lion, "EvoLved Sign Momentum" (Chen et al. 2023, "Symbolic Discovery of Optimization
 * Algorithms", Algorithm 2). Not in torch; we follow the paper in the order lucidrains/lion-pytorch
 * implements it (the de-facto PyTorch reference), which optax's `lion` matches too:
 *
 *   g_t = ∇f(θ_{t-1}) (negated with `maximize`)
 *   θ   = θ_{t-1} (1 - η λ)                          decoupled weight decay
 *   c_t = β1 m_{t-1} + (1 - β1) g_t                   interpolation, used only for its sign
 *   θ_t = θ - η sign(c_t)                            every coordinate moves by exactly η (or 0)
 *   m_t = β2 m_{t-1} + (1 - β2) g_t                  the momentum tracks g with the slower β2
 *
 * Defaults are lucidrains': lr 1e-4, betas [0.9, 0.99], weightDecay 0 (optax uses weight_decay
 * 1e-3; we keep 0 as the torch-style libraries do). The paper advises an lr 3-10x smaller and a
 * weight decay 3-10x larger than AdamW's, since sign updates have a larger norm.
 */
import { type FloatArray, fusedLionStep, type WasmArray } from '@descent/kernels';
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
import { checkBetas, checkBoolean, checkLr, checkNonNegative } from './validate.js';

export interface LionOptions extends BaseOptions {
  lr: number;
  betas: [number, number];
  weightDecay: number;
  maximize: boolean;
}

const DEFAULTS: LionOptions = { lr: 1e-4, betas: [0.9, 0.99], weightDecay: 0, maximize: false };

interface LionState extends ParamState {
  expAvg: WasmArray;
}

/** One Lion step in plain TypeScript: updates `theta` and `expAvg` in place. */
export function lionReferenceStep(
  theta: FloatArray,
  grad: FloatArray,
  expAvg: FloatArray,
  o: Pick<LionOptions, 'lr' | 'betas' | 'weightDecay' | 'maximize'>,
): void {
  const [b1, b2] = o.betas;
  const decay = 1 - o.lr * o.weightDecay;
  for (let i = 0; i < theta.length; i++) {
    const g = o.maximize ? -grad[i] : grad[i];
    const c = b1 * expAvg[i] + (1 - b1) * g;
    theta[i] = theta[i] * decay - o.lr * Math.sign(c);
    expAvg[i] = b2 * expAvg[i] + (1 - b2) * g;
  }
}

export class Lion extends Optimizer<LionOptions> {
  readonly name = 'Lion';

  constructor(params: ParamsInput<LionOptions>, options: Partial<LionOptions> & OptimizerBehaviour = {}) {
    super('Lion', params, DEFAULTS, options);
  }

  protected validateGroup(o: LionOptions): void {
    checkLr(o.lr);
    checkBetas(o.betas);
    checkNonNegative('weightDecay', o.weightDecay);
    checkBoolean('maximize', o.maximize);
  }

  protected override prepareState(p: Param): void {
    this.stateOf<LionState>(p, () => ({ expAvg: this.stateArray(p.dtype, p.length) }));
  }

  protected override stateSpec(_p: Param, _group: ParamGroup<LionOptions>): StateSpec {
    return { expAvg: { kind: 'array', required: true } };
  }

  protected updateGroup(group: ParamGroup<LionOptions>): void {
    for (const p of group.params) {
      const st = this.state.get(p) as LionState;
      if (this.impl === 'fused') {
        fusedLionStep(p.value, p.gradient, st.expAvg, {
          lr: group.lr,
          beta1: group.betas[0],
          beta2: group.betas[1],
          weightDecay: group.weightDecay,
          maximize: group.maximize,
        });
      } else {
        lionReferenceStep(p.data, p.grad, st.expAvg.data, group);
      }
    }
  }
}
