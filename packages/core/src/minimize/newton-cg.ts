/**
 * minimize(..., { method: 'newton-cg' }): truncated (Hessian-free) Newton, as SciPy's
 * `minimize(method='Newton-CG')` (Nocedal & Wright §7.1, "line search Newton–CG"). Only
 * Hessian-vector products are needed (hessian-vector.ts: the objective's `hvp`, its dense Hessian,
 * or differences of the gradient), so it scales to large n.
 *
 * Each iteration solves ∇²f_k p = -∇f_k approximately by conjugate gradients from p = 0:
 *
 *   r = ∇f_k, d = -r;  repeat (at most 20 n times):
 *     stop when ‖r‖₁ <= min(0.5, √‖∇f_k‖₁) ‖∇f_k‖₁                  (forcing term)
 *     κ = dᵀ∇²f d;  stop if 0 <= κ <= 3ε;  if κ < 0: stop, and on the first step take
 *                   p = -(rᵀr / |κ|) ∇f_k (steepest descent scaled by the curvature)
 *     α = rᵀr / κ,  p += α d,  r += α ∇²f d,  d = -r + (r_newᵀr_new / r_oldᵀr_old) d
 *
 * then x_{k+1} = x_k + t p with the Moré–Thuente search (SciPy's line_search_wolfe1: c1 = 1e-4,
 * c2 = 0.9, t in [1e-8, 50], first t = 1, later min(1, 2.02 (f_k - f_{k-1}) / ∇f_kᵀp)).
 * Stops when ‖x_{k+1} - x_k‖₁ <= n · xtol (xtol = 1e-5: SciPy's "average relative error"), at
 * maxIter (200 n), or when CG runs out of iterations (the Hessian is not positive definite).
 */
import { type HessianVectorSource, hessianVectorProduct } from './hessian-vector.js';
import { moreThuente } from './line-search.js';
import type { CountedObjective } from './objective.js';
import { HistoryRecorder, type MinimizeResult, makeResult } from './result.js';
import { lineSearchFailure, type Stopping } from './stopping.js';
import { addScaled, dot } from './vector.js';

export interface NewtonCgOptions {
  /** Average relative step below which it stops (SciPy's xtol, 1e-5). */
  xtol: number;
  hvp: HessianVectorSource;
}

export const newtonCgMessages = {
  success: 'Optimization terminated successfully.',
  maxiter: 'Warning: Maximum number of iterations has been exceeded.',
  cg: "Warning: CG iterations didn't converge. The Hessian is not positive definite.",
  nan: 'Diverged: NaN result encountered.',
} as const;

export function minimizeNewtonCg(
  obj: CountedObjective,
  x0: Float64Array,
  stop: Stopping,
  options: NewtonCgOptions,
): MinimizeResult {
  const n = x0.length;
  const rec = new HistoryRecorder(stop.recordPath);
  const state = { x: x0.slice(), f: 0, g: new Float64Array(n), nit: 0 };
  state.f = obj.valueAndGrad(state.x, state.g);
  rec.record(state.f, state.x);
  const H = hessianVectorProduct(obj, n, options.hvp);
  const xtol = n * options.xtol;
  const cgMaxIter = 20 * n;
  const p = new Float64Array(n);
  const r = new Float64Array(n);
  const d = new Float64Array(n);
  const Ad = new Float64Array(n);
  const xTrial = new Float64Array(n);
  let fOld = Number.NaN; // f_{k-1}: none before the first step (SciPy's old_old_fval = None)
  let updateNorm = 2 * xtol;
  const end = (converged: boolean, message: string, status?: number) =>
    makeResult(obj, state, converged, message, rec.history, status);

  while (updateNorm > xtol) {
    if (state.nit >= stop.maxIter) return end(false, newtonCgMessages.maxiter, 1);
    const gnorm1 = sumAbs(state.g);
    if (!Number.isFinite(gnorm1) || !Number.isFinite(state.f)) return end(false, newtonCgMessages.nan, 3);
    if (gnorm1 === 0) break;

    // CG on ∇²f p = -∇f, truncated by the forcing term or negative curvature
    const termcond = Math.min(0.5, Math.sqrt(gnorm1)) * gnorm1;
    H.at(state.x, state.g);
    p.fill(0);
    r.set(state.g);
    for (let i = 0; i < n; i++) d[i] = -r[i];
    let rr = dot(r, r);
    let solved = false;
    for (let i = 0; i < cgMaxIter; i++) {
      if (sumAbs(r) <= termcond) {
        solved = true;
        break;
      }
      H.times(d, Ad);
      const curv = dot(d, Ad);
      if (curv >= 0 && curv <= 3 * Number.EPSILON) {
        solved = true;
        break;
      }
      if (curv < 0) {
        if (i === 0) for (let j = 0; j < n; j++) p[j] = (rr / -curv) * -state.g[j];
        solved = true;
        break;
      }
      const alpha = rr / curv;
      addScaled(p, p, alpha, d);
      addScaled(r, r, alpha, Ad);
      const rrNew = dot(r, r);
      const beta = rrNew / rr;
      for (let j = 0; j < n; j++) d[j] = -r[j] + beta * d[j];
      rr = rrNew;
    }
    if (!solved) return end(false, newtonCgMessages.cg, 3);
    // CG stopped before its first step (curvature along -∇f below 3ε): the step is 0, and so is
    // ‖x_{k+1} - x_k‖₁ (SciPy gets there through its fallback line search)
    if (p.every((v) => v === 0)) break;

    const gp = dot(state.g, p);
    let stp0 = 1;
    if (!Number.isNaN(fOld) && gp !== 0) {
      stp0 = Math.min(1, (1.01 * 2 * (state.f - fOld)) / gp);
      if (stp0 < 0) stp0 = 1;
    }
    let unbounded = false;
    const phi = (t: number) => {
      addScaled(xTrial, state.x, t, p);
      const g = new Float64Array(n);
      const f = obj.valueAndGrad(xTrial, g);
      if (f === Number.NEGATIVE_INFINITY) unbounded = true;
      return { f, df: dot(g, p), g };
    };
    const search = moreThuente(phi, state.f, gp, stp0, {
      ftol: 1e-4,
      gtol: 0.9,
      xtol: 1e-14,
      stpmin: 1e-8,
      stpmax: 50,
      maxEvals: Math.max(1, Math.min(100, stop.maxFev - obj.nfev)),
    });
    if (search.step === 0 || !search.point) {
      const why = lineSearchFailure(search.task, unbounded, 'the Newton-CG direction');
      return end(false, `Warning: ${why.message}`, unbounded ? 3 : 2);
    }
    updateNorm = 0;
    for (let i = 0; i < n; i++) {
      const u = search.step * p[i];
      updateNorm += Math.abs(u);
      state.x[i] += u;
    }
    fOld = state.f;
    state.f = search.f;
    state.g = search.point.g;
    state.nit++;
    rec.record(state.f, state.x);
    if (stop.callback?.(state.x.slice(), state.f, state.nit) === true)
      return end(false, 'Stopped by the callback');
    if (obj.nfev >= stop.maxFev) return end(false, 'Maximum number of function evaluations reached', 1);
  }
  if (!Number.isFinite(state.f) || !Number.isFinite(updateNorm)) return end(false, newtonCgMessages.nan, 3);
  return end(true, newtonCgMessages.success);
}

/** ‖v‖₁ */
function sumAbs(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.abs(v[i]);
  return s;
}
