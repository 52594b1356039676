/**
 * minimize(objective, x0, options): SciPy's `scipy.optimize.minimize`, unconstrained or (L-BFGS-B)
 * with bounds.
 *
 *   const r = minimize(rosenbrock(10), x0, { method: 'lbfgs' });
 *   r.x, r.fun, r.converged, r.message, r.nit, r.nfev, r.history.f
 *
 * objective: a problem `{ f(x), grad(x, out), hessian?(x, out) }`, one function `(x, g?) => f`
 * that fills g when given one, or a value-only `(x) => f`, differentiated by '2-point' finite
 * differences (see objective.ts; `jac: '2-point' | '3-point'` asks for differences). Methods:
 *
 *   'lbfgs'   limited-memory BFGS, two-loop recursion, Moré–Thuente line search (default); with
 *             `bounds`, L-BFGS-B (generalized Cauchy point, subspace minimization, lbfgsb.ts)
 *   'bfgs'    dense inverse-Hessian BFGS with a strong-Wolfe line search (SciPy's BFGS)
 *   'newton'  Newton's method, exact or finite-difference Hessian, modified when not positive
 *             definite, with a line search
 *   'nelder-mead'  SciPy's Nelder–Mead simplex (adaptive option, xatol/fatol), no gradient
 *   'powell'  SciPy's Powell conjugate directions with Brent line searches, no gradient
 *   'newton-cg'  SciPy's truncated Newton: CG on Hessian-vector products, line search
 *   'trust-ncg'  SciPy's trust-region Newton with Steihaug-CG, Hessian-vector products
 *   'trust-exact'  SciPy's trust-region Newton, subproblem solved nearly exactly on the dense
 *             Hessian (Moré–Sorensen; trust-exact.ts), for small n
 *   'gd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', … : a first-order optimizer class
 *             of @descent/core stepped with a fixed learning rate (see first-order.ts); with
 *             `bounds`, projected onto the box after each step
 *
 * Stopping (stopping.ts): gtol on ‖∇f‖∞ (SciPy's 1e-5), ftol on the relative change of f (L-BFGS-B's
 * factr·ε for lbfgs, off for the others), maxIter, maxFev; a non-finite f ends the run with converged: false and a message.
 * Invalid options throw a RangeError naming the option; nothing is evaluated before the checks.
 */
import { minimizeBfgs } from './bfgs.js';
import { isFirstOrderMethod, minimizeFirstOrder } from './first-order.js';
import type { HessianVectorSource } from './hessian-vector.js';
import { minimizeLbfgs } from './lbfgs-method.js';
import { minimizeLbfgsb } from './lbfgsb.js';
import { resolveMethod } from './method-names.js';
import { minimizeNelderMead } from './nelder-mead.js';
import { minimizeNewton } from './newton.js';
import { minimizeNewtonCg } from './newton-cg.js';
import { checkFiniteDifferenceMethod } from './numdiff.js';
import { CountedObjective, type Objective } from './objective.js';
import {
  checkCount,
  checkNumber,
  flag,
  nonNegative,
  parseBounds,
  positive,
  vectors,
} from './option-checks.js';
import { minimizePowell } from './powell.js';
import type { MinimizeResult } from './result.js';
import { lbfgsbMessages, type Stopping } from './stopping.js';
import { minimizeTrustExact } from './trust-exact.js';
import { minimizeTrustNcg } from './trust-ncg.js';

/** L-BFGS-B's default ftol in SciPy: factr · ε with factr = 1e7. */
const LBFGSB_FTOL = 1e7 * Number.EPSILON;

export { approxFprime, approxGradient, checkGrad } from './numdiff.js';
export type { GradientSource, Objective, ObjectiveFunction, ObjectiveProblem } from './objective.js';
export type { MinimizeHistory, MinimizeResult } from './result.js';

export type MinimizeMethod =
  | 'lbfgs'
  | 'bfgs'
  | 'newton'
  | 'gd'
  | 'momentum'
  | 'nesterov'
  | 'adagrad'
  | 'rmsprop'
  | 'adam'
  | (string & {});

export interface MinimizeOptions {
  /**
   * 'lbfgs' (default), 'bfgs', 'newton', or a first-order method name; case-insensitive, and
   * SciPy's names ('L-BFGS-B', 'BFGS', ...) are aliases (method-names.ts).
   */
  method?: MinimizeMethod;
  /** Stop when ‖∇f‖∞ <= gtol (default 1e-5, SciPy's). */
  gtol?: number;
  /**
   * Stop when |f_{k-1} - f_k| / max(|f_{k-1}|, |f_k|, 1) <= ftol (default: L-BFGS-B's
   * factr·ε = 2.220446049250313e-09 for lbfgs, 0 (off) for the other methods).
   */
  ftol?: number;
  /** Iteration limit (default: 200 n for bfgs and newton, 15000 for lbfgs, 1000 for first-order). */
  maxIter?: number;
  /** Limit on evaluations of f (default 15000 for lbfgs, unlimited otherwise). */
  maxFev?: number;
  /**
   * How ∇f is computed: from the objective (default), or by finite differences of f, '2-point'
   * or '3-point' (SciPy's approx_derivative steps, see numdiff.ts). A value-only objective `(x) => f`
   * gets '2-point' without asking. 'cs' (complex step) is refused: JS functions take real arrays.
   */
  jac?: '2-point' | '3-point';
  /** Keep every iterate in `history.x` (default false). */
  recordPath?: boolean;
  /** Called after each iteration with (x, f, nit); returning true stops the run. */
  callback?: (x: Float64Array, f: number, nit: number) => unknown;
  /** lbfgs: correction pairs kept (default 10, L-BFGS-B's m). */
  historySize?: number;
  /** bfgs, newton: 'wolfe' (default) or 'exact' (minimize along each direction exactly). */
  lineSearch?: 'wolfe' | 'exact';
  /**
   * newton, trust-exact: 'exact' (the objective's hessian; the default when it has one) or 'fd'
   * (finite differences of ∇f). newton-cg, trust-ncg: 'exact' uses the objective's hvp (else its hessian),
   * 'fd' differences of ∇f along v; the default is the best the objective offers.
   */
  hessian?: 'exact' | 'fd';
  /** newton: smallest eigenvalue kept when the Hessian is modified (default 1e-8 · max(1, max|λ|)). */
  hessianDelta?: number;
  /** First-order methods: the learning rate (default: the optimizer class's own, as in torch). */
  lr?: number;
  /** First-order methods: more options for the optimizer class (e.g. { betas: [0.9, 0.99] }). */
  optimizerOptions?: Record<string, unknown>;
  /** nelder-mead: stop when every vertex is within xatol of the best (‖·‖∞) … (default 1e-4) */
  xatol?: number;
  /** nelder-mead: … and every f is within fatol of the best (default 1e-4). */
  fatol?: number;
  /** nelder-mead: Gao & Han's dimension-dependent coefficients (default false). */
  adaptive?: boolean;
  /** nelder-mead: the n + 1 starting vertices (default: SciPy's 5% / 0.00025 rule around x0). */
  initialSimplex?: ArrayLike<number>[];
  /**
   * powell: line-search tolerance, Brent's tol = 100 xtol (default 1e-4; ftol defaults to 1e-4);
   * newton-cg: stop when ‖x_{k+1} - x_k‖₁ <= n · xtol (default 1e-5).
   */
  xtol?: number;
  /** powell: the n starting directions (default: the coordinate axes). */
  direc?: ArrayLike<number>[];
  /** trust-ncg, trust-exact: the first trust radius Δ (default 1). */
  initialTrustRadius?: number;
  /** trust-ncg, trust-exact: the largest Δ (default 1000). */
  maxTrustRadius?: number;
  /** trust-ncg, trust-exact: a step is taken when actual / predicted reduction > eta (default 0.15). */
  eta?: number;
  /**
   * lbfgs ('L-BFGS-B') and the first-order methods (projected gradient: x projected into the box
   * after every step, see first-order.ts): l_i <= x_i <= u_i, as SciPy's `bounds`: one [l, u] pair
   * per coordinate (null / undefined / ±Infinity for no bound) or { lb, ub } arrays. Other methods
   * refuse bounds.
   */
  bounds?:
    | ([number | null | undefined, number | null | undefined] | null)[]
    | { lb: ArrayLike<number>; ub: ArrayLike<number> };
}

const knownOptions = [
  'method',
  'gtol',
  'ftol',
  'maxIter',
  'maxFev',
  'jac',
  'recordPath',
  'callback',
  'historySize',
  'lineSearch',
  'hessian',
  'hessianDelta',
  'lr',
  'optimizerOptions',
  'bounds',
  'xatol',
  'fatol',
  'adaptive',
  'initialSimplex',
  'xtol',
  'direc',
  'initialTrustRadius',
  'maxTrustRadius',
  'eta',
];

export function minimize(
  objective: Objective,
  x0: Float64Array | ArrayLike<number>,
  options: MinimizeOptions = {},
): MinimizeResult {
  if (options && typeof options === 'object' && options.jac !== undefined) {
    checkFiniteDifferenceMethod('jac', options.jac);
  }
  const obj = new CountedObjective(objective, options?.jac);
  if (!x0 || typeof (x0 as ArrayLike<number>).length !== 'number') {
    throw new TypeError('minimize: x0 must be a Float64Array or an array of numbers');
  }
  const x = Float64Array.from(x0 as ArrayLike<number>);
  const dim = (objective as { dim?: unknown }).dim;
  if (typeof dim === 'number' && dim !== x.length) {
    throw new RangeError(`x0 has length ${x.length}, but the objective's dim is ${dim}`);
  }
  if (x.length === 0) throw new RangeError('x0 is empty');
  if (!x.every(Number.isFinite)) throw new RangeError('x0 has a non-finite entry');
  if (!options || typeof options !== 'object') throw new TypeError('minimize: options must be an object');
  for (const k of Object.keys(options)) {
    if (!knownOptions.includes(k)) {
      throw new RangeError(`Unknown minimize option: ${k} (known: ${knownOptions.join(', ')})`);
    }
  }
  const methodName = options.method ?? 'lbfgs';
  const method = resolveMethod(methodName);
  const n = x.length;
  const bounds = options.bounds === undefined ? undefined : parseBounds(options.bounds, n);
  const firstOrder = isFirstOrderMethod(method);
  if (bounds && method !== 'lbfgs' && !firstOrder) {
    throw new RangeError(
      `bounds are not supported by method ${String(methodName)} (use 'L-BFGS-B' / 'lbfgs', or a first-order method, projected, for bounds)`,
    );
  }
  const derivativeFree = method === 'nelder-mead' || method === 'powell';
  if (derivativeFree && options.jac !== undefined) {
    throw new RangeError(`jac is not used by method ${String(methodName)} (it evaluates no gradient)`);
  }
  const limits = derivativeFree
    ? scipyLimits(options.maxIter, options.maxFev, (method === 'powell' ? 1000 : 200) * n)
    : {
        maxIter: options.maxIter ?? (method === 'lbfgs' ? 15000 : firstOrder ? 1000 : 200 * n),
        maxFev: options.maxFev ?? (method === 'lbfgs' ? 15000 : Number.POSITIVE_INFINITY),
      };
  const stop: Stopping = {
    gtol: options.gtol ?? (method === 'trust-ncg' || method === 'trust-exact' ? 1e-4 : 1e-5),
    ftol: options.ftol ?? (method === 'lbfgs' ? LBFGSB_FTOL : method === 'powell' ? 1e-4 : 0),
    maxIter: limits.maxIter,
    maxFev: limits.maxFev,
    recordPath: options.recordPath ?? false,
    callback: options.callback,
    messages: method === 'lbfgs' ? lbfgsbMessages : undefined,
  };
  checkNumber('gtol', stop.gtol, 0, Number.POSITIVE_INFINITY);
  checkNumber('ftol', stop.ftol, 0, 1);
  checkCount('maxIter', stop.maxIter);
  checkCount('maxFev', stop.maxFev);
  if (typeof stop.recordPath !== 'boolean') {
    throw new RangeError(`Invalid recordPath value: ${String(stop.recordPath)} (expected true or false)`);
  }
  if (stop.callback !== undefined && typeof stop.callback !== 'function') {
    throw new RangeError('Invalid callback value: expected a function');
  }
  const lineSearch = options.lineSearch ?? 'wolfe';
  if (lineSearch !== 'wolfe' && lineSearch !== 'exact') {
    throw new RangeError(`Invalid lineSearch value: ${String(lineSearch)} (expected 'wolfe' or 'exact')`);
  }

  switch (method) {
    case 'lbfgs': {
      const historySize = options.historySize ?? 10;
      if (!Number.isInteger(historySize) || historySize <= 0) {
        throw new RangeError(
          `Invalid historySize value: ${String(historySize)} (expected a positive integer)`,
        );
      }
      if (bounds?.some)
        return minimizeLbfgsb(obj, x, stop, { historySize, lower: bounds.lower, upper: bounds.upper });
      return minimizeLbfgs(obj, x, stop, { historySize });
    }
    case 'bfgs':
      return minimizeBfgs(obj, x, stop, { lineSearch });
    case 'newton': {
      const hessian = options.hessian ?? (obj.hasHessian ? 'exact' : 'fd');
      if (hessian !== 'exact' && hessian !== 'fd') {
        throw new RangeError(`Invalid hessian value: ${String(hessian)} (expected 'exact' or 'fd')`);
      }
      if (hessian === 'exact' && !obj.hasHessian) {
        throw new RangeError("Invalid hessian value: 'exact', but the objective has no hessian(x, out)");
      }
      if (options.hessianDelta !== undefined) {
        checkNumber('hessianDelta', options.hessianDelta, 0, Number.POSITIVE_INFINITY, true);
      }
      return minimizeNewton(obj, x, stop, { hessian, lineSearch, delta: options.hessianDelta });
    }
    case 'nelder-mead':
      return minimizeNelderMead(obj, x, stop, {
        xatol: nonNegative('xatol', options.xatol ?? 1e-4),
        fatol: nonNegative('fatol', options.fatol ?? 1e-4),
        adaptive: flag('adaptive', options.adaptive ?? false),
        initialSimplex: options.initialSimplex && vectors('initialSimplex', options.initialSimplex, n + 1, n),
      });
    case 'powell':
      return minimizePowell(obj, x, stop, {
        xtol: nonNegative('xtol', options.xtol ?? 1e-4),
        ftol: stop.ftol,
        direc: options.direc && vectors('direc', options.direc, n, n),
      });
    case 'newton-cg':
      return minimizeNewtonCg(obj, x, stop, {
        xtol: positive('xtol', options.xtol ?? 1e-5),
        hvp: hvpSource(obj, options.hessian),
      });
    case 'trust-ncg':
    case 'trust-exact': {
      const initialTrustRadius = positive('initialTrustRadius', options.initialTrustRadius ?? 1);
      const maxTrustRadius = positive('maxTrustRadius', options.maxTrustRadius ?? 1000);
      if (initialTrustRadius >= maxTrustRadius) {
        throw new RangeError(
          `Invalid initialTrustRadius value: ${initialTrustRadius} (must be below maxTrustRadius = ${maxTrustRadius})`,
        );
      }
      const eta = options.eta ?? 0.15;
      if (typeof eta !== 'number' || !(eta >= 0 && eta < 0.25)) {
        throw new RangeError(`Invalid eta value: ${String(eta)} (expected 0 <= eta < 0.25)`);
      }
      if (method === 'trust-exact') {
        const hessian = options.hessian ?? (obj.hasHessian ? 'exact' : 'fd');
        if (hessian !== 'exact' && hessian !== 'fd') {
          throw new RangeError(`Invalid hessian value: ${String(hessian)} (expected 'exact' or 'fd')`);
        }
        if (hessian === 'exact' && !obj.hasHessian) {
          throw new RangeError("Invalid hessian value: 'exact', but the objective has no hessian(x, out)");
        }
        return minimizeTrustExact(obj, x, stop, { hessian, initialTrustRadius, maxTrustRadius, eta });
      }
      return minimizeTrustNcg(obj, x, stop, {
        hvp: hvpSource(obj, options.hessian),
        initialTrustRadius,
        maxTrustRadius,
        eta,
      });
    }
    default:
      return minimizeFirstOrder(
        obj,
        x,
        stop,
        method,
        options.lr,
        options.optimizerOptions ?? {},
        bounds?.some ? bounds : undefined,
      );
  }
}

/**
 * SciPy's limits for Nelder-Mead and Powell: both `dflt` when neither is set; when only one is set
 * the other is unlimited (unless the one set is itself unlimited).
 */
function scipyLimits(maxIter: number | undefined, maxFev: number | undefined, dflt: number) {
  const inf = Number.POSITIVE_INFINITY;
  if (maxIter === undefined && maxFev === undefined) return { maxIter: dflt, maxFev: dflt };
  if (maxIter === undefined) return { maxIter: maxFev === inf ? dflt : inf, maxFev: maxFev as number };
  if (maxFev === undefined) return { maxIter, maxFev: maxIter === inf ? dflt : inf };
  return { maxIter, maxFev };
}

/** Where 'newton-cg' and 'trust-ncg' get ∇²f v: `hessian: 'fd'` forces differences of ∇f. */
function hvpSource(obj: CountedObjective, hessian: unknown): HessianVectorSource {
  if (hessian !== undefined && hessian !== 'exact' && hessian !== 'fd') {
    throw new RangeError(`Invalid hessian value: ${String(hessian)} (expected 'exact' or 'fd')`);
  }
  if (hessian === 'fd') return 'fd';
  if (obj.hasHvp) return 'hvp';
  if (obj.hasHessian) return 'hessian';
  if (hessian === 'exact') {
    throw new RangeError(
      "Invalid hessian value: 'exact', but the objective has neither hvp(x, v, out) nor hessian(x, out)",
    );
  }
  return 'fd';
}
