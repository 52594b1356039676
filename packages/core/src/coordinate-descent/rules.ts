/**
 * Which coordinate j to move at step k:
 *
 *   'cyclic'          j = k mod d (a sweep is d steps in order)
 *   'random'          j uniform in {0..d−1}, with replacement (Nesterov 2012's randomized CD)
 *   'gauss-southwell' j = argmax_j score_j: the largest |∂_j f| (|∂_j f|/√L_j with per-coordinate L_j,
 *                     Nutini et al. 2015's GS-L; for the lasso the largest step |Δθ_j|, the GS-r
 *                     rule); it needs every coordinate's score, so a step costs
 *                     as much as a full gradient, which a cheap update can offset on few steps
 *
 * and the shared option checks and result of the coordinate descent methods.
 */
import { seededRandom } from '../analysis/seeded-random.js';

export type CoordinateRule = 'cyclic' | 'random' | 'gauss-southwell';

export interface CoordinateDescentOptions {
  /** Default 'cyclic'. */
  rule?: CoordinateRule;
  /** Limit on sweeps (d coordinate steps each; default 1000). */
  maxSweeps?: number;
  /** Stop when the largest |Δθ_j| over a sweep (Gauss–Southwell: over one step) is <= tol (default 1e-10). */
  tol?: number;
  /** Seed of the 'random' rule (default 0). */
  seed?: number;
  /** Keep θ after every coordinate step in `path` (the staircase, for plots; default false). */
  recordPath?: boolean;
}

export interface CoordinateDescentResult {
  x: Float64Array;
  fun: number;
  /** Coordinate steps taken. */
  nit: number;
  /** Completed sweeps (nit / d, rounded down). */
  sweeps: number;
  converged: boolean;
  message: string;
  /** f at the start and after each sweep. */
  history: { f: number[] };
  /** θ at the start and after every coordinate step, when `recordPath`. */
  path?: Float64Array[];
}

export interface ResolvedCoordinateOptions {
  rule: CoordinateRule;
  maxSweeps: number;
  tol: number;
  recordPath: boolean;
  /** The next coordinate for step k; `argmax` is the Gauss–Southwell choice, computed by the caller. */
  pick: (k: number, argmax: () => number) => number;
}

export function resolveCoordinateOptions(
  d: number,
  options: CoordinateDescentOptions = {},
): ResolvedCoordinateOptions {
  const { rule = 'cyclic', maxSweeps = 1000, tol = 1e-10, seed = 0, recordPath = false } = options;
  if (rule !== 'cyclic' && rule !== 'random' && rule !== 'gauss-southwell') {
    throw new RangeError(`Invalid rule: ${String(rule)} (expected 'cyclic', 'random' or 'gauss-southwell')`);
  }
  if (!Number.isInteger(maxSweeps) || maxSweeps < 0) {
    throw new RangeError(`Invalid maxSweeps: ${maxSweeps} (expected an integer >= 0)`);
  }
  if (!(tol >= 0) || !Number.isFinite(tol))
    throw new RangeError(`Invalid tol: ${tol} (expected a finite tol >= 0)`);
  if (!Number.isFinite(seed)) throw new RangeError(`Invalid seed: ${seed}`);
  const rng = seededRandom(seed);
  const pick =
    rule === 'cyclic'
      ? (k: number) => k % d
      : rule === 'random'
        ? () => Math.min(d - 1, Math.floor(rng.uniform() * d))
        : (_: number, argmax: () => number) => argmax();
  return { rule, maxSweeps, tol, recordPath, pick };
}

/** Index of the largest |v_j| (the first on ties). */
export function argmaxAbs(v: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < v.length; j++) if (Math.abs(v[j]) > Math.abs(v[best])) best = j;
  return best;
}

/** Throws a RangeError naming `name` unless x has `d` finite entries. */
export function checkStart(name: string, x: ArrayLike<number>, d: number): Float64Array {
  if (!x || x.length !== d) throw new RangeError(`${name} has length ${x?.length}, expected ${d}`);
  const out = Float64Array.from(x);
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`Invalid ${name}[${bad}]: ${out[bad]} (expected finite)`);
  return out;
}

/**
 * The loop every variant shares: steps until a sweep's largest move is <= tol or maxSweeps sweeps;
 * `step(j)` moves coordinate j and returns |Δθ_j|.
 */
export function runCoordinateSteps(
  d: number,
  o: ResolvedCoordinateOptions,
  step: (j: number) => number,
  argmax: () => number,
  f: () => number,
  theta: () => Float64Array,
): Omit<CoordinateDescentResult, 'x' | 'fun'> {
  const history = { f: [f()] };
  const path = o.recordPath ? [theta().slice()] : undefined;
  let k = 0;
  let largest = 0;
  let converged = false;
  for (let sweep = 0; sweep < o.maxSweeps && !converged; sweep++) {
    largest = 0;
    for (let s = 0; s < d; s++) {
      const move = step(o.pick(k, argmax));
      k++;
      largest = Math.max(largest, move);
      path?.push(theta().slice());
      if (o.rule === 'gauss-southwell' && move <= o.tol) {
        converged = true;
        break;
      }
    }
    if (largest <= o.tol && o.rule === 'random') {
      // a random sweep may have missed coordinates: confirm with one pass over all of them
      largest = 0;
      for (let j = 0; j < d; j++) {
        largest = Math.max(largest, step(j));
        k++;
        path?.push(theta().slice());
      }
    }
    history.f.push(f());
    if (largest <= o.tol) converged = true;
  }
  if (!Number.isFinite(history.f[history.f.length - 1])) {
    return { nit: k, sweeps: Math.floor(k / d), converged: false, message: 'f is not finite', history, path };
  }
  const message = converged
    ? `converged: the largest coordinate move ${largest.toExponential(2)} <= tol`
    : `maxSweeps (${o.maxSweeps}) reached`;
  return { nit: k, sweeps: Math.floor(k / d), converged, message, history, ...(path ? { path } : {}) };
}
