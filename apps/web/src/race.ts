/**
 * The optimizer race: every chosen method minimizes the same problem from the same start with
 * `minimize(problem, x0, { method, lr, recordPath: true })`, and the race reports, per method,
 * the path it took and how long it needed to reach the tolerance
 *
 *   steps to tolerance = the first k with ‖∇f(x_k)‖∞ <= gtol   (minimize's own stopping test)
 *
 * First-order methods take a fixed learning rate (x ← x − η·update); L-BFGS and Newton choose
 * their step by a line search, so they take none. A method whose options are invalid gets a row
 * with the error instead of a path; the other rows still run.
 */
import { hessian, minimize, type Problem } from '@descent/core';

export interface RaceMethod {
  /** minimize()'s method name. */
  method: string;
  label: string;
  /** Default learning rate, or undefined for the line-search methods. */
  lr?: number;
  colour: string;
  /** Unticked until chosen: the newer optimizers, offered beside the classic racers. */
  extra?: boolean;
}

/** The racers, with learning rates that converge on the notes' ill-conditioned quadratic. */
export const raceMethods: RaceMethod[] = [
  { method: 'gd', label: 'SGD', lr: 0.4, colour: '#ff6b6b' },
  { method: 'momentum', label: 'Momentum', lr: 0.1, colour: '#ffa94d' },
  { method: 'nesterov', label: 'Nesterov', lr: 0.1, colour: '#ffd43b' },
  { method: 'adam', label: 'Adam', lr: 0.5, colour: '#f783ac' },
  { method: 'rmsprop', label: 'RMSprop', lr: 0.05, colour: '#b197fc' },
  { method: 'adagrad', label: 'Adagrad', lr: 2, colour: '#38d9a9' },
  { method: 'lbfgs', label: 'L-BFGS', colour: '#a9e34b' },
  { method: 'newton', label: 'Newton', colour: '#ffffff' },
  // the newer optimizers (minimize's names), unticked; rates measured on the ill-conditioned quadratic
  { method: 'prodigy', label: 'Prodigy', lr: 1, colour: '#e64980', extra: true },
  { method: 'dadapt-adam', label: 'D-Adapt Adam', lr: 1, colour: '#be4bdb', extra: true },
  { method: 'adopt', label: 'ADOPT', lr: 0.5, colour: '#7950f2', extra: true },
  { method: 'ademamix', label: 'AdEMAMix', lr: 1, colour: '#4c6ef5', extra: true },
  { method: 'lamb', label: 'LAMB', lr: 0.3, colour: '#228be6', extra: true },
  { method: 'lars', label: 'LARS', lr: 2, colour: '#15aabf', extra: true },
  { method: 'adan', label: 'Adan', lr: 1, colour: '#12b886', extra: true },
  { method: 'shampoo', label: 'Shampoo', lr: 0.5, colour: '#40c057', extra: true },
  { method: 'soap', label: 'SOAP', lr: 0.03, colour: '#82c91e', extra: true },
  { method: 'adam8bit', label: 'Adam 8-bit', lr: 0.5, colour: '#fab005', extra: true },
  { method: 'adamw8bit', label: 'AdamW 8-bit', lr: 0.5, colour: '#fd7e14', extra: true },
  { method: 'adam-bf16', label: 'Adam bf16', lr: 0.5, colour: '#f03e3e', extra: true },
  { method: 'adamw-bf16', label: 'AdamW bf16', lr: 0.5, colour: '#c92a2a', extra: true },
  { method: 'schedule-free-sgd', label: 'Schedule-free SGD', lr: 1, colour: '#868e96', extra: true },
  { method: 'schedule-free-adamw', label: 'Schedule-free AdamW', lr: 1, colour: '#adb5bd', extra: true },
  { method: 'sophia', label: 'Sophia', lr: 0.3, colour: '#e599f7', extra: true },
];

/**
 * The largest and smallest curvature at x: L = max |λ(∇²f(x))|, μ = min |λ(∇²f(x))|, or NaN for
 * both where the Hessian is not finite. On a quadratic, gradient descent converges exactly for
 * η < 2/L: the error along the eigenvector of λ is multiplied by (1 − ηλ) at every step.
 * The race's functions have two variables, so the eigenvalues of the symmetric H = [[a, b], [b, d]]
 * are in closed form (no kernels on the page's main thread):
 *
 *   λ± = (a + d)/2 ± √(((a − d)/2)² + b²)
 */
export function curvatures(problem: Problem, x: ArrayLike<number>): { L: number; mu: number } {
  try {
    const H = hessian(problem, Float64Array.from(x)).data;
    if (H.length !== 4) throw new RangeError('the race plots functions of two variables');
    const [a, b, c, d] = H;
    const mean = (a + d) / 2;
    const radius = Math.hypot((a - d) / 2, (b + c) / 2);
    const values = [Math.abs(mean - radius), Math.abs(mean + radius)];
    const L = Math.max(...values);
    const mu = Math.min(...values);
    if (Number.isFinite(L) && Number.isFinite(mu)) return { L, mu };
  } catch {
    // a non-finite Hessian at x
  }
  return { L: Number.NaN, mu: Number.NaN };
}

/**
 * Learning rates that suit a problem, so that no racer starts out diverging:
 *
 *   gd                 η = 2 / (L + μ),   L, μ the largest and smallest curvature at x0: the best
 *                      fixed step on a quadratic with curvatures in [μ, L] (it converges for η < 2/L,
 *                      and on an ill-conditioned bowl it zig-zags, as the notes show)
 *   momentum, nesterov η = 0.5 / L     (the velocity sums ~1/(1-β) = 10 gradients; heavy ball on a
 *                                      quadratic is stable for η < 2(1+β)/L)
 *   adam, rmsprop, adagrad  the defaults above times w / 24, w the plot's width: these methods move
 *                      each coordinate by about η per step whatever the gradient's scale, so their
 *                      rate follows the size of the region (24 is the ill-conditioned quadratic's)
 *
 * Where L is 0 or not finite the defaults stay.
 */
export function suggestedRates(
  problem: Problem,
  x0: Float64Array,
  domain: [number, number][],
): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const m of raceMethods) if (m.lr !== undefined) rates[m.method] = m.lr;
  const { L, mu } = curvatures(problem, x0);
  if (L > 0 && Number.isFinite(L)) {
    rates.gd = round(2 / (L + mu));
    rates.momentum = rates.nesterov = round(0.5 / L);
  }
  const width = domain[0][1] - domain[0][0];
  for (const m of ['adam', 'rmsprop', 'adagrad']) rates[m] = round((rates[m] * width) / 24);
  return rates;
}

/** Two significant digits, for a rate shown in an input. */
function round(v: number): number {
  return Number(v.toPrecision(2));
}

export interface RaceEntry {
  /** Names the racer when one method races more than once (its copies); default the method. */
  id?: string;
  method: string;
  lr?: number;
  /** More options for the optimizer class (e.g. { momentum: 0.5 }, { betas: [0.9, 0.99] }). */
  options?: Record<string, unknown>;
}

/** The largest iteration limit the page accepts (100,000 steps of 8 racers take about a second). */
export const MAX_STEPS = 100_000;

export interface RaceRow {
  method: string;
  lr?: number;
  /** x_0, x_1, ... as minimize recorded them (empty when the method could not start). */
  path: Float64Array[];
  /** f(x_0), f(x_1), ... */
  losses: number[];
  /** Iterations until ‖∇f‖∞ <= gtol, or null when the tolerance was not reached. */
  stepsToTolerance: number | null;
  iterations: number;
  /** Evaluations of f (line searches spend several per iteration). */
  evaluations: number;
  finalLoss: number;
  finalGradNorm: number;
  message: string;
  error?: string;
}

export interface RaceOptions {
  /** Gradient tolerance (default 1e-5, SciPy's). */
  gtol?: number;
  /** Iteration limit per method, 1 to MAX_STEPS (default 500). */
  maxIter?: number;
}

export function runRace(
  problem: Problem,
  x0: ArrayLike<number>,
  entries: RaceEntry[],
  options: RaceOptions = {},
): RaceRow[] {
  const gtol = options.gtol ?? 1e-5;
  const maxIter = options.maxIter ?? 500;
  if (!(gtol > 0)) throw new RangeError(`Invalid tolerance: ${gtol} (expected a number > 0)`);
  if (!Number.isInteger(maxIter) || maxIter < 1 || maxIter > MAX_STEPS) {
    throw new RangeError(`Invalid max steps: ${maxIter} (expected an integer from 1 to ${MAX_STEPS})`);
  }
  return entries.map(({ method, lr, options }) => {
    try {
      const r = minimize(problem, x0, {
        method,
        gtol,
        maxIter,
        recordPath: true,
        ...(lr === undefined ? {} : { lr }),
        ...(options === undefined ? {} : { optimizerOptions: options }),
      });
      return {
        method,
        lr,
        path: r.history.x ?? [],
        losses: r.history.f,
        stepsToTolerance: r.converged ? r.nit : null,
        iterations: r.nit,
        evaluations: r.nfev,
        finalLoss: r.fun,
        finalGradNorm: r.grad.reduce((m, g) => Math.max(m, Math.abs(g)), 0),
        message: r.message,
      };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      return {
        method,
        lr,
        path: [],
        losses: [],
        stepsToTolerance: null,
        iterations: 0,
        evaluations: 0,
        finalLoss: Number.NaN,
        finalGradNorm: Number.NaN,
        message: error,
        error,
      };
    }
  });
}
