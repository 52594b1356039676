/**
 * The notes' O(1/sqrt T) result for gradient descent on a convex, L-Lipschitz f (|grad f| <= L)
 * started within R of a minimizer theta*: with the fixed step eta = R / (L sqrt T),
 *   (1/T) sum_{t=0}^{T-1} f(theta_t) - f*  <=  R L / sqrt(T).
 * (Proof: |theta_{t+1} - theta*|^2 = |theta_t - theta*|^2 - 2 eta g_t^T (theta_t - theta*) + eta^2 |g_t|^2
 * and convexity f(theta_t) - f* <= g_t^T (theta_t - theta*); summing,
 * sum (f(theta_t) - f*) <= R^2 / (2 eta) + eta L^2 T / 2 = R L sqrt T.)
 * `convergenceExperiment` runs it for T = 10 .. 10^5 and returns columns for a log-log plot.
 * The default objective, the cone L |theta - theta*|, shows the bound is tight: GD walks to theta* in
 * sqrt(T) steps of length eta L = R / sqrt(T), then oscillates by eta L, and the average is R L / sqrt(T).
 */
import { seededRandom } from './seeded-random.js';

/** A convex L-Lipschitz objective with its minimum value and a minimizer. */
export interface LipschitzObjective {
  f(x: Float64Array): number;
  grad(x: Float64Array, out: Float64Array): Float64Array;
  fStar: number;
  xStar: Float64Array;
}

export interface ConvergenceOptions {
  /** Lipschitz constant L of f (default 1). */
  L?: number;
  /** Distance R from the start to the minimizer (default 1). */
  R?: number;
  /** Horizons T (default 10, 20, 50, 100, ..., 10^5). */
  horizons?: number[];
  /** Dimension of the default objective (default 2). */
  dim?: number;
  /** The objective (default the cone f(theta) = L |theta|, the hardest case for the bound). */
  objective?: LipschitzObjective;
  /** Seed of the start's direction (the start is theta* + R u for a random unit u). */
  seed?: number;
}

export interface ConvergenceData {
  L: number;
  R: number;
  /** The columns: horizon T, its step eta, the average suboptimality and the bound R L / sqrt T. */
  T: number[];
  eta: number[];
  averageGap: number[];
  bound: number[];
}

/** The cone f(theta) = L |theta|_2: convex, L-Lipschitz, minimum 0 at 0 (gradient L theta / |theta|, 0 at 0). */
export function lipschitzCone(dim: number, L: number): LipschitzObjective {
  return {
    f: (x) => L * Math.hypot(...x),
    grad: (x, out) => {
      const r = Math.hypot(...x);
      for (let i = 0; i < dim; i++) out[i] = r > 0 ? (L * x[i]) / r : 0;
      return out;
    },
    fStar: 0,
    xStar: new Float64Array(dim),
  };
}

const defaultHorizons = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

export function convergenceExperiment(options: ConvergenceOptions = {}): ConvergenceData {
  const { L = 1, R = 1, horizons = defaultHorizons, seed = 0 } = options;
  if (!(L > 0) || !Number.isFinite(L)) throw new RangeError(`Invalid Lipschitz constant L: ${L}`);
  if (!(R > 0) || !Number.isFinite(R)) throw new RangeError(`Invalid radius R: ${R}`);
  const bad = horizons.find((T) => !Number.isInteger(T) || T < 1);
  if (bad !== undefined) throw new RangeError(`Invalid horizon T: ${bad}`);
  const dim = options.objective ? options.objective.xStar.length : (options.dim ?? 2);
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`Invalid dim: ${dim}`);
  const objective = options.objective ?? lipschitzCone(dim, L);
  const rng = seededRandom(seed);
  const u = Float64Array.from({ length: dim }, () => rng.normal());
  const norm = Math.hypot(...u);
  const start = objective.xStar.map((xs, i) => xs + (R * u[i]) / norm);

  const data: ConvergenceData = { L, R, T: [], eta: [], averageGap: [], bound: [] };
  const theta = new Float64Array(dim);
  const g = new Float64Array(dim);
  for (const T of horizons) {
    const eta = R / (L * Math.sqrt(T));
    theta.set(start);
    let sum = 0;
    for (let t = 0; t < T; t++) {
      sum += objective.f(theta) - objective.fStar;
      objective.grad(theta, g);
      for (let i = 0; i < dim; i++) theta[i] -= eta * g[i];
    }
    data.T.push(T);
    data.eta.push(eta);
    data.averageGap.push(sum / T);
    data.bound.push((R * L) / Math.sqrt(T));
  }
  return data;
}
