/**
 * Sophia (Liu, Li, Hall, Liang & Ma 2024, "Sophia: A Scalable Stochastic Second-order Optimizer for
 * Language Model Pre-training"): momentum divided by an EMA of the diagonal Hessian, clipped
 * element-wise so a flat or negative-curvature coordinate moves at most lr. Per step t (η lr,
 * λ weightDecay, γ gamma):
 *
 *   θ = θ (1 - η λ)
 *   m = β1 m + (1 - β1) g
 *   θ = θ - η/(1 - β1^t) · sign(m) · min(|m| / (γ max(h, 0) + 1e-12), 1)
 *
 * and, every few steps (the paper: k = 10), `updateHessian(hvp)` refreshes h with Hutchinson's
 * estimate of diag(H) at the current parameters:
 *
 *   u ~ Rademacher (±1),   h = β2 h + (1 - β2) u ⊙ (H u)         (E[u ⊙ Hu] = diag H)
 *
 * `hvp(u)` gets one probe per parameter (in `params()` order) and returns H u in the same layout,
 * H the loss's Hessian over all parameters: autograd's Hessian-vector product, finite differences
 * of gradients, or a closed form. The probes come from a counter-based hash of (seed, update count,
 * parameter index, element index), so a run is reproducible and a loaded state dict resumes it
 * exactly. Until the first update h = 0 and the step is sign descent with step η/(1 - β1^t).
 *
 * Reference: Liuhong99/Sophia @ 01af183, sophia.py, SophiaH (step, _single_tensor_sophiah,
 * update_hessian), same defaults (lr 1e-3, betas [0.9, 0.99], gamma 10, weightDecay 1e-2, maximize
 * false). Deviation: the reference's update_hessian averages whatever the caller left in p.grad;
 * here the optimizer draws the probes and takes the user's hvp (option `seed`, default 0).
 * The fused path is one kernel pass per parameter (`fusedSophiaStep`, `sophiaHessianUpdate`);
 * `impl: 'reference'` runs `sophiaReferenceStep`. State: step, expAvg, hessian, hessianUpdates.
 */
import {
  type FloatArray,
  fromArray,
  fusedSophiaStep,
  type SophiaScalars,
  sophiaHessianUpdate,
  type WasmArray,
} from '@descent/kernels';
import type { Param } from '../param.js';
import {
  type BaseOptions,
  Optimizer,
  type OptimizerBehaviour,
  type ParamGroup,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';
import { checkBetas, checkBoolean, checkLr, checkNonNegative } from './validate.js';

export interface SophiaOptions extends BaseOptions {
  lr: number;
  /** (β1 momentum, β2 Hessian EMA), each in [0, 1), default [0.9, 0.99]. */
  betas: [number, number];
  /** γ >= 0, the clipping scale, default 10. */
  gamma: number;
  /** Decoupled decay λ >= 0, default 1e-2. */
  weightDecay: number;
  maximize: boolean;
  /** The seed of the Hutchinson probes (an integer >= 0), default 0. */
  seed: number;
}

const DEFAULTS: SophiaOptions = {
  lr: 1e-3,
  betas: [0.9, 0.99],
  gamma: 10,
  weightDecay: 1e-2,
  maximize: false,
  seed: 0,
};

/** A Hessian-vector product over all parameters: probes in `params()` order, H·probe back. */
export type HessianVectorProduct = (probes: FloatArray[]) => ArrayLike<number>[];

/**
 * The probe's sign ±1 for element i of parameter `paramIndex` at Hessian update `count`: a
 * murmur3-finalized mix of the four integers (test/fixtures/past-torch/sophia.py does the same).
 */
export function sophiaProbeSign(seed: number, count: number, paramIndex: number, i: number): number {
  let x =
    (Math.imul(seed, 0x9e3779b1) +
      Math.imul(count, 0x85ebca77) +
      Math.imul(paramIndex, 0xc2b2ae3d) +
      Math.imul(i, 0x27d4eb2f)) >>>
    0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return x >>> 31 ? 1 : -1;
}

/** One step in plain TypeScript (in place), the kernel's update. */
export function sophiaReferenceStep(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  h: FloatArray,
  s: SophiaScalars,
): void {
  for (let i = 0; i < p.length; i++) {
    const x = s.decay * p[i];
    const d = s.maximize ? -g[i] : g[i];
    m[i] = s.beta1 * m[i] + (1 - s.beta1) * d;
    const ratio = Math.min(Math.abs(m[i]) / (s.gamma * Math.max(h[i], 0) + 1e-12), 1);
    p[i] = x + s.negStep * (Math.sign(m[i]) * ratio);
  }
}

interface SophiaState {
  [key: string]: number | WasmArray;
  step: number;
  hessianUpdates: number;
  expAvg: WasmArray;
  hessian: WasmArray;
}

export class Sophia extends Optimizer<SophiaOptions> {
  readonly name = 'Sophia';

  constructor(params: ParamsInput<SophiaOptions>, options: Partial<SophiaOptions> & OptimizerBehaviour = {}) {
    super('Sophia', params, DEFAULTS, options);
  }

  protected validateGroup(o: SophiaOptions): void {
    checkLr(o.lr);
    checkBetas(o.betas);
    checkNonNegative('gamma', o.gamma);
    checkNonNegative('weightDecay', o.weightDecay);
    checkBoolean('maximize', o.maximize);
    if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) {
      throw new RangeError(`Invalid seed value: ${String(o.seed)} (expected an integer in [0, 2^32))`);
    }
  }

  private newState(p: Param): SophiaState {
    return {
      step: 0,
      hessianUpdates: 0,
      expAvg: this.stateArray(p.dtype, p.length),
      hessian: this.stateArray(p.dtype, p.length),
    };
  }

  protected override prepareState(p: Param): void {
    this.stateOf<SophiaState>(p, () => this.newState(p));
  }

  protected override stateSpec(): StateSpec {
    return {
      step: { kind: 'number', required: true },
      hessianUpdates: { kind: 'number', required: true },
      expAvg: { kind: 'array', required: true },
      hessian: { kind: 'array', required: true },
    };
  }

  /**
   * h = β2 h + (1 - β2) u ⊙ hvp(u) for fresh Rademacher probes u. The products are checked (one per
   * parameter, of its length, finite) before anything changes; a bad one throws a RangeError.
   */
  updateHessian(hvp: HessianVectorProduct): void {
    this.checkUsable();
    this.checkGroups();
    const all = this.params();
    const groupOf = (p: Param) =>
      this.paramGroups.find((g) => g.params.includes(p)) as ParamGroup<SophiaOptions>;
    const probes = all.map((p, j) => {
      const count = (this.state.get(p) as SophiaState | undefined)?.hessianUpdates ?? 0;
      const seed = groupOf(p).seed;
      const u = p.dtype === 'f32' ? new Float32Array(p.length) : new Float64Array(p.length);
      for (let i = 0; i < u.length; i++) u[i] = sophiaProbeSign(seed, count, j, i);
      return u;
    });
    const products = hvp(probes.map((u) => u.slice()));
    if (!Array.isArray(products) || products.length !== all.length) {
      throw new RangeError(
        `Sophia.updateHessian: hvp returned ${Array.isArray(products) ? products.length : typeof products} products, expected ${all.length} (one per parameter); nothing was changed`,
      );
    }
    all.forEach((p, j) => {
      const hu = products[j];
      if (!hu || hu.length !== p.length) {
        throw new RangeError(
          `Sophia.updateHessian: hvp's product ${j} (${p.name}) has length ${hu?.length}, expected ${p.length}; nothing was changed`,
        );
      }
      for (let i = 0; i < hu.length; i++) {
        if (!Number.isFinite(hu[i])) {
          throw new RangeError(
            `Sophia.updateHessian: hvp's product ${j} (${p.name}) is not finite at ${i} (${hu[i]}); nothing was changed`,
          );
        }
      }
    });
    const states = all.map((p) => this.stateOf<SophiaState>(p, () => this.newState(p)));
    all.forEach((p, j) => {
      const st = states[j];
      const beta2 = groupOf(p).betas[1];
      if (this.impl === 'fused') {
        const u = fromArray(probes[j]);
        const hu = fromArray(
          p.dtype === 'f32' ? Float32Array.from(products[j]) : Float64Array.from(products[j]),
        );
        try {
          sophiaHessianUpdate(st.hessian, u, hu, beta2);
        } finally {
          u.free();
          hu.free();
        }
      } else {
        const h = st.hessian.data;
        const u = probes[j];
        const hu = p.dtype === 'f32' ? Float32Array.from(products[j]) : products[j];
        for (let i = 0; i < h.length; i++) h[i] = beta2 * h[i] + (1 - beta2) * (u[i] * hu[i]);
      }
      st.hessianUpdates += 1;
    });
  }

  protected updateGroup(group: ParamGroup<SophiaOptions>): void {
    const [beta1] = group.betas;
    for (const p of group.params) {
      const st = this.state.get(p) as SophiaState;
      const t = ++st.step;
      const s: SophiaScalars = {
        beta1,
        gamma: group.gamma,
        decay: 1 - group.lr * group.weightDecay,
        negStep: -group.lr / (1 - beta1 ** t),
        maximize: group.maximize,
      };
      if (this.impl === 'fused') fusedSophiaStep(p.value, p.gradient, st.expAvg, st.hessian, s);
      else sophiaReferenceStep(p.data, p.grad, st.expAvg.data, st.hessian.data, s);
    }
  }
}
