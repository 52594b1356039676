/**
 * minimize(..., { method: 'bfgs' }): BFGS with a dense inverse-Hessian approximation H_k, as
 * SciPy's `minimize(method='BFGS')` (Nocedal & Wright, Numerical Optimization, Alg. 6.1):
 *
 *   d_k = -H_k ∇f_k,   x_{k+1} = x_k + α_k d_k   (α_k from the Moré–Thuente strong-Wolfe search,
 *                                               c1 = 1e-4, c2 = 0.9)
 *   s = x_{k+1} - x_k,  y = ∇f_{k+1} - ∇f_k,  ρ = 1 / yᵀs
 *   H_{k+1} = (I - ρ s yᵀ) H_k (I - ρ y sᵀ) + ρ s sᵀ
 *           = H - ρ (s (Hy)ᵀ + (Hy) sᵀ) + (ρ² yᵀHy + ρ) s sᵀ          (O(n²), H symmetric)
 *
 * H_0 = I, and SciPy's initial step for each search: α⁰ = min(1, 2.02 (f_k - f_{k-1}) / ∇f_kᵀd_k)
 * (1 if negative), with f_{-1} = f_0 + ‖∇f_0‖₂ / 2 so the first step is about ‖∇f_0‖ long.
 * `lineSearch: 'exact'` minimizes along d exactly instead (for checking H_n = A⁻¹ on quadratics).
 */
import { exactLineSearch } from './exact-line-search.js';
import { moreThuente } from './line-search.js';
import type { CountedObjective } from './objective.js';
import { HistoryRecorder, type MinimizeResult, makeResult } from './result.js';
import { checkStop, lineSearchFailure, type Stopping } from './stopping.js';
import { addScaled, dot, norm2 } from './vector.js';

export interface BfgsMethodOptions {
  lineSearch: 'wolfe' | 'exact';
  /** Receives H_k (row-major n×n) after every update; for tests and teaching. */
  onInverseHessian?: (H: Float64Array, nit: number) => void;
}

export function minimizeBfgs(
  obj: CountedObjective,
  x0: Float64Array,
  stop: Stopping,
  options: BfgsMethodOptions,
): MinimizeResult {
  const n = x0.length;
  const rec = new HistoryRecorder(stop.recordPath);
  const state = { x: x0.slice(), f: 0, g: new Float64Array(n), nit: 0 };
  state.f = obj.valueAndGrad(state.x, state.g);
  rec.record(state.f, state.x);
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) H[i * n + i] = 1;
  const d = new Float64Array(n);
  const xTrial = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const Hy = new Float64Array(n);
  let fPrev = Number.NaN;
  let fOld = state.f + norm2(state.g) / 2;

  for (;;) {
    const reason = checkStop(stop, obj, state.nit, fPrev, state.f, state.x, state.g);
    if (reason) return makeResult(obj, state, reason.converged, reason.message, rec.history);

    symmetricTimes(H, state.g, d, -1);
    const gd = dot(state.g, d);
    let unbounded = false;
    const phi = (t: number) => {
      addScaled(xTrial, state.x, t, d);
      const g = new Float64Array(n);
      const f = obj.valueAndGrad(xTrial, g);
      if (f === Number.NEGATIVE_INFINITY) unbounded = true;
      return { f, df: dot(g, d), g };
    };
    let stp0 = 1;
    if (gd !== 0) {
      stp0 = Math.min(1, (2.02 * (state.f - fOld)) / gd);
      if (!(stp0 > 0)) stp0 = 1;
    }
    const search =
      options.lineSearch === 'exact'
        ? exactLineSearch(phi, state.f, gd, stp0)
        : moreThuente(phi, state.f, gd, stp0, {
            ftol: 1e-4,
            gtol: 0.9,
            xtol: 1e-14,
            stpmin: 1e-100,
            stpmax: 1e100,
            maxEvals: Math.max(1, Math.min(100, stop.maxFev - obj.nfev)),
          });
    if (search.step === 0 || !search.point) {
      const why = lineSearchFailure(search.task, unbounded);
      return makeResult(obj, state, why.converged, why.message, rec.history);
    }

    const gNew = search.point.g;
    for (let i = 0; i < n; i++) {
      s[i] = search.step * d[i];
      y[i] = gNew[i] - state.g[i];
      state.x[i] += s[i];
    }
    fOld = state.f;
    fPrev = state.f;
    state.f = search.f;
    state.g.set(gNew);
    state.nit++;
    rec.record(state.f, state.x);

    // H <- H - ρ (s (Hy)ᵀ + (Hy) sᵀ) + (ρ² yᵀHy + ρ) s sᵀ   (SciPy: ρ = 1000 when yᵀs = 0)
    const ys = dot(y, s);
    const r = ys === 0 ? 1000 : 1 / ys;
    symmetricTimes(H, y, Hy, 1);
    const c = r * r * dot(y, Hy) + r;
    for (let i = 0; i < n; i++) {
      const row = i * n;
      for (let j = 0; j < n; j++) {
        H[row + j] += -r * (s[i] * Hy[j] + Hy[i] * s[j]) + c * s[i] * s[j];
      }
    }
    options.onInverseHessian?.(H, state.nit);
  }
}

/** out = scale · H v for a row-major n×n H. */
function symmetricTimes(H: Float64Array, v: Float64Array, out: Float64Array, scale: number): void {
  const n = v.length;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) acc += H[row + j] * v[j];
    out[i] = scale * acc;
  }
}
