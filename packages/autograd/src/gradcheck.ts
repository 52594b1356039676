/**
 * gradcheck: compares reverse-mode gradients with central finite differences (torch.autograd's
 * gradcheck, in the projected form): for a fixed random u of f's output shape,
 *
 *   φ(x₁, …, x_k) = ⟨u, f(x₁, …, x_k)⟩,   analytic ∂φ/∂x_i[j] = (J_iᵀ u)[j] by one backward pass,
 *   numeric        (φ(x + h e_j) − φ(x − h e_j)) / 2h, evaluated in f64 whatever the inputs' dtype.
 *
 * A pair passes when |analytic − numeric| ≤ atol + rtol |numeric|. Defaults: h = 1e-6, atol 1e-7,
 * rtol 1e-5 for f64 inputs; for f32 the analytic side is f32 and the tolerances 1e-4 / 2e-3.
 */
import { runBackward } from './engine.js';
import { mul } from './ops/elementwise.js';
import { sum } from './ops/reduce.js';
import { noGrad, tidy } from './scope.js';
import { type Tensor, tensor } from './tensor.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** seed of the projection u (default 1) */
  seed?: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** largest |analytic − numeric| over all entries */
  maxAbsError: number;
  /** the worst entry relative to its tolerance */
  worst: { input: number; index: number; analytic: number; numeric: number } | null;
  /** entries checked */
  checked: number;
}

function projection(n: number, seed: number): Float64Array {
  let a = seed >>> 0;
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    u[i] = 0.5 + ((t ^ (t >>> 14)) >>> 0) / 4294967296; // in [0.5, 1.5): no cancellation to 0
  }
  return u;
}

/**
 * Checks the gradients of f with respect to every input. `inputs` are plain values (copied);
 * f receives tensors that require gradients.
 */
export function gradcheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly (Float32Array | Float64Array)[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const f32 = inputs.some((x) => x instanceof Float32Array);
  const eps = options.eps ?? (f32 ? 1e-4 : 1e-6);
  const atol = options.atol ?? (f32 ? 1e-4 : 1e-7);
  const rtol = options.rtol ?? (f32 ? 2e-3 : 1e-5);
  return tidy(() => {
    const leaves = inputs.map((x) => tensor(x, { requiresGrad: true }));
    const y = f(...leaves);
    const u = projection(y.size, options.seed ?? 1);
    const phi = sum(mul(y, tensor(u, { dtype: y.dtype, shape: y.shape })));
    const analytic = phi.requiresGrad ? runBackward([phi], [null], {}, leaves) : leaves.map(() => null);

    const wide = inputs.map((x) => Float64Array.from(x));
    const phi64 = (): number =>
      tidy(() =>
        noGrad(() => {
          const out = f(...wide.map((w, i) => tensor(w, { dtype: 'f64', shape: leaves[i].shape })));
          const v = out.data;
          let s = 0;
          for (let i = 0; i < v.length; i++) s += u[i] * v[i];
          return s;
        }),
      );
    let maxAbsError = 0;
    let worstRatio = -1;
    let worst: GradcheckResult['worst'] = null;
    let checked = 0;
    for (let i = 0; i < wide.length; i++) {
      const a = analytic[i]?.data;
      for (let j = 0; j < wide[i].length; j++) {
        const x0 = wide[i][j];
        wide[i][j] = x0 + eps;
        const up = phi64();
        wide[i][j] = x0 - eps;
        const down = phi64();
        wide[i][j] = x0;
        const numeric = (up - down) / (2 * eps);
        const an = a ? a[j] : 0;
        const err = Math.abs(an - numeric);
        const ratio = err / (atol + rtol * Math.abs(numeric));
        maxAbsError = Math.max(maxAbsError, Number.isNaN(err) ? Infinity : err);
        if (Number.isNaN(ratio) || ratio > worstRatio) {
          worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
          worst = { input: i, index: j, analytic: an, numeric };
        }
        checked++;
      }
    }
    return { ok: worstRatio <= 1, maxAbsError, worst, checked };
  });
}
