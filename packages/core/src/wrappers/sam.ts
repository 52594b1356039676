/**
 * Sharpness-aware minimization around any base optimizer: SAM (Foret, Kleiner, Mobahi & Neyshabur,
 * ICLR 2021) and its scale-invariant variant ASAM (Kwon, Kim, Park & Choi, ICML 2021).
 *
 * SAM minimizes the worst loss in a ρ-ball, min_w max_{‖e‖₂ ≤ ρ} f(w + e), with the first-order
 * solution of the inner max; one step costs two gradient evaluations (two calls of the closure):
 *
 *   g = ∇f(w)                                   first closure call (its loss is returned)
 *   e = ρ g / ‖g‖₂                              SAM: the steepest ascent step of length ρ
 *   e = ρ T² g / ‖T g‖₂,  T = diag(|w| + η)     ASAM: the ascent in the ball ‖T⁻¹ e‖₂ ≤ ρ
 *   g_SAM = ∇f(w + e)                           second closure call, at the perturbed point
 *   w ← base step from w with gradient g_SAM    (w itself is restored exactly before the base step)
 *
 * The norm is over all parameters together (as davda54/sam and Kwon et al.'s code do). ASAM
 * here scales every parameter (Kwon et al.'s code leaves biases unscaled, T = 1, by name).
 * Defaults: SAM ρ = 0.05 (Foret et al.), ASAM ρ = 0.5 and η = 0.01 (Kwon et al.).
 *
 *   const sam = new SAM(new SGD(params, { lr: 0.1, momentum: 0.9 }), { rho: 0.05 });
 *   sam.step(() => { sam.zeroGrad(); return lossAndGradients(); });
 *
 * Schedulers and state dicts act on `sam.base` (SAM keeps no state of its own). A gradient that is
 * not finite at w goes straight to the base step, whose `onNonFinite` policy decides (throw or
 * skip). If the second closure throws, w is put back before the error propagates.
 */
import type { BaseOptions, Optimizer, ParamGroup } from '../optim/optimizer.js';
import type { OptimizerStateDict } from '../optim/state-dict.js';

export interface SAMOptions {
  /** Radius of the neighbourhood (default 0.05 for SAM, 0.5 for ASAM). */
  rho?: number;
  /** ASAM's adaptive (scale-invariant) neighbourhood (default false; `ASAM` sets it). */
  adaptive?: boolean;
  /** ASAM's η in T = |w| + η (default 0.01); unused by SAM. */
  eta?: number;
}

const known = ['rho', 'adaptive', 'eta'];

export class SAM<B extends Optimizer<BaseOptions> = Optimizer<BaseOptions>> {
  readonly name: string;
  readonly base: B;
  rho: number;
  readonly adaptive: boolean;
  readonly eta: number;
  /** Closure calls so far (two per step). */
  gradientEvaluations = 0;

  constructor(base: B, options: SAMOptions = {}) {
    if (!base || typeof base.step !== 'function' || !Array.isArray(base.paramGroups)) {
      throw new TypeError('SAM wraps an optimizer: new SAM(new SGD(params, { lr }), { rho })');
    }
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`SAM options must be an object, got ${String(options)}`);
    }
    for (const k of Object.keys(options)) {
      if (!known.includes(k))
        throw new RangeError(`Unknown SAM option: ${k} (expected rho, adaptive or eta)`);
    }
    const adaptive = options.adaptive ?? false;
    if (typeof adaptive !== 'boolean') {
      throw new RangeError(`Invalid adaptive value: ${String(adaptive)} (expected true or false)`);
    }
    const rho = options.rho ?? (adaptive ? 0.5 : 0.05);
    if (typeof rho !== 'number' || !(rho >= 0) || !Number.isFinite(rho)) {
      throw new RangeError(`Invalid rho value: ${String(rho)} (expected a finite number >= 0)`);
    }
    const eta = options.eta ?? 0.01;
    if (typeof eta !== 'number' || !(eta >= 0) || !Number.isFinite(eta)) {
      throw new RangeError(`Invalid eta value: ${String(eta)} (expected a finite number >= 0)`);
    }
    this.base = base;
    this.rho = rho;
    this.adaptive = adaptive;
    this.eta = eta;
    this.name = `${adaptive ? 'ASAM' : 'SAM'}(${base.name})`;
  }

  /** The base optimizer's groups (what schedulers change). */
  get paramGroups(): ParamGroup<BaseOptions>[] {
    return this.base.paramGroups;
  }

  zeroGrad(): void {
    this.base.zeroGrad();
  }

  stateDict(): OptimizerStateDict {
    return this.base.stateDict();
  }

  loadStateDict(state: OptimizerStateDict): void {
    this.base.loadStateDict(state);
  }

  /**
   * One SAM step: the closure (zero the gradients, compute the loss and its gradients, return the
   * loss) is called at w and at w + e; returns the loss at w.
   */
  step(closure: () => number): number {
    if (typeof closure !== 'function') {
      throw new TypeError(`${this.name}.step needs a closure: it evaluates the gradient twice per step`);
    }
    const params = this.base.params();
    const loss = closure();
    this.gradientEvaluations++;
    // ‖g‖ or ‖T g‖ over all parameters, scaled by the largest term so it cannot overflow
    let big = 0;
    for (const p of params) {
      const w = p.data;
      const g = p.grad;
      for (let i = 0; i < g.length; i++) big = Math.max(big, Math.abs(this.scale(w[i]) * g[i]));
    }
    if (!Number.isFinite(big)) {
      this.base.step(); // the base's onNonFinite policy: throw, or skip the step
      return loss;
    }
    let sum = 0;
    if (big > 0) {
      for (const p of params) {
        const w = p.data;
        const g = p.grad;
        for (let i = 0; i < g.length; i++) sum += ((this.scale(w[i]) * g[i]) / big) ** 2;
      }
    }
    const norm = big * Math.sqrt(sum);
    const saved = params.map((p) => p.data.slice());
    if (norm > 0) {
      const c = this.rho / norm;
      for (const p of params) {
        const w = p.data;
        const g = p.grad;
        for (let i = 0; i < g.length; i++) w[i] += c * this.scale(w[i]) ** 2 * g[i];
      }
    }
    try {
      closure();
      this.gradientEvaluations++;
    } finally {
      params.forEach((p, k) => {
        p.data.set(saved[k]);
      });
    }
    this.base.step();
    return loss;
  }

  /** T_ii: |w_i| + η for ASAM, 1 for SAM. */
  private scale(w: number): number {
    return this.adaptive ? Math.abs(w) + this.eta : 1;
  }
}

/** ASAM (Kwon et al. 2021): SAM with the neighbourhood ‖(|w| + η)⁻¹ e‖₂ ≤ ρ. */
export class ASAM<B extends Optimizer<BaseOptions> = Optimizer<BaseOptions>> extends SAM<B> {
  constructor(base: B, options: Omit<SAMOptions, 'adaptive'> = {}) {
    if (options !== null && typeof options === 'object' && 'adaptive' in options) {
      throw new RangeError(
        'Unknown ASAM option: adaptive (ASAM is always adaptive; use SAM for the plain ball)',
      );
    }
    super(base, { ...options, adaptive: true });
  }
}
