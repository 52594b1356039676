/**
 * objective(loss, penalties, params, { exclude }) builds the regularized objective
 *
 *   O(θ) = L(θ) + Σ_k Ω_k(θ)
 *
 * as a closure for `optimizer.step(closure)`: it calls `loss()` (which zeroes the gradients,
 * computes the loss and fills ∇L), then adds every penalty's value and gradient for every
 * parameter not excluded. Biases and normalization parameters are usually excluded, by name or by
 * predicate:
 *
 *   const closure = objective(loss, [l2(1e-4)], model.parameters(), { exclude: (p) => p.name.endsWith('.bias') });
 *   opt.step(closure);
 */
import type { Param } from '@descent/core';
import type { Penalty } from './penalty.js';

export interface ObjectiveOptions {
  /** Parameters the penalties skip: names (each must exist) or a predicate. */
  exclude?: string[] | ((p: Param) => boolean);
}

export interface Objective {
  (): number;
  /** The parameters the penalties apply to. */
  readonly penalized: readonly Param[];
  /** Σ_k Ω_k(θ) alone, without touching gradients. */
  penalty(): number;
}

/** The parameters left after `exclude`; unknown names throw, listing the known ones. */
export function selectParams(params: Param[], exclude: ObjectiveOptions['exclude']): Param[] {
  if (exclude === undefined) return [...params];
  if (typeof exclude === 'function') return params.filter((p) => !exclude(p));
  if (!Array.isArray(exclude))
    throw new TypeError('exclude must be a list of parameter names or a predicate');
  const names = new Set(params.map((p) => p.name));
  for (const name of exclude) {
    if (!names.has(name)) {
      throw new RangeError(
        `exclude names a parameter that does not exist: ${name} (parameters: ${[...names].join(', ')})`,
      );
    }
  }
  return params.filter((p) => !exclude.includes(p.name));
}

export function objective(
  loss: () => number,
  penalties: Penalty[],
  params: Param[],
  options: ObjectiveOptions = {},
): Objective {
  if (typeof loss !== 'function')
    throw new TypeError('objective: loss must be a function returning the loss');
  if (!Array.isArray(penalties)) throw new TypeError('objective: penalties must be a list');
  const penalized = selectParams(params, options.exclude);
  const closure = (() => {
    let total = loss();
    for (const p of penalized) for (const pen of penalties) total += pen.addGradient(p);
    return total;
  }) as Objective;
  Object.defineProperty(closure, 'penalized', { value: Object.freeze(penalized) });
  closure.penalty = () => {
    let total = 0;
    for (const p of penalized) for (const pen of penalties) total += pen.value(p);
    return total;
  };
  return closure;
}
