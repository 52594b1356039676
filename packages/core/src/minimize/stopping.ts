/**
 * When a minimizer stops, shared by every method:
 *
 *   gtol     ‖∇f(x_k)‖∞ <= gtol                                    converged
 *   ftol     |f_{k-1} - f_k| / max(|f_{k-1}|, |f_k|, 1) <= ftol     converged (L-BFGS-B's test,
 *            factr·ε = 2.220446049250313e-09 by default for lbfgs; off with ftol = 0)
 *   maxIter  k >= maxIter                                           not converged
 *   maxFev   nfev >= maxFev                                         not converged
 *   a non-finite f or ∇f (divergence)                               not converged
 *   the callback returned true                                      not converged
 */
import type { CountedObjective } from './objective.js';
import { normInf } from './vector.js';

export interface Stopping {
  gtol: number;
  ftol: number;
  maxIter: number;
  maxFev: number;
  recordPath: boolean;
  /** The method's own wording of the messages (lbfgs: L-BFGS-B's). */
  messages?: StopMessages;
  /** Called after every iteration with the iterate and f; returning true stops the run. */
  callback?: (x: Float64Array, f: number, nit: number) => unknown;
}

export interface StopReason {
  converged: boolean;
  message: string;
}

export const messages = {
  gtol: 'Optimization terminated successfully: gradient norm <= gtol',
  ftol: 'Optimization terminated successfully: relative reduction of f <= ftol',
  maxIter: 'Maximum number of iterations reached',
  maxFev: 'Maximum number of function evaluations reached',
  callback: 'Stopped by the callback',
} as const;

export type StopMessages = { [K in keyof typeof messages]: string };

/** SciPy's L-BFGS-B messages (scipy.optimize.minimize(method='L-BFGS-B').message), for 'lbfgs'. */
export const lbfgsbMessages: StopMessages = {
  gtol: 'CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL',
  ftol: 'CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH',
  maxIter: 'STOP: TOTAL NO. of ITERATIONS REACHED LIMIT',
  maxFev: 'STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT',
  callback: messages.callback,
};

export function diverged(f: number, nit: number): StopReason {
  return {
    converged: false,
    message: `Diverged: f(x) = ${f} at iteration ${nit} (a smaller learning rate or a line-search method may help)`,
  };
}

/**
 * The stopping test after iteration `nit` moved f from `fPrev` to `f` (fPrev = NaN before the
 * first iteration); undefined when the method should go on.
 */
export function checkStop(
  s: Stopping,
  obj: CountedObjective,
  nit: number,
  fPrev: number,
  f: number,
  x: Float64Array,
  g: Float64Array,
): StopReason | undefined {
  const m = s.messages ?? messages;
  const gnorm = normInf(g);
  if (!Number.isFinite(f)) return diverged(f, nit);
  if (!Number.isFinite(gnorm)) {
    return { converged: false, message: `Diverged: the gradient is not finite at iteration ${nit}` };
  }
  if (gnorm <= s.gtol) return { converged: true, message: m.gtol };
  if (nit > 0 && s.ftol > 0 && Math.abs(fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= s.ftol) {
    return { converged: true, message: m.ftol };
  }
  if (nit > 0 && s.callback?.(x, f, nit) === true) return { converged: false, message: m.callback };
  if (nit >= s.maxIter) return { converged: false, message: m.maxIter };
  if (obj.nfev >= s.maxFev) return { converged: false, message: m.maxFev };
  return undefined;
}

/**
 * Why a line search that found no decrease stopped the run: f unbounded below when a trial point
 * gave f = -∞, otherwise rounding (SciPy's "precision loss").
 */
export function lineSearchFailure(
  task: string,
  unbounded: boolean,
  direction = 'the search direction',
): StopReason {
  if (unbounded) {
    return { converged: false, message: `Diverged: f is unbounded below (f = -Infinity along ${direction})` };
  }
  return {
    converged: false,
    message: `Desired error not necessarily achieved due to precision loss: the line search (${task}) found no decrease along ${direction}`,
  };
}
