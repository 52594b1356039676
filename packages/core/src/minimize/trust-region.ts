/**
 * The outer loop of the trust-region Newton methods (trust-ncg.ts, trust-exact.ts), as SciPy's
 * `_minimize_trust_region`. From x with f and ∇f, the method's model gives a step p with ‖p‖ <= Δ
 * and its predicted decrease m(0) − m(p), m(p) = f + ∇fᵀp + ½ pᵀ∇²f p; then
 *
 *   ρ = (f(x) − f(x + p)) / (m(0) − m(p)):   ρ < 1/4: Δ ← Δ/4;   ρ > 3/4 on the boundary: Δ ← min(2Δ, Δ_max);
 *   the step is taken when ρ > η, and only then are ∇f (and the model) evaluated at the new x.
 *
 * Stops when ‖∇f‖₂ < gtol (success), at maxIter or maxFev, when the model predicts no decrease or Δ
 * reaches 0 ('A bad approximation…', status 2), when f, ∇f or the model is not finite (status 3), or
 * when the callback asks.
 */
import type { CountedObjective } from './objective.js';
import { HistoryRecorder, type MinimizeResult, makeResult } from './result.js';
import type { Stopping } from './stopping.js';
import { addScaled, norm2 } from './vector.js';

export const trustRegionMessages = {
  success: 'Optimization terminated successfully.',
  maxiter: 'Maximum number of iterations has been exceeded.',
  prediction: 'A bad approximation caused failure to predict improvement.',
} as const;

export interface TrustRegionOptions {
  initialTrustRadius: number;
  maxTrustRadius: number;
  /** Acceptance threshold on ρ, in [0, 1/4). */
  eta: number;
}

/** A method's model of f around the current iterate. */
export interface TrustRegionModel {
  /**
   * The iterate is now x with gradient g (the loop's own arrays, updated in place; ‖g‖ = gnorm >=
   * gtol): build the model there. Returns what went wrong when it cannot (e.g. 'the Hessian is not
   * finite'), else undefined. Called at x0 and at every accepted point.
   */
  at(x: Float64Array, g: Float64Array, gnorm: number): string | undefined;
  /** The step within ‖p‖ <= radius, whether it lies on the boundary, and m(0) − m(p). */
  step(radius: number): { p: Float64Array; hitsBoundary: boolean; predicted: number };
}

export function trustRegion(
  obj: CountedObjective,
  x0: Float64Array,
  stop: Stopping,
  options: TrustRegionOptions,
  model: TrustRegionModel,
): MinimizeResult {
  const n = x0.length;
  const rec = new HistoryRecorder(stop.recordPath);
  const state = { x: x0.slice(), f: 0, g: new Float64Array(n), nit: 0 };
  const end = (converged: boolean, message: string, status?: number) =>
    makeResult(obj, state, converged, message, rec.history, status);
  state.f = obj.valueAndGrad(state.x, state.g);
  rec.record(state.f, state.x);
  let gnorm = norm2(state.g);
  if (!Number.isFinite(state.f) || !Number.isFinite(gnorm))
    return end(false, 'Diverged: f or ∇f is not finite at x0', 3);
  if (gnorm >= stop.gtol) {
    const failed = model.at(state.x, state.g, gnorm);
    if (failed) return end(false, `Diverged: ${failed} at x0`, 3);
  }
  const xProposed = new Float64Array(n);
  let radius = options.initialTrustRadius;

  while (gnorm >= stop.gtol) {
    const { p, hitsBoundary, predicted } = model.step(radius);
    addScaled(xProposed, state.x, 1, p);
    const fProposed = obj.value(xProposed);
    if (!(predicted > 0)) return end(false, trustRegionMessages.prediction, 2);
    const rho = (state.f - fProposed) / predicted;
    if (rho < 0.25) radius *= 0.25;
    else if (rho > 0.75 && hitsBoundary) radius = Math.min(2 * radius, options.maxTrustRadius);
    if (rho > options.eta) {
      state.x.set(xProposed);
      state.f = fProposed;
      obj.grad(state.x, state.g);
      gnorm = norm2(state.g);
      if (!Number.isFinite(state.f) || !Number.isFinite(gnorm)) {
        return end(false, `Diverged: f or ∇f is not finite at iteration ${state.nit + 1}`, 3);
      }
      if (gnorm >= stop.gtol) {
        const failed = model.at(state.x, state.g, gnorm);
        if (failed) return end(false, `Diverged: ${failed} at iteration ${state.nit + 1}`, 3);
      }
    }
    state.nit++;
    rec.record(state.f, state.x);
    if (stop.callback?.(state.x.slice(), state.f, state.nit) === true)
      return end(false, 'Stopped by the callback');
    if (gnorm < stop.gtol) break;
    if (state.nit >= stop.maxIter) return end(false, trustRegionMessages.maxiter, 1);
    if (obj.nfev >= stop.maxFev) return end(false, 'Maximum number of function evaluations reached', 1);
    if (!(radius > 0)) return end(false, trustRegionMessages.prediction, 2);
  }
  return end(true, trustRegionMessages.success);
}
