/**
 * minimize(..., { method: 'powell' }): Powell's conjugate-direction method (Powell, 1964), as
 * SciPy's `minimize(method='Powell')`, step for step. No gradient is evaluated.
 *
 * Directions u_1 … u_n (the coordinate axes, or `direc`). One iteration from x_start, f_start:
 *
 *   for i = 1 … n:  x <- argmin_α f(x + α u_i)      (Brent's method, see brent.ts; tol = 100 xtol)
 *                   Δ = the largest decrease of f in one of these searches, at direction u_big
 *   stop when 2 (f_start - f) <= ftol (|f_start| + |f|) + 1e-20           (relative reduction)
 *   d = x - x_start;  f_e = f(x + d)                                      (extrapolated point)
 *   if f_e < f_start and 2 (f_start - 2f + f_e)(f_start - f - Δ)² - Δ (f_start - f_e)² < 0:
 *       x <- argmin_α f(x + α d);  u_big <- u_n;  u_n <- α d              (new direction kept)
 *
 * Defaults: xtol = ftol = 1e-4, maxIter = maxFev = 1000 n when neither is set (when one is set the
 * other is unlimited). Evaluations stop exactly at maxFev, as SciPy's.
 */
import { brent, LineSearchBracketError } from './brent.js';
import { budgeted, EvaluationBudgetSpent, scipyMessages } from './nelder-mead.js';
import type { CountedObjective } from './objective.js';
import { HistoryRecorder, type MinimizeResult, makeResult } from './result.js';
import type { Stopping } from './stopping.js';

export interface PowellOptions {
  xtol: number;
  ftol: number;
  /** Initial directions, n vectors of length n (default: the coordinate axes). */
  direc?: Float64Array[];
}

export function minimizePowell(
  obj: CountedObjective,
  x0: Float64Array,
  stop: Stopping,
  options: PowellOptions,
): MinimizeResult {
  const n = x0.length;
  const f = budgeted(obj, stop.maxFev);
  const rec = new HistoryRecorder(stop.recordPath);
  const direc: Float64Array[] = options.direc
    ? options.direc.map((d) => d.slice())
    : Array.from({ length: n }, (_, i) => {
        const e = new Float64Array(n);
        e[i] = 1;
        return e;
      });
  const tol = options.xtol * 100;
  let x: Float64Array = x0.slice();
  let fval = Number.NaN;
  let nit = 0;
  let ending: string | undefined;
  try {
    fval = f(x);
    rec.record(fval, x);
    let x1 = x.slice();
    for (;;) {
      const fx = fval;
      let bigind = 0;
      let delta = 0;
      for (let i = 0; i < n; i++) {
        const fx2 = fval;
        [fval, x] = lineSearch(f, x, direc[i], tol, fval);
        if (fx2 - fval > delta) {
          delta = fx2 - fval;
          bigind = i;
        }
      }
      nit++;
      rec.record(fval, x);
      if (stop.callback?.(x.slice(), fval, nit) === true) {
        ending = scipyMessages.callback;
        break;
      }
      if (2 * (fx - fval) <= options.ftol * (Math.abs(fx) + Math.abs(fval)) + 1e-20) break;
      if (obj.nfev >= stop.maxFev || nit >= stop.maxIter) break;
      if (Number.isNaN(fx) && Number.isNaN(fval)) break;

      // the extrapolated point x + (x - x_start), and maybe a new direction
      const d = new Float64Array(n);
      const x2 = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        d[i] = x[i] - x1[i];
        x2[i] = x[i] + d[i];
      }
      x1 = x.slice();
      const fx2 = f(x2);
      if (fx > fx2) {
        let t = 2 * (fx + fx2 - 2 * fval);
        let temp = fx - fval - delta;
        t *= temp * temp;
        temp = fx - fx2;
        t -= delta * temp * temp;
        if (t < 0) {
          let step: Float64Array;
          [fval, x, step] = lineSearch(f, x, d, tol, fval);
          if (step.some((v) => v !== 0)) {
            direc[bigind] = direc[n - 1];
            direc[n - 1] = step;
          }
        }
      }
    }
  } catch (e) {
    if (e instanceof LineSearchBracketError) ending = `Diverged: ${e.message}`;
    else if (!(e instanceof EvaluationBudgetSpent)) throw e;
  }
  const state = { x, f: fval, g: new Float64Array(0), nit };
  if (ending) return makeResult(obj, state, false, ending, rec.history);
  if (obj.nfev >= stop.maxFev) return makeResult(obj, state, false, scipyMessages.maxfev, rec.history);
  if (nit >= stop.maxIter) return makeResult(obj, state, false, scipyMessages.maxiter, rec.history);
  if (Number.isNaN(fval) || x.some(Number.isNaN)) {
    return makeResult(obj, state, false, 'Diverged: NaN result encountered.', rec.history);
  }
  return makeResult(obj, state, true, scipyMessages.success, rec.history);
}

/**
 * min_α f(p + α u) by Brent's method (SciPy's _linesearch_powell without bounds): the new f, the
 * new point and the step α u taken. A zero direction is skipped.
 */
function lineSearch(
  f: (x: Float64Array) => number,
  p: Float64Array,
  u: Float64Array,
  tol: number,
  fval: number,
): [number, Float64Array, Float64Array] {
  if (!u.some((v) => v !== 0)) return [fval, p, u];
  const n = p.length;
  const trial = new Float64Array(n);
  const r = brent((alpha) => {
    for (let i = 0; i < n; i++) trial[i] = p[i] + alpha * u[i];
    return f(trial);
  }, tol);
  const step = new Float64Array(n);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    step[i] = r.x * u[i];
    x[i] = p[i] + step[i];
  }
  return [r.f, x, step];
}
