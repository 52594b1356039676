/**
 * Nesterov's accelerated gradient method (Nesterov 1983; "A method for solving the convex
 * programming problem with convergence rate O(1/k²)"), in its original two-sequence form, for an
 * L-smooth convex f with step η = 1/L:
 *
 *   θ_k = y_{k−1} − η ∇f(y_{k−1})                       a gradient step from the look-ahead point
 *   y_k = θ_k + β_k (θ_k − θ_{k−1}),   β_k = (k − 1)/(k + 2),   y_0 = θ_0
 *
 *   f(θ_k) − f*  <=  2 L ‖θ_0 − θ*‖² / (k + 1)²        against GD's  L ‖θ_0 − θ*‖² / (2k)
 *
 * With `mu` (f μ-strongly convex, κ = L/μ) the momentum is the constant β = (√κ − 1)/(√κ + 1) and
 *
 *   f(θ_k) − f*  <=  (1 − 1/√κ)^k (f(θ_0) − f* + (μ/2) ‖θ_0 − θ*‖²)   against GD's (1 − 1/κ)^k.
 *
 * (Bounds: Nesterov, "Introductory Lectures on Convex Optimization", 2004, §2.2; the β_k form as
 * in Beck & Teboulle 2009 / Vandenberghe's notes.) This is not SGD's `nesterov: true`, which is
 * Sutskever et al.'s (2013) rewrite with a constant momentum and a learning rate of your choice.
 * Memory: 4 d (θ_k, θ_{k−1}, y, ∇f(y)); the vector updates (copy, scal, axpy) run on the kernels.
 */
import { alloc, axpy, copy, scal } from '@descent/kernels';

export interface SmoothConvexObjective {
  f(x: Float64Array): number;
  grad(x: Float64Array, out: Float64Array): Float64Array;
}

export interface AcceleratedOptions {
  /** L, the Lipschitz constant of ∇f (the step is 1/L). */
  lipschitz: number;
  /** μ > 0 for the strongly convex variant (constant momentum); omit for β_k = (k−1)/(k+2). */
  mu?: number;
  /** Iterations (default 1000). */
  maxIter?: number;
  /** Stop when ‖∇f(y)‖∞ <= gtol (default 0: run maxIter iterations). */
  gtol?: number;
}

export interface AcceleratedResult {
  x: Float64Array;
  fun: number;
  nit: number;
  converged: boolean;
  message: string;
  /** f(θ_k) for k = 0 .. nit. */
  history: { f: number[] };
}

export function acceleratedGradient(
  objective: SmoothConvexObjective,
  x0: ArrayLike<number>,
  options: AcceleratedOptions,
): AcceleratedResult {
  const { lipschitz: L, mu, maxIter = 1000, gtol = 0 } = options ?? ({} as AcceleratedOptions);
  if (!(L > 0) || !Number.isFinite(L))
    throw new RangeError(`Invalid lipschitz: ${L} (expected a finite L > 0)`);
  if (mu !== undefined && !(mu > 0 && mu <= L))
    throw new RangeError(`Invalid mu: ${mu} (expected 0 < μ <= L = ${L})`);
  if (!Number.isInteger(maxIter) || maxIter < 0)
    throw new RangeError(`Invalid maxIter: ${maxIter} (expected an integer >= 0)`);
  if (!(gtol >= 0)) throw new RangeError(`Invalid gtol: ${gtol} (expected >= 0)`);
  const d = x0?.length ?? 0;
  if (d < 1) throw new RangeError('x0 is empty');
  const start = Float64Array.from(x0);
  const bad = start.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`Invalid x0[${bad}]: ${start[bad]} (expected finite)`);

  const eta = 1 / L;
  const kappaRoot = mu ? Math.sqrt(L / mu) : 0;
  const theta = alloc('f64', d);
  const prev = alloc('f64', d);
  const y = alloc('f64', d);
  const g = alloc('f64', d);
  const yJs = start.slice(); // f and ∇f see plain arrays (user code may allocate kernel memory)
  const gJs = new Float64Array(d);
  theta.data.set(start);
  y.data.set(start);
  const history = { f: [objective.f(start)] };
  let k = 0;
  let converged = false;
  let message = `maxIter (${maxIter}) reached`;
  try {
    while (k < maxIter) {
      objective.grad(yJs, gJs);
      let gmax = 0;
      for (let j = 0; j < d; j++) gmax = Math.max(gmax, Math.abs(gJs[j]));
      if (!Number.isFinite(gmax)) {
        message = `the gradient is not finite at iteration ${k}`;
        break;
      }
      if (gmax <= gtol) {
        converged = true;
        message = `converged: ‖∇f(y)‖∞ = ${gmax.toExponential(2)} <= gtol`;
        break;
      }
      k++;
      g.data.set(gJs);
      copy(theta, prev); // θ_{k−1}
      copy(y, theta);
      axpy(-eta, g, theta); // θ_k = y − η ∇f(y)
      const beta = mu ? (kappaRoot - 1) / (kappaRoot + 1) : (k - 1) / (k + 2);
      copy(theta, y);
      scal(1 + beta, y);
      axpy(-beta, prev, y); // y_k = θ_k + β (θ_k − θ_{k−1})
      yJs.set(y.data);
      const x = theta.toArray();
      history.f.push(objective.f(x));
    }
    const x = theta.toArray() as Float64Array;
    return { x, fun: objective.f(x), nit: k, converged, message, history };
  } finally {
    theta.free();
    prev.free();
    y.free();
    g.free();
  }
}
