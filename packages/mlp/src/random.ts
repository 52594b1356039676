/**
 * The seeded generator behind every random choice in a model (initialization, dropout masks,
 * shuffling): mulberry32, a 32-bit state that advances by a Weyl step and is mixed into a uniform
 * on [0, 1). Its whole state is one integer, so a checkpoint stores it and a resumed run draws
 * the same numbers as an uninterrupted one.
 *
 *   s ← s + 0x6D2B79F5 (mod 2³²);  u = mix(s) / 2³²
 *
 * Normals come from Box-Muller, z = √(-2 ln u₁) cos(2π u₂) (one normal per two uniforms, no cache,
 * so the state stays a single integer).
 */
export class Rng {
  /** The generator's whole state (an unsigned 32-bit integer). */
  state: number;

  constructor(seed: number) {
    if (typeof seed !== 'number' || !Number.isInteger(seed)) {
      throw new RangeError(`Invalid seed: ${String(seed)} (expected an integer)`);
    }
    this.state = seed >>> 0;
  }

  /** A uniform draw from [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform draw from [a, b). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    const u1 = 1 - this.next(); // (0, 1]: log is finite
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles `a` in place (Fisher-Yates). */
  shuffle(a: Int32Array | number[]): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

/**
 * A seed derived from a base seed and a stream index (splitmix-style hashing), so that e.g.
 * epoch e's shuffle depends only on (seed, e) and a run can resume at any epoch.
 */
export function deriveSeed(seed: number, stream: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
