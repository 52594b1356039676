/**
 * minimize(..., { method: 'lbfgs' }): limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989) with
 * the Moré–Thuente line search, tuned like SciPy's L-BFGS-B (m = 10 pairs, c1 = 1e-3, c2 = 0.9,
 * xtol = 0.1, 20 evaluations per search, first step 1/‖d‖₂).
 *
 * The direction d = -H_k ∇f_k comes from the two-loop recursion over the last m pairs
 * s_i = x_{i+1} - x_i, y_i = ∇f_{i+1} - ∇f_i, ρ_i = 1 / y_iᵀs_i:
 *
 *   q = ∇f_k;  for i = k-1 … k-m:  α_i = ρ_i s_iᵀq,  q -= α_i y_i
 *   r = γ_k q,  γ_k = s_{k-1}ᵀy_{k-1} / y_{k-1}ᵀy_{k-1}        (H_k⁰ = γ_k I)
 *   for i = k-m … k-1:  β = ρ_i y_iᵀr,  r += (α_i - β) s_i;     d = -r
 *
 * A pair is stored only when s_iᵀy_i > ε (-∇f_iᵀs_i) (L-BFGS-B's curvature test), which keeps H_k
 * positive definite. The defaults are L-BFGS-B's as SciPy sets them: ftol = factr·ε =
 * 2.220446049250313e-09 (factr = 1e7), gtol = 1e-5, maxIter = maxFev = 15000, and so are the
 * messages ('CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH', ...). Like L-BFGS-B, the
 * relative-reduction test stops it early on Wood (f = 7.88) and Powell's badly scaled function
 * (f = 0.135); `ftol: 0` goes on until ‖∇f‖∞ <= gtol. When a search finds no decrease, the memory
 * is dropped and the search retried along -∇f once; a second failure ends the run
 * ('ABNORMAL_TERMINATION_IN_LNSRCH').
 */
import { moreThuente } from './line-search.js';
import type { CountedObjective } from './objective.js';
import { HistoryRecorder, type MinimizeResult, makeResult } from './result.js';
import { checkStop, lineSearchFailure, type Stopping } from './stopping.js';
import { addScaled, dot, norm2 } from './vector.js';

export interface LbfgsMethodOptions {
  /** Correction pairs kept (L-BFGS-B's m): 10. */
  historySize: number;
}

export function minimizeLbfgs(
  obj: CountedObjective,
  x0: Float64Array,
  stop: Stopping,
  options: LbfgsMethodOptions,
): MinimizeResult {
  const n = x0.length;
  const m = options.historySize;
  const rec = new HistoryRecorder(stop.recordPath);
  const state = { x: x0.slice(), f: 0, g: new Float64Array(n), nit: 0 };
  state.f = obj.valueAndGrad(state.x, state.g);
  rec.record(state.f, state.x);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const d = new Float64Array(n);
  const xTrial = new Float64Array(n);
  let fPrev = Number.NaN;

  for (;;) {
    const reason = checkStop(stop, obj, state.nit, fPrev, state.f, state.x, state.g);
    if (reason) return makeResult(obj, state, reason.converged, reason.message, rec.history);

    twoLoopDirection(state.g, S, Y, rho, alpha, d);
    let gd = dot(state.g, d);
    if (!(gd < 0)) {
      // not a descent direction (rounding in a stale memory): restart from steepest descent
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -state.g[i];
      gd = dot(state.g, d);
    }
    let search = runSearch(obj, state, d, gd, xTrial, S.length === 0 ? 1 / norm2(d) : 1, stop.maxFev);
    if (search.step === 0 && S.length > 0) {
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -state.g[i];
      gd = dot(state.g, d);
      search = runSearch(obj, state, d, gd, xTrial, 1 / norm2(d), stop.maxFev);
    }
    if (search.step === 0 || !search.point) {
      const why = lineSearchFailure(search.task, search.unbounded);
      const message = search.unbounded ? why.message : `ABNORMAL_TERMINATION_IN_LNSRCH: ${why.message}`;
      return makeResult(obj, state, why.converged, message, rec.history);
    }

    // accept x_{k+1} = x_k + α d, and store (s, y) when the curvature condition allows
    const gNew = search.point.g;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = search.step * d[i];
      y[i] = gNew[i] - state.g[i];
      state.x[i] += s[i];
    }
    const sy = dot(s, y);
    if (sy > Number.EPSILON * -gd * search.step) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    fPrev = state.f;
    state.f = search.f;
    state.g.set(gNew);
    state.nit++;
    rec.record(state.f, state.x);
  }
}

/** d = -H_k g by the two-loop recursion (steepest descent when the memory is empty). */
export function twoLoopDirection(
  g: Float64Array,
  S: Float64Array[],
  Y: Float64Array[],
  rho: number[],
  alpha: Float64Array,
  d: Float64Array,
): void {
  const k = S.length;
  for (let i = 0; i < g.length; i++) d[i] = -g[i];
  for (let i = k - 1; i >= 0; i--) {
    alpha[i] = rho[i] * dot(S[i], d);
    addScaled(d, d, -alpha[i], Y[i]);
  }
  if (k > 0) {
    const gamma = 1 / (rho[k - 1] * dot(Y[k - 1], Y[k - 1]));
    for (let i = 0; i < d.length; i++) d[i] *= gamma;
  }
  for (let i = 0; i < k; i++) {
    const beta = rho[i] * dot(Y[i], d);
    addScaled(d, d, alpha[i] - beta, S[i]);
  }
}

function runSearch(
  obj: CountedObjective,
  state: { x: Float64Array; f: number; g: Float64Array },
  d: Float64Array,
  gd: number,
  xTrial: Float64Array,
  stp0: number,
  maxFev: number,
) {
  let unbounded = false;
  const phi = (t: number) => {
    addScaled(xTrial, state.x, t, d);
    const g = new Float64Array(d.length);
    const f = obj.valueAndGrad(xTrial, g);
    if (f === Number.NEGATIVE_INFINITY) unbounded = true;
    return { f, df: dot(g, d), g };
  };
  const budget = Math.max(1, Math.min(20, maxFev - obj.nfev));
  const r = moreThuente(phi, state.f, gd, stp0, { ftol: 1e-3, gtol: 0.9, xtol: 0.1, maxEvals: budget });
  return { ...r, unbounded };
}
