/**
 * Checks shared by the convolution and pooling wrappers (conv.ts, pool.ts): geometry fields and
 * the window arithmetic of torch, for one axis of size n, kernel k, stride s, padding p, dilation d:
 *
 *   out = floor((n + 2p - d (k - 1) - 1 [+ s - 1 with ceil mode]) / s) + 1,
 *
 * and with ceil mode the last window is dropped when it would start in the right padding,
 * i.e. when (out - 1) s >= n + p (torch's pooling_output_shape).
 */

/** Largest accepted size, stride, padding or dilation: keeps every index sum inside wasm's i32. */
export const MAX_FIELD = 2 ** 24;

/** Throws a RangeError naming `what.name` unless `v` is an integer in [min, MAX_FIELD]. */
export function checkField(what: string, name: string, v: unknown, min: number, max = MAX_FIELD): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(
      `Invalid ${what}.${name}: ${String(v)} (expected an integer in [${min}, ${max === MAX_FIELD ? '2^24' : max}])`,
    );
  }
  return v;
}

/** Output length along one axis (may be < 1: the caller reports it). */
export function windowCount(
  n: number,
  k: number,
  s: number,
  p: number,
  d: number,
  ceilMode: boolean,
): number {
  const span = n + 2 * p - d * (k - 1) - 1;
  let out = Math.floor((span + (ceilMode ? s - 1 : 0)) / s) + 1;
  if (ceilMode && (out - 1) * s >= n + p) out--;
  return out;
}
