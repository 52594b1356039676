/**
 * Long series made drawable: their extent by a loop (Math.min(...values) overflows the stack past
 * ~100,000 arguments), and at most `max` evenly spaced indices to draw (a polyline of 100,000
 * points is no clearer than one of 1,000 on a 500-pixel plot).
 */

/** [min, max] of the finite values, or undefined when there are none. */
export function finiteExtent(values: ArrayLike<number>): [number, number] | undefined {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/**
 * Indices 0 = i_0 < i_1 < ... < i_m = n − 1 with m + 1 <= max (max >= 2): every index when n <= max,
 * else i_j = round(j (n − 1) / m). The first and the last are always kept.
 */
export function strideIndices(n: number, max: number): number[] {
  if (!Number.isInteger(max) || max < 2)
    throw new RangeError(`Invalid max: ${max} (expected an integer >= 2)`);
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const m = max - 1;
  return Array.from({ length: max }, (_, j) => Math.round((j * (n - 1)) / m));
}
