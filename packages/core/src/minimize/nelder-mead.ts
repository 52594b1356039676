/**
 * minimize(..., { method: 'nelder-mead' }): the downhill simplex method (Nelder & Mead, 1965), as
 * SciPy's `minimize(method='Nelder-Mead')`, step for step. No gradient is evaluated.
 *
 * A simplex of n + 1 points, kept sorted so f(x_0) <= … <= f(x_n); x̄ = the mean of x_0 … x_{n-1}:
 *
 *   reflect        x_r  = x̄ + ρ (x̄ - x_n)                  accept if f_0 <= f_r < f_{n-1}
 *   expand         x_e  = x̄ + ρχ (x̄ - x_n)                 if f_r < f_0: the better of x_e, x_r
 *   contract out   x_c  = x̄ + ψρ (x̄ - x_n)                 if f_{n-1} <= f_r < f_n, accept if f_c <= f_r
 *   contract in    x_cc = x̄ - ψ (x̄ - x_n)                  if f_r >= f_n, accept if f_cc < f_n
 *   shrink         x_j  = x_0 + σ (x_j - x_0), j = 1 … n    otherwise
 *
 *   ρ = 1, χ = 2, ψ = 1/2, σ = 1/2; with `adaptive` (Gao & Han, 2012) χ = 1 + 2/n,
 *   ψ = 3/4 - 1/(2n), σ = 1 - 1/n, better in high dimension.
 *
 * Initial simplex (SciPy's): x0 and, for each k, x0 with x_k scaled by 1.05 (or set to 0.00025 when
 * it is 0); or `initialSimplex` ((n + 1) points of length n).
 * Stops when max_j ‖x_j - x_0‖∞ <= xatol and max_j |f_j - f_0| <= fatol (both 1e-4), or at maxIter /
 * maxFev (200 n each when neither is set; when one is set the other is unlimited). nit counts as
 * SciPy's (it starts at 1).
 */
import type { CountedObjective } from './objective.js';
import { HistoryRecorder, type MinimizeResult, makeResult } from './result.js';
import type { Stopping } from './stopping.js';

export interface NelderMeadOptions {
  xatol: number;
  fatol: number;
  adaptive: boolean;
  initialSimplex?: Float64Array[];
}

/** SciPy's messages for the simplex and Powell methods. */
export const scipyMessages = {
  success: 'Optimization terminated successfully.',
  maxfev: 'Maximum number of function evaluations has been exceeded.',
  maxiter: 'Maximum number of iterations has been exceeded.',
  callback: 'Stopped by the callback',
} as const;

/** Thrown by a budgeted evaluation once maxFev evaluations were made (SciPy's _MaxFuncCallError). */
export class EvaluationBudgetSpent extends Error {}

/** f through the counter, refusing to evaluate once `maxFev` evaluations were made (as SciPy's wrapper). */
export function budgeted(obj: CountedObjective, maxFev: number): (x: Float64Array) => number {
  return (x) => {
    if (obj.nfev >= maxFev) throw new EvaluationBudgetSpent();
    return obj.value(x);
  };
}

export function minimizeNelderMead(
  obj: CountedObjective,
  x0: Float64Array,
  stop: Stopping,
  options: NelderMeadOptions,
): MinimizeResult {
  const n = x0.length;
  const { xatol, fatol, adaptive } = options;
  const rho = 1;
  const chi = adaptive ? 1 + 2 / n : 2;
  const psi = adaptive ? 0.75 - 1 / (2 * n) : 0.5;
  const sigma = adaptive ? 1 - 1 / n : 0.5;
  const f = budgeted(obj, stop.maxFev);
  const rec = new HistoryRecorder(stop.recordPath);

  let sim: Float64Array[] = options.initialSimplex
    ? options.initialSimplex.map((p) => p.slice())
    : Array.from({ length: n + 1 }, (_, k) => {
        const y = x0.slice();
        if (k > 0) y[k - 1] = y[k - 1] !== 0 ? 1.05 * y[k - 1] : 0.00025;
        return y;
      });
  let fsim = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
  const sortSimplex = () => {
    // a stable sort by f (NaN last), as numpy's argsort on these small arrays
    const order = Array.from({ length: n + 1 }, (_, i) => i).sort((a, b) => compare(fsim[a], fsim[b]));
    sim = order.map((i) => sim[i]);
    fsim = Float64Array.from(order, (i) => fsim[i]);
  };
  try {
    for (let k = 0; k <= n; k++) fsim[k] = f(sim[k]);
  } catch (e) {
    if (!(e instanceof EvaluationBudgetSpent)) throw e;
  }
  sortSimplex();
  rec.record(fsim[0], sim[0]);

  const xbar = new Float64Array(n);
  const point = (a: number, b: number) => {
    // a x̄ + b x_n, elementwise as SciPy computes it
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = a * xbar[i] - b * sim[n][i];
    return out;
  };
  let nit = 1;
  let stoppedByCallback = false;
  while (obj.nfev < stop.maxFev && nit < stop.maxIter) {
    if (spread(sim) <= xatol && fspread(fsim) <= fatol) break;
    try {
      xbar.fill(0);
      for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) xbar[i] += sim[j][i];
      for (let i = 0; i < n; i++) xbar[i] /= n;
      const xr = point(1 + rho, rho);
      const fxr = f(xr);
      let shrink = false;
      if (fxr < fsim[0]) {
        const xe = point(1 + rho * chi, rho * chi);
        const fxe = f(xe);
        if (fxe < fxr) [sim[n], fsim[n]] = [xe, fxe];
        else [sim[n], fsim[n]] = [xr, fxr];
      } else if (fxr < fsim[n - 1]) {
        [sim[n], fsim[n]] = [xr, fxr];
      } else if (fxr < fsim[n]) {
        const xc = point(1 + psi * rho, psi * rho);
        const fxc = f(xc);
        if (fxc <= fxr) [sim[n], fsim[n]] = [xc, fxc];
        else shrink = true;
      } else {
        const xcc = new Float64Array(n);
        for (let i = 0; i < n; i++) xcc[i] = (1 - psi) * xbar[i] + psi * sim[n][i];
        const fxcc = f(xcc);
        if (fxcc < fsim[n]) [sim[n], fsim[n]] = [xcc, fxcc];
        else shrink = true;
      }
      if (shrink) {
        for (let j = 1; j <= n; j++) {
          const s = new Float64Array(n);
          for (let i = 0; i < n; i++) s[i] = sim[0][i] + sigma * (sim[j][i] - sim[0][i]);
          sim[j] = s;
          fsim[j] = f(s);
        }
      }
      nit++;
    } catch (e) {
      if (!(e instanceof EvaluationBudgetSpent)) throw e;
    } finally {
      sortSimplex();
      rec.record(fsim[0], sim[0]);
    }
    if (stop.callback?.(sim[0].slice(), fsim[0], nit) === true) {
      stoppedByCallback = true;
      break;
    }
  }
  const state = { x: sim[0], f: fsim[0], g: new Float64Array(0), nit };
  if (stoppedByCallback) return makeResult(obj, state, false, scipyMessages.callback, rec.history);
  if (obj.nfev >= stop.maxFev) return makeResult(obj, state, false, scipyMessages.maxfev, rec.history);
  if (nit >= stop.maxIter) return makeResult(obj, state, false, scipyMessages.maxiter, rec.history);
  if (!Number.isFinite(state.f)) {
    return makeResult(obj, state, false, `Diverged: f(x) = ${state.f} at the best vertex`, rec.history);
  }
  return makeResult(obj, state, true, scipyMessages.success, rec.history);
}

/** Orders f values ascending with NaN last (numpy's argsort order). */
function compare(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** max_j ‖x_j - x_0‖∞ */
function spread(sim: Float64Array[]): number {
  let m = 0;
  for (let j = 1; j < sim.length; j++) {
    for (let i = 0; i < sim[0].length; i++) m = Math.max(m, Math.abs(sim[j][i] - sim[0][i]));
  }
  return m;
}

/** max_j |f_j - f_0| */
function fspread(fsim: Float64Array): number {
  let m = 0;
  for (let j = 1; j < fsim.length; j++) m = Math.max(m, Math.abs(fsim[0] - fsim[j]));
  return m;
}
