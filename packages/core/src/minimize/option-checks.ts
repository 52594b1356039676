/**
 * minimize()'s option checks: each throws a RangeError naming the option and the value it got, and
 * runs before anything is evaluated, so a refused call changes nothing.
 */

export function checkNumber(label: string, v: unknown, lo: number, hi: number, exclusiveLo = false): void {
  if (
    typeof v !== 'number' ||
    Number.isNaN(v) ||
    (exclusiveLo ? v <= lo : v < lo) ||
    v > hi ||
    (hi === Number.POSITIVE_INFINITY && !Number.isFinite(v))
  ) {
    throw new RangeError(`Invalid ${label} value: ${String(v)}`);
  }
}

/** Bounds as lower / upper arrays (±Infinity for none); `some` when any is finite. */
export function parseBounds(
  b: unknown,
  n: number,
): { lower: Float64Array; upper: Float64Array; some: boolean } {
  const lower = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  const upper = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const bad = (why: string) => new RangeError(`Invalid bounds value: ${why}`);
  const read = (v: unknown, dflt: number, what: string) => {
    if (v === null || v === undefined) return dflt;
    if (typeof v !== 'number' || Number.isNaN(v))
      throw bad(`${what} is ${String(v)} (expected a number, null or ±Infinity)`);
    return v;
  };
  if (Array.isArray(b)) {
    if (b.length !== n) throw bad(`${b.length} pairs for ${n} coordinates`);
    b.forEach((pair, i) => {
      if (pair === null || pair === undefined) return;
      if (!Array.isArray(pair) || pair.length !== 2) throw bad(`entry ${i} must be a pair [lower, upper]`);
      lower[i] = read(pair[0], Number.NEGATIVE_INFINITY, `lower bound ${i}`);
      upper[i] = read(pair[1], Number.POSITIVE_INFINITY, `upper bound ${i}`);
    });
  } else if (b && typeof b === 'object' && 'lb' in b && 'ub' in b) {
    const { lb, ub } = b as { lb: ArrayLike<number>; ub: ArrayLike<number> };
    if (lb?.length !== n || ub?.length !== n) throw bad(`lb and ub must have length ${n}`);
    for (let i = 0; i < n; i++) {
      lower[i] = read(lb[i], Number.NEGATIVE_INFINITY, `lb[${i}]`);
      upper[i] = read(ub[i], Number.POSITIVE_INFINITY, `ub[${i}]`);
    }
  } else {
    throw bad('expected [lower, upper] pairs, one per coordinate, or { lb, ub }');
  }
  let some = false;
  for (let i = 0; i < n; i++) {
    if (lower[i] > upper[i])
      throw bad(`lower bound ${lower[i]} > upper bound ${upper[i]} at coordinate ${i}`);
    if (lower[i] === Number.POSITIVE_INFINITY || upper[i] === Number.NEGATIVE_INFINITY) {
      throw bad(`coordinate ${i} has an empty range [${lower[i]}, ${upper[i]}]`);
    }
    if (Number.isFinite(lower[i]) || Number.isFinite(upper[i])) some = true;
  }
  return { lower, upper, some };
}

export function positive(label: string, v: unknown): number {
  checkNumber(label, v, 0, Number.POSITIVE_INFINITY, true);
  return v as number;
}

export function nonNegative(label: string, v: unknown): number {
  checkNumber(label, v, 0, Number.POSITIVE_INFINITY);
  return v as number;
}

export function flag(label: string, v: unknown): boolean {
  if (typeof v !== 'boolean')
    throw new RangeError(`Invalid ${label} value: ${String(v)} (expected true or false)`);
  return v;
}

/** `rows` finite vectors of length `cols`, copied; a RangeError naming the option otherwise. */
export function vectors(label: string, v: unknown, rows: number, cols: number): Float64Array[] {
  if (!Array.isArray(v) || v.length !== rows) {
    throw new RangeError(`Invalid ${label} value: expected ${rows} points of length ${cols}`);
  }
  return v.map((row, i) => {
    const r = Float64Array.from((row ?? []) as ArrayLike<number>);
    if (r.length !== cols || !r.every(Number.isFinite)) {
      throw new RangeError(`Invalid ${label} value: row ${i} must be ${cols} finite numbers`);
    }
    return r;
  });
}

export function checkCount(label: string, v: unknown): void {
  if (!(v === Number.POSITIVE_INFINITY || (Number.isInteger(v) && (v as number) > 0))) {
    throw new RangeError(`Invalid ${label} value: ${String(v)} (expected a positive integer)`);
  }
}
