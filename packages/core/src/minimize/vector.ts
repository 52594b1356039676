/**
 * The few dense-vector operations the minimizers need, on plain Float64Arrays (minimize() works in
 * float64 outside kernel memory: its vectors are small and change length with the problem).
 */

/** xᵀy */
export function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/** ‖x‖∞ = max |x_i| (NaN if any x_i is NaN). */
export function normInf(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (!(a <= m)) m = a;
  }
  return m;
}

/** ‖x‖₂ */
export function norm2(x: Float64Array): number {
  return Math.sqrt(dot(x, x));
}

/** out = x + α d (out may be x). */
export function addScaled(out: Float64Array, x: Float64Array, alpha: number, d: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) out[i] = x[i] + alpha * d[i];
  return out;
}
