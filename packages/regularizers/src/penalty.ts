/**
 * The contract every regularizer meets. The notes define training as minimizing
 *
 *   O(D, θ) = Σ_i L(y_i, f(x_i, θ)) + Ω(θ),
 *
 * and a `Penalty` is one Ω, applied parameter by parameter: its value, its (sub)gradient added into
 * the parameter's gradient, and — where Ω has a closed form — its proximal operator
 *
 *   prox_{tΩ}(x) = argmin_z  1/2 ‖z − x‖² + t Ω(z),
 *
 * which `proximalStep` applies after an optimizer step (ISTA) to get exact zeros.
 */
import type { Param } from '@descent/core';

export interface Penalty {
  /** e.g. "l1(0.001)" */
  readonly name: string;
  /** Ω(θ) for one parameter. */
  value(p: Param): number;
  /** p.grad += ∇Ω(θ) (a subgradient where Ω is not differentiable); returns Ω(θ). */
  addGradient(p: Param): number;
  /** In place: θ <- prox_{tΩ}(θ). */
  prox(p: Param, t: number): void;
}

/** Throws a RangeError unless λ is a finite number >= 0. */
export function checkLambda(label: string, lambda: unknown): number {
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0) {
    throw new RangeError(`Invalid ${label}: ${String(lambda)} (expected a finite number >= 0)`);
  }
  return lambda;
}

/** Throws a RangeError unless the prox step t is a finite number >= 0. */
export function checkStep(t: unknown): number {
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw new RangeError(`Invalid proximal step t: ${String(t)} (expected a finite number >= 0)`);
  }
  return t;
}
