/**
 * The O(1/T²) vs O(1/T) experiment, the analogue of convergenceExperiment's O(1/√T) for Lipschitz f.
 *
 * On the family of L-smooth convex quadratics f_λ(θ) = ½ λ θ², 0 < λ <= L, started at distance R
 * from θ* = 0, the worst gap after T steps (the sup over λ, taken on a log grid) follows each
 * method's bound, both with step 1/L:
 *
 *   accelerated gradient   sup_λ f_λ(θ_T) − f*  <=  2 L R² / (T + 1)²     (hardest λ ~ L/T²)
 *   gradient descent       sup_λ f_λ(θ_T) − f*  =  max_λ ½ λ (1 − λ/L)^{2T} R²  ≈  L R² / (4eT)  <=  L R² / (2T)
 *
 * so on a log-log plot the two lines have slopes −2 and −1. `nesterovWorstCase` is the other
 * classic: Nesterov's quadratic on which no first-order method beats 3 L R² / (32 (T + 1)²)
 * (Introductory Lectures, 2004, §2.1.2): in dimension d = 2T + 1,
 *
 *   f(θ) = (L/4) (½ θᵀAθ − θ₁),   A = tridiag(−1, 2, −1),   θ*_i = 1 − i/(d + 1),   f* = (L/8)(1/(d + 1) − 1)
 *
 * (‖A‖ <= 4, so ∇f is L-Lipschitz); AGD's gap there lies between that lower bound and its upper one.
 */
import { acceleratedGradient, type SmoothConvexObjective } from './nesterov.js';

export interface WorstCaseQuadratic extends SmoothConvexObjective {
  xStar: Float64Array;
  fStar: number;
}

/** Nesterov's worst-case quadratic in dimension d with smoothness L. */
export function nesterovWorstCase(d: number, L = 1): WorstCaseQuadratic {
  if (!Number.isInteger(d) || d < 1)
    throw new RangeError(`Invalid dimension d: ${d} (expected an integer >= 1)`);
  if (!(L > 0) || !Number.isFinite(L)) throw new RangeError(`Invalid L: ${L} (expected a finite L > 0)`);
  const Ax = (x: Float64Array, i: number) => 2 * x[i] - (i > 0 ? x[i - 1] : 0) - (i < d - 1 ? x[i + 1] : 0);
  return {
    f: (x) => {
      let s = 0;
      for (let i = 0; i < d; i++) s += x[i] * Ax(x, i);
      return (L / 4) * (0.5 * s - x[0]);
    },
    grad: (x, out) => {
      for (let i = 0; i < d; i++) out[i] = (L / 4) * (Ax(x, i) - (i === 0 ? 1 : 0));
      return out;
    },
    xStar: Float64Array.from({ length: d }, (_, i) => 1 - (i + 1) / (d + 1)),
    fStar: (L / 8) * (1 / (d + 1) - 1),
  };
}

export interface AccelerationData {
  L: number;
  R: number;
  T: number[];
  /** sup over the family of f(θ_T) − f*, accelerated gradient and gradient descent (step 1/L). */
  agdGap: number[];
  gdGap: number[];
  /** 2 L R² / (T + 1)² and L R² / (2T). */
  agdBound: number[];
  gdBound: number[];
}

export interface AccelerationOptions {
  L?: number;
  R?: number;
  /** Horizons T (default 1, 2, 5, ..., 1000). */
  horizons?: number[];
  /** Points of the log grid of λ in [L·1e-8, L] (default 400). */
  grid?: number;
}

const defaultHorizons = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

export function accelerationExperiment(options: AccelerationOptions = {}): AccelerationData {
  const { L = 1, R = 1, horizons = defaultHorizons, grid = 400 } = options;
  if (!(L > 0) || !Number.isFinite(L)) throw new RangeError(`Invalid L: ${L} (expected a finite L > 0)`);
  if (!(R > 0) || !Number.isFinite(R)) throw new RangeError(`Invalid R: ${R} (expected a finite R > 0)`);
  const bad = horizons.find((T) => !Number.isInteger(T) || T < 1);
  if (bad !== undefined || horizons.length === 0) throw new RangeError(`Invalid horizon T: ${bad}`);
  if (!Number.isInteger(grid) || grid < 2)
    throw new RangeError(`Invalid grid: ${grid} (expected an integer >= 2)`);
  const maxT = Math.max(...horizons);
  const agdGap = horizons.map(() => 0);
  const gdGap = horizons.map(() => 0);
  for (let g = 0; g < grid; g++) {
    const lambda = L * 10 ** (-8 + (8 * g) / (grid - 1));
    const f = {
      f: (x: Float64Array) => 0.5 * lambda * x[0] * x[0],
      grad: (x: Float64Array, out: Float64Array) => {
        out[0] = lambda * x[0];
        return out;
      },
    };
    const run = acceleratedGradient(f, [R], { lipschitz: L, maxIter: maxT });
    horizons.forEach((T, i) => {
      agdGap[i] = Math.max(agdGap[i], run.history.f[Math.min(T, run.nit)]); // a run that hit ∇f = 0 stays there
      gdGap[i] = Math.max(gdGap[i], 0.5 * lambda * (1 - lambda / L) ** (2 * T) * R * R);
    });
  }
  return {
    L,
    R,
    T: [...horizons],
    agdGap,
    gdGap,
    agdBound: horizons.map((T) => (2 * L * R * R) / (T + 1) ** 2),
    gdBound: horizons.map((T) => (L * R * R) / (2 * T)),
  };
}
