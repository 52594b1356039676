/**
 * An empirical convexity check for a set C known only through membership, as the notes illustrate
 * (a convex set contains every segment between two of its points; a crescent or an annulus does not).
 *
 *   C is convex  ⇔  x, y ∈ C and α ∈ [0, 1]  ⇒  α x + (1 - α) y ∈ C.
 *
 * Every pair of sample points that lie in C is tested at the α's given (default 1/8, 2/8, ..., 7/8,
 * i.e. seven points along each segment). One point z = α x + (1 - α) y outside C proves that C is
 * not convex and is returned as the counterexample { x, y, alpha, z }; passing every pair is
 * evidence, not proof (the samples may miss the dent). Samples outside C are skipped.
 * Cost: m(m-1)/2 pairs × |alphas| membership calls for m members.
 */

export interface ConvexSetCounterexample {
  x: Float64Array;
  y: Float64Array;
  alpha: number;
  /** α x + (1 - α) y, outside C although x and y are in C. */
  z: Float64Array;
}

export interface ConvexSetReport {
  /** No counterexample found among the sampled segments. */
  convex: boolean;
  counterexample?: ConvexSetCounterexample;
  /** How many samples were in C. */
  members: number;
  /** Segments (pairs of members) tested. */
  pairs: number;
}

export interface ConvexSetOptions {
  /** Interpolation weights in (0, 1) tried on each segment (default [1/8, ..., 7/8]). */
  alphas?: number[];
}

const defaultAlphas = [1, 2, 3, 4, 5, 6, 7].map((k) => k / 8);

export function checkConvexSet(
  membership: (x: Float64Array) => boolean,
  samples: ArrayLike<ArrayLike<number>>,
  options: ConvexSetOptions = {},
): ConvexSetReport {
  if (typeof membership !== 'function') {
    throw new TypeError('membership must be a function (x: Float64Array) => boolean');
  }
  if (!samples || typeof samples.length !== 'number') {
    throw new TypeError('samples must be an array of points');
  }
  const alphas = options.alphas ?? defaultAlphas;
  if (!Array.isArray(alphas) || alphas.length === 0) {
    throw new RangeError(`Invalid alphas value: ${String(alphas)} (expected a non-empty array)`);
  }
  for (const a of alphas) {
    if (!(a >= 0 && a <= 1)) throw new RangeError(`Invalid alphas value: ${a} (expected numbers in [0, 1])`);
  }
  const n = samples.length > 0 ? samples[0].length : 0;
  const points = Array.from(samples, (s, i) => {
    if (!s || s.length !== n) {
      throw new RangeError(`samples[${i}] has length ${s?.length}, expected ${n} (the length of samples[0])`);
    }
    const x = Float64Array.from(s);
    const bad = x.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`samples[${i}] has a non-finite entry ${x[bad]} at index ${bad}`);
    return x;
  });
  const members = points.filter((x) => membership(Float64Array.from(x)) === true);
  let pairs = 0;
  for (let i = 0; i < members.length; i++) {
    for (let j = i + 1; j < members.length; j++) {
      pairs++;
      const x = members[i];
      const y = members[j];
      for (const alpha of alphas) {
        const z = x.map((xi, k) => alpha * xi + (1 - alpha) * y[k]);
        if (membership(Float64Array.from(z)) !== true) {
          return {
            convex: false,
            counterexample: { x: Float64Array.from(x), y: Float64Array.from(y), alpha, z },
            members: members.length,
            pairs,
          };
        }
      }
    }
  }
  return { convex: true, members: members.length, pairs };
}
