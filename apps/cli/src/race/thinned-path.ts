/**
 * A trajectory kept in bounded memory: of the iterates x_0, x_1, ..., x_nit it keeps those whose
 * step k is a multiple of a stride s, plus the last one. The stride starts at 1 (every step kept);
 * whenever more than `capacity` samples are held, every other one is dropped and s doubles. So a
 * run of N steps keeps at most capacity + 2 samples, evenly spaced (s = the smallest power of two
 * with N / s <= capacity), and a run shorter than `capacity` keeps every step.
 *
 * `descent run --steps 1e7` used to keep all 10⁷ iterates and ran out of JavaScript heap.
 */

/** Samples kept by default: every step of any run up to 10,000 steps. */
export const PATH_CAPACITY = 10_001;

export class ThinnedPath {
  /** The step k of each kept sample, increasing; steps[0] = 0. */
  readonly steps: number[] = [];
  /** f(x_k) of each kept sample. */
  readonly f: number[] = [];
  /** x_k of each kept sample (copies). */
  readonly x: Float64Array[] = [];
  private s = 1;

  constructor(readonly capacity = PATH_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 2)
      throw new RangeError(`Invalid capacity: ${capacity} (expected an integer >= 2)`);
  }

  /** The current spacing of kept steps (1 until the first thinning). */
  get stride(): number {
    return this.s;
  }

  /** Offers step k (called for k = 0, 1, 2, ... in order); kept when k is a multiple of the stride. */
  offer(k: number, f: number, x: Float64Array): void {
    if (k % this.s !== 0) return;
    this.steps.push(k);
    this.f.push(f);
    this.x.push(x.slice());
    if (this.steps.length > this.capacity) this.halve();
  }

  /** Keeps the last step too, if the stride skipped it. */
  finish(k: number, f: number, x: Float64Array): void {
    const last = this.steps.length - 1;
    if (last >= 0 && this.steps[last] === k) return;
    this.steps.push(k);
    this.f.push(f);
    this.x.push(x.slice());
  }

  /** Drops the samples at odd positions (steps that are odd multiples of s); s doubles. */
  private halve(): void {
    let j = 0;
    for (let i = 0; i < this.steps.length; i += 2, j++) {
      this.steps[j] = this.steps[i];
      this.f[j] = this.f[i];
      this.x[j] = this.x[i];
    }
    this.steps.length = j;
    this.f.length = j;
    this.x.length = j;
    this.s *= 2;
  }
}
