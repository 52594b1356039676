/**
 * Dynamic sampling: grow the batch instead of living with SGD's noise. Three schedules for the
 * batch size |S_k|, usable from the finite-sum loop (minibatch-sgd.ts) or between `fit()` calls:
 *
 *   geometric  |S_k| = min(max, ⌈b₀ rᵏ⌉), r > 1: the gradient's variance falls like r⁻ᵏ, enough for
 *              a linear rate at a fixed step (Friedlander & Schmidt 2012).
 *   norm test  (Byrd, Chin, Nocedal & Wu 2012) keep |S| while the sample variance of the batch
 *              gradient is small next to its norm,
 *
 *                 (1/|S|) · (1/(|S|−1)) Σ_{i∈S} ‖∇fᵢ(θ) − ∇f_S(θ)‖²  ≤  ϑ² ‖∇f_S(θ)‖²,
 *
 *              (an estimate of E‖∇f_S − ∇f‖² ≤ ϑ² ‖∇f‖², which makes −∇f_S a descent direction in
 *              expectation); when it fails, grow to |Ŝ| = ⌈ Var_S / (ϑ² ‖∇f_S‖²) ⌉ so it holds.
 *   lr-decay equivalence  (Smith, Kindermans, Ying & Le, ICLR 2018): where a schedule would multiply
 *              the step by a factor c ≤ 1, multiply the batch by 1/c instead and keep the step (the
 *              noise scale η n/|S| is the same), until |S| reaches its cap; then the step takes the
 *              rest of the factor.
 */

export interface GeometricBatchOptions {
  /** b₀ >= 1 (default 1). */
  initial?: number;
  /** Growth factor r > 1 per step (or per epoch, as the caller counts) (default 1.1). */
  factor?: number;
  /** The cap, e.g. n (default Infinity). */
  max?: number;
}

function checkCount(name: string, v: number, min: number): void {
  if (!(v >= min) || (Number.isFinite(v) && !Number.isInteger(v))) {
    throw new RangeError(`Invalid ${name}: ${v} (expected an integer >= ${min})`);
  }
}

/** k ↦ min(max, ⌈b₀ rᵏ⌉): the geometric schedule. */
export function geometricBatchSize(options: GeometricBatchOptions = {}): (k: number) => number {
  const { initial = 1, factor = 1.1, max = Number.POSITIVE_INFINITY } = options;
  checkCount('initial', initial, 1);
  if (!(factor > 1) || !Number.isFinite(factor)) {
    throw new RangeError(`Invalid factor: ${factor} (expected a finite r > 1)`);
  }
  checkCount('max', max, initial);
  return (k) => {
    if (!Number.isInteger(k) || k < 0)
      throw new RangeError(`Invalid step k: ${k} (expected an integer >= 0)`);
    // the 1e-12 keeps ⌈2 · 1.5²⌉ = 5 from becoming 6 by rounding of rᵏ
    return Math.min(max, Math.ceil(initial * factor ** k * (1 - 1e-12)));
  };
}

export interface NormTestResult {
  /** Var_S = (1/(|S|−1)) Σ_{i∈S} ‖∇fᵢ − ∇f_S‖² (0 for |S| = 1). */
  variance: number;
  /** ‖∇f_S‖². */
  gradNorm2: number;
  /** Var_S / |S| <= ϑ² ‖∇f_S‖². */
  passed: boolean;
  /** The size the test asks for: |S| when passed, else ⌈Var_S / (ϑ² ‖∇f_S‖²)⌉ (never smaller than |S|). */
  size: number;
}

/**
 * Byrd et al.'s norm test on a batch of size b, from Σᵢ ‖∇fᵢ‖² and the batch mean gradient's ‖∇f_S‖²
 * (Σᵢ ‖∇fᵢ − ∇f_S‖² = Σᵢ ‖∇fᵢ‖² − b ‖∇f_S‖²). With b = 1 there is no variance estimate: the test
 * asks for 2 (the smallest batch that has one).
 */
export function normTest(sumSquares: number, gradNorm2: number, b: number, vartheta: number): NormTestResult {
  checkCount('batch size b', b, 1);
  if (!(vartheta > 0) || !Number.isFinite(vartheta)) {
    throw new RangeError(`Invalid vartheta: ${vartheta} (expected a finite ϑ > 0)`);
  }
  if (b === 1) return { variance: 0, gradNorm2, passed: false, size: 2 };
  const variance = Math.max(0, sumSquares - b * gradNorm2) / (b - 1);
  const bound = vartheta * vartheta * gradNorm2;
  const passed = variance / b <= bound;
  const size = passed ? b : Math.max(b + 1, Math.ceil(variance / bound));
  return { variance, gradNorm2, passed, size };
}

export interface LrDecayAsBatchOptions {
  /** The step η₀ the schedule starts from. */
  lr: number;
  /** The starting batch b₀. */
  initial: number;
  /** The cap (e.g. n). */
  max: number;
}

/**
 * Smith et al. (2018): turns an lr schedule's factor c_k = η_k / η₀ into (batch, lr) with the same
 * noise scale η/|S|: |S_k| = min(max, b₀ / c_k) (rounded), η = η₀ c_k |S_k| / b₀, so η/|S| = η₀ c_k / b₀
 * exactly (η ≈ η₀ until the cap, then η = η₀ c_k max / b₀).
 */
export function lrDecayAsBatchGrowth(
  options: LrDecayAsBatchOptions,
): (factor: number) => { batchSize: number; lr: number } {
  const { lr, initial, max } = options;
  if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`Invalid lr: ${lr} (expected a finite η > 0)`);
  checkCount('initial', initial, 1);
  checkCount('max', max, initial);
  return (c) => {
    if (!(c > 0 && c <= 1)) throw new RangeError(`Invalid lr factor: ${c} (expected 0 < c <= 1)`);
    const batchSize = Math.min(max, Math.max(initial, Math.round(initial / c)));
    return { batchSize, lr: (lr * c * batchSize) / initial };
  };
}
