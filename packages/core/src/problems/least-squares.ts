/**
 * Sum-of-squares objectives f(x) = sum_i r_i(x)^2, the form of the Moré-Garbow-Hillstrom set
 * (and of Beale, Booth and Himmelblau). From the residuals r (m), their Jacobian J (m x n) and
 * their curvature sum_i r_i ∇²r_i:
 *   grad f = 2 J^T r,     H = 2 (J^T J + sum_i r_i ∇²r_i).
 */
import { defineProblem, type Problem, type ProblemSpec } from './problem.js';

export interface LeastSquaresSpec extends Omit<ProblemSpec, 'f' | 'grad' | 'hessian'> {
  /** Number of residuals. */
  m: number;
  /** Writes r_1..r_m into r. */
  residuals(x: Float64Array, r: Float64Array): void;
  /** Writes every entry of J (m x n, row-major): J[i * n + j] = d r_i / d x_j. */
  jacobian(x: Float64Array, J: Float64Array): void;
  /** Adds sum_i r_i ∇²r_i into H (n x n, row-major, zeroed by the caller); r is already filled. */
  curvature(x: Float64Array, r: Float64Array, H: Float64Array): void;
}

export function leastSquaresProblem(spec: LeastSquaresSpec): Problem {
  const { m, dim: n } = spec;
  const r = new Float64Array(m);
  const J = new Float64Array(m * n);
  return defineProblem({
    ...spec,
    f: (x) => {
      spec.residuals(x, r);
      let s = 0;
      for (let i = 0; i < m; i++) s += r[i] * r[i];
      return s;
    },
    grad: (x, g) => {
      spec.residuals(x, r);
      spec.jacobian(x, J);
      g.fill(0);
      for (let i = 0; i < m; i++) {
        const ri = 2 * r[i];
        for (let j = 0; j < n; j++) g[j] += ri * J[i * n + j];
      }
      return g;
    },
    hessian: (x, h) => {
      spec.residuals(x, r);
      spec.jacobian(x, J);
      h.fill(0);
      spec.curvature(x, r, h);
      for (let a = 0; a < n; a++) {
        for (let b = a; b < n; b++) {
          let s = h[a * n + b];
          for (let i = 0; i < m; i++) s += J[i * n + a] * J[i * n + b];
          h[a * n + b] = 2 * s;
          h[b * n + a] = 2 * s;
        }
      }
      return h;
    },
  });
}
