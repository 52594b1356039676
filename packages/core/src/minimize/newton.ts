/**
 * minimize(..., { method: 'newton' }): Newton's method with a modified Hessian and a line search
 * (Nocedal & Wright §3.4, "Newton's method with Hessian modification").
 *
 *   H_k = ∇²f(x_k)        exact (the objective's `hessian`), or by finite differences of ∇f:
 *                         H_:j = (∇f(x + h_j e_j) - ∇f(x)) / h_j,  h_j = √ε · max(1, |x_j|),
 *                         then symmetrized (H + Hᵀ) / 2  (n gradient evaluations, counted in ngev)
 *   H_k p = -∇f_k         by Cholesky, H = L Lᵀ, when H_k is positive definite;
 *   otherwise, from the eigendecomposition H = V diag(λ) Vᵀ,
 *   p = -V diag(1 / λ̃) Vᵀ ∇f_k,  λ̃_i = max(|λ_i|, δ)
 *                         (δ = `hessianDelta`, default 1e-8 · max(1, max_i |λ_i|)): negative
 *                         curvature is turned into descent, so the step never goes uphill at a
 *                         saddle the way the pure Newton step (towards the saddle) does.
 *   x_{k+1} = x_k + α p   α from the Moré–Thuente search starting at α = 1 (c1 = 1e-4, c2 = 0.9):
 *                         the full step is taken whenever it satisfies the Wolfe conditions, so the
 *                         method keeps Newton's quadratic convergence near a minimum.
 *
 * On a strictly convex quadratic the first full step lands on the minimizer.
 */
import { cholesky, choleskySolve, eigh, NotPositiveDefiniteError } from '@descent/kernels';
import { exactLineSearch } from './exact-line-search.js';
import { moreThuente } from './line-search.js';
import { finiteDifferenceHessian } from './numdiff.js';
import type { CountedObjective } from './objective.js';
import { HistoryRecorder, type MinimizeResult, makeResult } from './result.js';
import { checkStop, lineSearchFailure, type Stopping } from './stopping.js';
import { addScaled, dot } from './vector.js';

export interface NewtonMethodOptions {
  hessian: 'exact' | 'fd';
  lineSearch: 'wolfe' | 'exact';
  /** Smallest eigenvalue magnitude kept when H is modified. */
  delta?: number;
}

export function minimizeNewton(
  obj: CountedObjective,
  x0: Float64Array,
  stop: Stopping,
  options: NewtonMethodOptions,
): MinimizeResult {
  const n = x0.length;
  const rec = new HistoryRecorder(stop.recordPath);
  const state = { x: x0.slice(), f: 0, g: new Float64Array(n), nit: 0 };
  state.f = obj.valueAndGrad(state.x, state.g);
  rec.record(state.f, state.x);
  const H = new Float64Array(n * n);
  const xTrial = new Float64Array(n);
  let fPrev = Number.NaN;

  for (;;) {
    const reason = checkStop(stop, obj, state.nit, fPrev, state.f, state.x, state.g);
    if (reason) return makeResult(obj, state, reason.converged, reason.message, rec.history);

    if (options.hessian === 'exact') obj.hessian(state.x, H);
    else finiteDifferenceHessian(obj, state.x, state.g, H);
    if (!H.every(Number.isFinite)) {
      return makeResult(
        obj,
        state,
        false,
        `Diverged: the Hessian is not finite at iteration ${state.nit}`,
        rec.history,
      );
    }
    const p = newtonDirection(H, state.g, options.delta);
    const gp = dot(state.g, p);
    let unbounded = false;
    const phi = (t: number) => {
      addScaled(xTrial, state.x, t, p);
      const g = new Float64Array(n);
      const f = obj.valueAndGrad(xTrial, g);
      if (f === Number.NEGATIVE_INFINITY) unbounded = true;
      return { f, df: dot(g, p), g };
    };
    const search =
      options.lineSearch === 'exact'
        ? exactLineSearch(phi, state.f, gp, 1)
        : moreThuente(phi, state.f, gp, 1, {
            ftol: 1e-4,
            gtol: 0.9,
            xtol: 1e-14,
            stpmax: 1e100,
            maxEvals: Math.max(1, Math.min(100, stop.maxFev - obj.nfev)),
          });
    if (search.step === 0 || !search.point) {
      const why = lineSearchFailure(search.task, unbounded, 'the Newton direction');
      return makeResult(obj, state, why.converged, why.message, rec.history);
    }
    addScaled(state.x, state.x, search.step, p);
    fPrev = state.f;
    state.f = search.f;
    state.g.set(search.point.g);
    state.nit++;
    rec.record(state.f, state.x);
  }
}

/**
 * The Newton direction p = -H⁻¹ g by Cholesky, or from the modified eigendecomposition when H is
 * not positive definite (see the file comment). Exported for tests.
 */
export function newtonDirection(H: Float64Array, g: Float64Array, delta?: number): Float64Array {
  const n = g.length;
  const A = { rows: n, cols: n, data: H };
  try {
    const p = choleskySolve(cholesky(A), g);
    for (let i = 0; i < n; i++) p[i] = -p[i];
    return p;
  } catch (e) {
    if (!(e instanceof NotPositiveDefiniteError)) throw e;
  }
  const { values, vectors } = eigh(A);
  let maxAbs = 0;
  for (const v of values) maxAbs = Math.max(maxAbs, Math.abs(v));
  const floor = delta ?? 1e-8 * Math.max(1, maxAbs);
  // c = Vᵀ g / λ̃, then p = -V c
  const c = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += vectors[i * n + j] * g[i];
    c[j] = acc / Math.max(Math.abs(values[j]), floor);
  }
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < n; j++) acc += vectors[i * n + j] * c[j];
    p[i] = -acc;
  }
  return p;
}
