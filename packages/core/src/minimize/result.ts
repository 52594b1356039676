/**
 * minimize()'s result, SciPy's `OptimizeResult` with camelCase names:
 *
 *   x          the last iterate (the minimizer when `converged`)
 *   fun, grad  f(x) and ∇f(x) there
 *   nit        iterations taken
 *   nfev, ngev, nhev   evaluations of f, ∇f and the Hessian
 *   converged  true when a tolerance (gtol or ftol) was met; false on limits, line-search failure
 *              or divergence, with the reason in `message`
 *   gradSource 'analytic', or '2-point' / '3-point' when ∇f came from finite differences of f
 *              (the `jac` option, or a value-only objective: then `message` says so too)
 *   history    f at x0 and after every iteration (history.f[k] = f(x_k)); the iterates themselves
 *              too (history.x) with `recordPath: true`
 *
 * and, beside them, the same facts under SciPy's names (a SciPy user's code reads as before):
 *
 *   success = converged,  jac = grad,  njev = ngev,
 *   status  0 converged, 1 iteration or evaluation limit, 2 line search failed (precision loss)
 *           or no predicted decrease (trust-ncg), 3 non-finite f or gradient (SciPy's BFGS "NaN
 *           result encountered") or CG out of iterations (newton-cg), 99 the callback stopped it
 *
 * Derivative-free methods ('nelder-mead', 'powell') evaluate no gradient: grad / jac are empty.
 */
import type { CountedObjective, GradientSource } from './objective.js';

export interface MinimizeHistory {
  f: number[];
  x?: Float64Array[];
}

export interface MinimizeResult {
  x: Float64Array;
  fun: number;
  grad: Float64Array;
  nit: number;
  nfev: number;
  ngev: number;
  nhev: number;
  converged: boolean;
  message: string;
  gradSource: GradientSource;
  history: MinimizeHistory;
  /** SciPy's name for `converged`. */
  success: boolean;
  /** SciPy's termination code: 0 converged, 1 limit, 2 line-search failure, 3 non-finite, 99 callback. */
  status: number;
  /** SciPy's name for `grad`. */
  jac: Float64Array;
  /** SciPy's name for `ngev`. */
  njev: number;
}

/** SciPy-style status from how a run ended (see the file comment). */
export function statusOf(converged: boolean, message: string): number {
  if (converged) return 0;
  if (message.startsWith('Diverged')) return 3;
  if (/^(Warning: )?Maximum number|^STOP: TOTAL/.test(message)) return 1;
  if (message.startsWith('Stopped by the callback')) return 99;
  return 2;
}

/** Records f (and x with `recordPath`) at each iterate. */
export class HistoryRecorder {
  readonly history: MinimizeHistory;

  constructor(recordPath: boolean) {
    this.history = recordPath ? { f: [], x: [] } : { f: [] };
  }

  record(f: number, x: Float64Array): void {
    this.history.f.push(f);
    this.history.x?.push(x.slice());
  }
}

/** Assembles the result from the final state of a method. */
export function makeResult(
  obj: CountedObjective,
  state: { x: Float64Array; f: number; g: Float64Array; nit: number },
  converged: boolean,
  message: string,
  history: MinimizeHistory,
  status = statusOf(converged, message),
): MinimizeResult {
  return {
    x: state.x,
    fun: state.f,
    grad: state.g,
    nit: state.nit,
    nfev: obj.nfev,
    ngev: obj.ngev,
    nhev: obj.nhev,
    converged,
    message: obj.detectedValueOnly
      ? `${message} (gradient by '2-point' finite differences: the objective wrote no gradient)`
      : message,
    gradSource: obj.gradSource,
    history,
    success: converged,
    status,
    jac: state.g,
    njev: obj.ngev,
  };
}
