/**
 * Gradient clipping, PyTorch's torch.nn.utils.clip_grad_norm_ and clip_grad_value_.
 *
 *   clipGradNorm:   N = ‖(‖g_1‖_p, …, ‖g_k‖_p)‖_p   (= the p-norm of all gradients concatenated;
 *                                                    p = Infinity: max_i |g_i|)
 *                   c = min(1, maxNorm / (N + 1e-6)),   g_i ← c · g_i        returns N (before clipping)
 *   clipGradValue:  g ← clamp(g, -clipValue, clipValue)
 *
 * Clipping the global norm keeps the update's direction and bounds its length: the usual guard
 * against exploding gradients. The 1e-6 is torch's: a norm exactly at maxNorm is scaled by
 * maxNorm / (maxNorm + 1e-6). The p = 2 and p = ∞ norms and the scaling run in the kernels
 * (overflow-safe nrm2, maxAbs, scal); other p are plain loops.
 */
import { maxAbs, nrm2, scal } from '@descent/kernels';
import type { Param } from './param.js';

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or ±Inf (torch's error_if_nonfinite); default false. */
  errorIfNonfinite?: boolean;
}

function asList(params: Param | Param[]): Param[] {
  return Array.isArray(params) ? params : [params];
}

/** ‖x‖_p of a plain array for a finite p > 0 (scaled by max |x| so large values do not overflow). */
function pNorm(x: ArrayLike<number>, p: number): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  if (m === 0 || !Number.isFinite(m)) {
    for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) return NaN;
    return m;
  }
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i] / m) ** p;
  return m * s ** (1 / p);
}

/** The p-norm of one parameter's gradient. */
function gradNorm(p: Param, normType: number): number {
  if (normType === 2) return nrm2(p.gradient);
  if (normType === Infinity) {
    const m = maxAbs(p.gradient);
    return Number.isNaN(m) ? NaN : m;
  }
  return pNorm(p.grad, normType);
}

/**
 * Scales the gradients of `params` in place so that their total p-norm is at most `maxNorm`;
 * returns the total norm before clipping.
 */
export function clipGradNorm(
  params: Param | Param[],
  maxNorm: number,
  normType = 2,
  options: ClipGradNormOptions = {},
): number {
  const list = asList(params);
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) {
    throw new RangeError(`Invalid maxNorm value: ${String(maxNorm)} (expected a number >= 0)`);
  }
  if (typeof normType !== 'number' || !(normType > 0)) {
    throw new RangeError(`Invalid normType value: ${String(normType)} (expected a number > 0, or Infinity)`);
  }
  if (list.length === 0) return 0;
  const norms = list.map((p) => gradNorm(p, normType));
  const total =
    normType === Infinity
      ? norms.reduce((a, b) => (Number.isNaN(b) ? NaN : Math.max(a, b)), 0)
      : pNorm(norms, normType);
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    throw new Error(
      `The total norm of order ${normType} for gradients is non-finite (${total}), so it cannot be clipped`,
    );
  }
  const coef = Math.min(1, maxNorm / (total + 1e-6));
  // torch multiplies even by 1 (a no-op, bit for bit, so skipped here); a NaN norm makes every
  // gradient NaN, as torch's multiplication by a NaN coefficient does
  if (Number.isNaN(coef)) for (const p of list) p.grad.fill(NaN);
  else if (coef !== 1) for (const p of list) scal(coef, p.gradient);
  return total;
}

/** Clamps every gradient element of `params` to [-clipValue, clipValue], in place. */
export function clipGradValue(params: Param | Param[], clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) {
    throw new RangeError(`Invalid clipValue value: ${String(clipValue)} (expected a number >= 0)`);
  }
  for (const p of asList(params)) {
    const g = p.grad;
    for (let i = 0; i < g.length; i++) {
      const v = g[i];
      if (v > clipValue) g[i] = clipValue;
      else if (v < -clipValue) g[i] = -clipValue;
    }
  }
}
