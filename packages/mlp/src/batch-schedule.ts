/**
 * fit()'s `batchSize`: a fixed size, or a batch that grows from epoch to epoch (the notes' dynamic
 * sampling: a larger sample, a less noisy gradient). Four forms:
 *
 *   32                          every epoch uses batches of 32 rows (the last one may be short)
 *   (epoch) => |S_e|            any schedule of the (absolute) epoch, e.g. core's geometricBatchSize:
 *                               geometricBatchSize({ initial: 16, factor: 2, max: 512 }) gives
 *                               |S_e| = min(512, ⌈16 · 2ᵉ⌉)
 *   { normTest: ϑ, initial }    Byrd, Chin, Nocedal & Wu (2012), once per epoch: after epoch e, at its
 *                               final θ, the per-row gradients ∇fᵢ of the first |S_e| rows of e's
 *                               order give Var_S = Σᵢ‖∇fᵢ − ∇f_S‖²/(|S|−1), and the test
 *                                   Var_S / |S| <= ϑ² ‖∇f_S‖²
 *                               keeps |S_{e+1}| = |S_e| when it holds, else grows it to
 *                               ⌈Var_S / (ϑ² ‖∇f_S‖²)⌉ (core's normTest). The per-row gradients are
 *                               taken in eval mode (no dropout, batch norm's running statistics), so
 *                               the test draws no random numbers and changes no state; it costs |S_e|
 *                               one-row forward and backward passes per epoch.
 *   { lrDecay: η(e), initial }  Smith, Kindermans, Ying & Le (2018), "don't decay the learning rate,
 *                               increase the batch size": where the schedule η(e) (e.g. schedulers'
 *                               step({ lr: 0.1, stepSize: 10 })) would decay the step by c_e = η(e)/η(0),
 *                               fit grows the batch to |S_e| = min(max, round(b₀ / c_e)) and keeps
 *                               the step, η_e = η(0) c_e |S_e| / b₀ (core's lrDecayAsBatchGrowth), so the
 *                               noise scale η n / |S| is the schedule's η(e) n / b₀ at every epoch; once
 *                               |S| reaches max the step takes the rest of the decay. fit sets the
 *                               optimizer's lr each epoch, so a `schedule` is refused beside it.
 *
 * Sizes above the number of rows n are cut to n (one batch: full-batch gradient descent). Every size
 * a schedule gives for the epochs to run is checked before training starts. Resuming: the function
 * and lrDecay forms depend only on the epoch, so `initialEpoch` continues them; the norm test's state
 * is its current size, `result.nextBatchSize`: resume with `{ normTest: ϑ, initial: result.nextBatchSize }`.
 */
import { lrDecayAsBatchGrowth, type NormTestResult, normTest, type Param } from '@descent/core';

export interface NormTestBatchSize {
  /** ϑ > 0: smaller asks for larger batches (Byrd et al. use 0.5 to 0.9). */
  normTest: number;
  /** The batch size of the first epoch this fit() call runs (an integer >= 1). */
  initial: number;
  /** The largest size the test may ask for (default n). */
  max?: number;
}

export interface LrDecayBatchSize {
  /** The lr schedule η(epoch) whose decay the batch takes instead (η(0) is the step kept). */
  lrDecay: (epoch: number) => number;
  /** b₀, the batch size while η(e) = η(0) (an integer >= 1). */
  initial: number;
  /** The cap on the batch (default n); past it the step decays. */
  max?: number;
}

export type BatchSizeOption = number | ((epoch: number) => number) | NormTestBatchSize | LrDecayBatchSize;

function checkSize(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new RangeError(`Invalid ${name}: ${String(v)} (expected an integer >= 1)`);
  }
  return v;
}

function checkKeys(o: object, allowed: string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      throw new RangeError(`Unknown batchSize option: ${k} (expected one of ${allowed.join(', ')})`);
    }
  }
}

/** The batch size (and, for lrDecay, the lr) of each epoch fit runs, resolved and checked up front. */
export class BatchPlan {
  private normTestSize = 0;

  private constructor(
    /** Sizes of epochs initialEpoch..epochs−1 (norm test: filled as it goes). */
    private readonly sizes: number[],
    private readonly lrs: number[] | undefined,
    private readonly first: number,
    readonly normTest: { vartheta: number; max: number } | undefined,
  ) {}

  /**
   * Checks `option` for a run of epochs [initialEpoch, epochs) on n rows; throws a RangeError (or
   * TypeError) naming the option and the bad value before anything is trained.
   */
  static resolve(
    option: BatchSizeOption,
    n: number,
    initialEpoch: number,
    epochs: number,
    hasSchedule: boolean,
  ): BatchPlan {
    const count = epochs - initialEpoch;
    const epochsRun = Array.from({ length: count }, (_, i) => initialEpoch + i);
    if (typeof option === 'number') {
      const b = Math.min(n, checkSize('batchSize', option));
      return new BatchPlan(new Array(count).fill(b), undefined, initialEpoch, undefined);
    }
    if (typeof option === 'function') {
      const sizes = epochsRun.map((e) => Math.min(n, checkSize(`batchSize(${e})`, option(e))));
      return new BatchPlan(sizes, undefined, initialEpoch, undefined);
    }
    if (!option || typeof option !== 'object') {
      throw new TypeError(
        `Invalid batchSize: ${String(option)} (expected a size, a function epoch => size, { normTest, initial } or { lrDecay, initial })`,
      );
    }
    if ('normTest' in option) {
      checkKeys(option, ['normTest', 'initial', 'max']);
      const vartheta = option.normTest;
      if (typeof vartheta !== 'number' || !(vartheta > 0) || !Number.isFinite(vartheta)) {
        throw new RangeError(`Invalid batchSize.normTest: ${String(vartheta)} (expected a finite ϑ > 0)`);
      }
      const initial = checkSize('batchSize.initial', option.initial);
      const max = checkSize('batchSize.max', option.max ?? n);
      if (max < initial) {
        throw new RangeError(`Invalid batchSize.max: ${max} (must be >= batchSize.initial = ${initial})`);
      }
      const plan = new BatchPlan([], undefined, initialEpoch, { vartheta, max: Math.min(max, n) });
      plan.normTestSize = Math.min(initial, n);
      return plan;
    }
    if ('lrDecay' in option) {
      checkKeys(option, ['lrDecay', 'initial', 'max']);
      if (typeof option.lrDecay !== 'function') {
        throw new TypeError('Invalid batchSize.lrDecay: expected a schedule epoch => lr');
      }
      if (hasSchedule) {
        throw new RangeError(
          'batchSize.lrDecay sets the lr every epoch: pass the schedule there, not as `schedule` too',
        );
      }
      const initial = checkSize('batchSize.initial', option.initial);
      const max = Math.min(n, checkSize('batchSize.max', option.max ?? n));
      const eta0 = option.lrDecay(0);
      if (!(eta0 > 0) || !Number.isFinite(eta0)) {
        throw new RangeError(`Invalid batchSize.lrDecay(0): ${eta0} (expected a finite lr > 0)`);
      }
      const grow = lrDecayAsBatchGrowth({ lr: eta0, initial: Math.min(initial, max), max });
      const plans = epochsRun.map((e) => {
        const c = option.lrDecay(e) / eta0;
        if (!(c > 0 && c <= 1)) {
          throw new RangeError(
            `Invalid batchSize.lrDecay(${e}): ${option.lrDecay(e)} (expected 0 < lr <= lrDecay(0) = ${eta0})`,
          );
        }
        return grow(c);
      });
      return new BatchPlan(
        plans.map((p) => p.batchSize),
        plans.map((p) => p.lr),
        initialEpoch,
        undefined,
      );
    }
    throw new TypeError(
      'Invalid batchSize: expected a size, a function epoch => size, { normTest, initial } or { lrDecay, initial }',
    );
  }

  /** |S_e|. */
  size(epoch: number): number {
    return this.normTest ? this.normTestSize : this.sizes[epoch - this.first];
  }

  /** The lr epoch e runs at, when the plan sets it (lrDecay), else undefined. */
  lr(epoch: number): number | undefined {
    return this.lrs?.[epoch - this.first];
  }

  /** The size the epoch after `epoch` would use. */
  next(epoch: number): number {
    return this.normTest ? this.normTestSize : (this.sizes[epoch + 1 - this.first] ?? this.size(epoch));
  }

  /** Records the norm test's verdict at the end of an epoch: the next size, capped at max. */
  grow(test: NormTestResult): void {
    if (this.normTest) this.normTestSize = Math.min(this.normTest.max, test.size);
  }
}

/**
 * Byrd et al.'s norm test at the current θ over `rows` per-row gradients: `rowGradient(i)` leaves
 * ∇fᵢ in the parameters' gradients, summed here into ∇f_S and Σᵢ‖∇fᵢ‖².
 */
export function normTestOnRows(
  params: Param[],
  rows: number,
  rowGradient: (i: number) => void,
  vartheta: number,
): NormTestResult {
  const total = params.reduce((s, p) => s + p.length, 0);
  const sum = new Float64Array(total);
  let sumSquares = 0;
  for (let i = 0; i < rows; i++) {
    rowGradient(i);
    let at = 0;
    for (const p of params) {
      const g = p.grad;
      for (let j = 0; j < g.length; j++) {
        sum[at + j] += g[j];
        sumSquares += g[j] * g[j];
      }
      at += g.length;
    }
  }
  let mean2 = 0;
  for (let j = 0; j < total; j++) mean2 += (sum[j] / rows) ** 2;
  return normTest(sumSquares, mean2, rows, vartheta);
}
