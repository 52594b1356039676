/**
 * An ill-conditioned matrix problem for Shampoo/SOAP's behavioural tests:
 *
 *   f(W) = ½ ‖A W B - C‖_F²,   ∇f = Aᵀ (A W B - C) Bᵀ,   W n x n
 *
 * A = U diag(a) Uᵀ and B = V diag(b) Vᵀ with rotations U, V (so the curvature is not axis-aligned:
 * a diagonal preconditioner like Adam's cannot undo it) and singular values spread over
 * `condition`: the Hessian (B Bᵀ) ⊗ (Aᵀ A) has condition number condition⁴, and it is exactly a
 * Kronecker product, the structure Shampoo's L ⊗ R estimates. C = A W* B for a fixed W*, so the
 * minimum is 0.
 */
import { param } from '../../param.js';
import { householderQ, naiveProduct } from '../matrix-roots.js';
import type { Optimizer } from '../optimizer.js';

export function illConditionedMatrixProblem(n: number, condition: number) {
  const rotation = (seed: number) =>
    householderQ(
      Float64Array.from({ length: n * n }, (_, k) => Math.sin(0.9 * k * k + seed)),
      n,
    );
  const spread = (seed: number) => {
    const U = rotation(seed);
    const d = Array.from({ length: n }, (_, i) => condition ** (-i / (n - 1)));
    const Ud = U.map((x, k) => x * d[k % n]);
    return naiveProduct(Ud, n, n, U, n, n, false, true);
  };
  const A = spread(0.3);
  const B = spread(1.1);
  const Wstar = Float64Array.from({ length: n * n }, (_, k) => Math.cos(0.7 * k + 0.2));
  const C = naiveProduct(naiveProduct(A, n, n, Wstar, n, n), n, n, B, n, n);
  const residual = (W: ArrayLike<number>) => {
    const R = naiveProduct(naiveProduct(A, n, n, Float64Array.from(W), n, n), n, n, B, n, n);
    for (let i = 0; i < R.length; i++) R[i] -= C[i];
    return R;
  };
  const loss = (W: ArrayLike<number>) => 0.5 * residual(W).reduce((s, r) => s + r * r, 0);
  const gradient = (W: ArrayLike<number>) => {
    const R = residual(W);
    return naiveProduct(naiveProduct(A, n, n, R, n, n, true), n, n, B, n, n, false, true);
  };
  return { n, loss, gradient };
}

/**
 * Steps until the loss falls below `fraction` of its starting value (W = 0), at most `maxSteps`
 * (returns maxSteps + 1 if never), for the optimizer `make` builds over W.
 */
export function stepsToTarget(
  problem: ReturnType<typeof illConditionedMatrixProblem>,
  make: (w: ReturnType<typeof param>) => Optimizer<{ lr: number }>,
  fraction: number,
  maxSteps: number,
): number {
  const w = param(new Float64Array(problem.n * problem.n), { shape: [problem.n, problem.n] });
  const opt = make(w);
  const target = fraction * problem.loss(w.data);
  for (let t = 1; t <= maxSteps; t++) {
    w.grad.set(problem.gradient(w.data));
    opt.step();
    const l = problem.loss(w.data);
    if (!Number.isFinite(l)) break;
    if (l < target) {
      opt.free();
      w.free();
      return t;
    }
  }
  opt.free();
  w.free();
  return maxSteps + 1;
}

/** The best steps-to-target over a grid of learning rates. */
export function bestStepsToTarget(
  problem: ReturnType<typeof illConditionedMatrixProblem>,
  make: (w: ReturnType<typeof param>, lr: number) => Optimizer<{ lr: number }>,
  lrs: number[],
  fraction: number,
  maxSteps: number,
): { steps: number; lr: number } {
  let best = { steps: maxSteps + 1, lr: Number.NaN };
  for (const lr of lrs) {
    const steps = stepsToTarget(problem, (w) => make(w, lr), fraction, maxSteps);
    if (steps < best.steps) best = { steps, lr };
  }
  return best;
}
