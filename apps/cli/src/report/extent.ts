/**
 * The smallest and largest of any number of values, in a loop: `Math.min(...values)` passes every
 * value as an argument and overflows the call stack beyond ~125k of them (a long trajectory, a
 * large --dim), so nothing in the CLI spreads an array whose length the user chooses.
 */

/** min_i values[i] (Infinity for no values, NaN if one is NaN, as Math.min). */
export function minOf(values: ArrayLike<number>): number {
  let m = Number.POSITIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < m || Number.isNaN(v)) m = v;
    if (Number.isNaN(m)) return m;
  }
  return m;
}

/** max_i values[i] (-Infinity for no values, NaN if one is NaN, as Math.max). */
export function maxOf(values: ArrayLike<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > m || Number.isNaN(v)) m = v;
    if (Number.isNaN(m)) return m;
  }
  return m;
}

/** max_i |values[i]| (0 for no values; NaN if one is NaN). */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]);
    if (v > m || Number.isNaN(v)) m = v;
    if (Number.isNaN(m)) return m;
  }
  return m;
}
