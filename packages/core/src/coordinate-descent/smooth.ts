/**
 * Coordinate descent with a fixed step for a smooth f (no closed-form coordinate minimum):
 *
 *   θ_j ← θ_j − (1/L_j) ∂_j f(θ)
 *
 * L_j the coordinate-wise Lipschitz constant of ∂_j f (for a twice-differentiable f, a bound on
 * ∂²_jj f; default one L for all, `lipschitz`). With the 'random' rule this is Nesterov's (2012)
 * randomized coordinate descent: E[f(θ_k)] − f* = O(d L̄ R² / k) on convex f, linear on strongly
 * convex f. `partial(θ, j)` gives ∂_j f cheaply when it exists; otherwise each step evaluates the
 * full gradient and uses one entry (simple, not fast). Memory: 2 d.
 */
import {
  argmaxAbs,
  type CoordinateDescentOptions,
  type CoordinateDescentResult,
  checkStart,
  resolveCoordinateOptions,
  runCoordinateSteps,
} from './rules.js';

export interface SmoothCoordinateObjective {
  f(x: Float64Array): number;
  grad(x: Float64Array, out: Float64Array): Float64Array;
  /** ∂f/∂x_j, when cheaper than the gradient. */
  partial?(x: Float64Array, j: number): number;
}

export interface SmoothCoordinateOptions extends CoordinateDescentOptions {
  /** L_j per coordinate, or one L for all. */
  lipschitz: number | ArrayLike<number>;
}

export function coordinateDescent(
  objective: SmoothCoordinateObjective,
  x0: ArrayLike<number>,
  options: SmoothCoordinateOptions,
): CoordinateDescentResult {
  const theta = checkStart('x0', x0, x0?.length ?? 0);
  const d = theta.length;
  if (d < 1) throw new RangeError('x0 is empty');
  const L =
    typeof options?.lipschitz === 'number' ? new Float64Array(d).fill(options.lipschitz) : options?.lipschitz;
  if (!L || L.length !== d) throw new RangeError(`lipschitz has length ${L?.length}, expected d = ${d}`);
  for (let j = 0; j < d; j++) {
    if (!(L[j] > 0) || !Number.isFinite(L[j]))
      throw new RangeError(`Invalid lipschitz[${j}]: ${L[j]} (expected a finite L > 0)`);
  }
  const o = resolveCoordinateOptions(d, options);
  const g = new Float64Array(d);
  const partial = (j: number) =>
    objective.partial ? objective.partial(theta, j) : objective.grad(theta, g)[j];
  const step = (j: number) => {
    const delta = -partial(j) / L[j];
    theta[j] += delta;
    return Math.abs(delta);
  };
  const steepest = () =>
    argmaxAbs(Float64Array.from(objective.grad(theta, g), (v, j) => v / Math.sqrt(L[j])));
  const run = runCoordinateSteps(
    d,
    o,
    step,
    steepest,
    () => objective.f(theta),
    () => theta,
  );
  return { x: theta, fun: objective.f(theta), ...run };
}
