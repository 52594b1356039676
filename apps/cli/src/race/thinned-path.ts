/**
 * A trajectory kept in bounded memory: of the iterates x_0, x_1, ..., x_nit it keeps those whose
 * step k is a multiple of a stride s, plus the last one. The stride starts at 1 (every step kept);
 * whenever more than `capacity` stride samples are held, every other one is dropped and s doubles.
 * So a run of N steps keeps about capacity stride samples, evenly spaced (s = the smallest power of
 * two with N / s <= capacity), and a run shorter than `capacity` keeps every step.
 *
 * Thinning must not hide oscillation: between two kept stride samples a and b, the step of lowest
 * f and the step of highest f are kept too when they lie outside [min(f_a, f_b), max(f_a, f_b)]
 * (min-max decimation, as oscilloscopes thin a signal). A monotone stretch adds nothing; a zigzag
 * keeps its peaks and troughs, so at most 3 · capacity + 1 samples are held.
 *
 * `descent run --steps 1e7` used to keep all 10⁷ iterates and ran out of JavaScript heap.
 */

/** Samples kept by default: every step of any run up to 10,000 steps. */
export const PATH_CAPACITY = 10_001;

interface Sample {
  k: number;
  f: number;
  x: Float64Array;
}

export class ThinnedPath {
  /** The step k of each kept sample, increasing; steps[0] = 0. */
  readonly steps: number[] = [];
  /** f(x_k) of each kept sample. */
  readonly f: number[] = [];
  /** x_k of each kept sample (copies). */
  readonly x: Float64Array[] = [];
  private s = 1;
  private strideSamples = 0;
  /** The lowest and highest f offered since the last stride sample (copies). */
  private lo: Sample | undefined;
  private hi: Sample | undefined;

  constructor(readonly capacity = PATH_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 2)
      throw new RangeError(`Invalid capacity: ${capacity} (expected an integer >= 2)`);
  }

  /** The current spacing of kept steps (1 until the first thinning). */
  get stride(): number {
    return this.s;
  }

  /** Offers step k (called for k = 0, 1, 2, ... in order): a stride sample, or a candidate extremum. */
  offer(k: number, f: number, x: Float64Array): void {
    if (k % this.s !== 0) {
      if (this.lo === undefined || f < this.lo.f) this.lo = remember(this.lo, k, f, x);
      if (this.hi === undefined || f > this.hi.f) this.hi = remember(this.hi, k, f, x);
      return;
    }
    this.flush(f);
    this.push(k, f, x.slice());
    this.strideSamples++;
    if (this.strideSamples > this.capacity) this.halve();
  }

  /** Keeps the last step too, if the stride skipped it (and the extrema before it). */
  finish(k: number, f: number, x: Float64Array): void {
    const last = this.steps.length - 1;
    if (last >= 0 && this.steps[last] === k) return;
    if (this.lo?.k === k) this.lo = undefined;
    if (this.hi?.k === k) this.hi = undefined;
    this.flush(f);
    this.push(k, f, x.slice());
  }

  private push(k: number, f: number, x: Float64Array): void {
    this.steps.push(k);
    this.f.push(f);
    this.x.push(x);
  }

  /** Closes the open stretch before a sample of value `next`: its extrema beyond both ends are kept. */
  private flush(next: number): void {
    const before = this.f.length ? this.f[this.f.length - 1] : next;
    const low = Math.min(before, next);
    const high = Math.max(before, next);
    const keep = [this.lo, this.hi].filter(
      (c, i, all): c is Sample => c !== undefined && (c.f < low || c.f > high) && all.indexOf(c) === i,
    );
    if (keep.length === 2 && keep[0].k === keep[1].k) keep.pop();
    for (const c of keep.sort((a, b) => a.k - b.k)) this.push(c.k, c.f, c.x.slice());
    this.lo = undefined;
    this.hi = undefined;
  }

  /**
   * Stride 2s: the samples at multiples of 2s stay; between two of them, of everything else held
   * (the dropped stride sample and the extrema), the lowest and the highest f stay when they lie
   * outside the two ends; after the last one they become the open stretch's candidates.
   */
  private halve(): void {
    const s2 = this.s * 2;
    const all: Sample[] = this.steps.map((k, i) => ({ k, f: this.f[i], x: this.x[i] }));
    const kept: Sample[] = [];
    let lo: Sample | undefined;
    let hi: Sample | undefined;
    let strides = 0;
    for (const c of all) {
      if (c.k % s2 !== 0) {
        if (lo === undefined || c.f < lo.f) lo = c;
        if (hi === undefined || c.f > hi.f) hi = c;
        continue;
      }
      const before = kept.length ? kept[kept.length - 1].f : c.f;
      const [low, high] = [Math.min(before, c.f), Math.max(before, c.f)];
      const extra = [lo, hi].filter(
        (e, i, both): e is Sample => e !== undefined && (e.f < low || e.f > high) && both.indexOf(e) === i,
      );
      kept.push(...extra.sort((a, b) => a.k - b.k), c);
      lo = undefined;
      hi = undefined;
      strides++;
    }
    this.steps.length = 0;
    this.f.length = 0;
    this.x.length = 0;
    for (const c of kept) this.push(c.k, c.f, c.x);
    // the open stretch: what was held after the last kept stride sample (nothing is pending here:
    // halve() runs right after a stride sample closed the previous stretch)
    const open = [lo, hi].filter((c): c is Sample => c !== undefined);
    this.lo = open.length ? open.reduce((a, b) => (b.f < a.f ? b : a)) : undefined;
    this.hi = open.length ? open.reduce((a, b) => (b.f > a.f ? b : a)) : undefined;
    this.s = s2;
    this.strideSamples = strides;
  }
}

/** `into` (reused) or a new sample, holding a copy of x. */
function remember(into: Sample | undefined, k: number, f: number, x: Float64Array): Sample {
  if (into && into.x.length === x.length) {
    into.x.set(x);
    return { k, f, x: into.x };
  }
  return { k, f, x: x.slice() };
}
