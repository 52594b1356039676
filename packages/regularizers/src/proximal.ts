/**
 * Proximal steps: exact sparsity after any optimizer step. Proximal gradient descent (ISTA) is
 *
 *   θ <- prox_{ηΩ}(θ − η ∇L(θ)),
 *
 * i.e. an SGD step on the loss alone followed by `proximalStep(params, penalty, η)`. `withProximal`
 * wraps any optimizer so every `step()` applies the prox with each group's current learning rate
 * (so schedulers keep working). Unlike adding a subgradient of λ‖θ‖₁, the prox sets small weights
 * to exactly zero.
 */
import type { BaseOptions, Optimizer, Param } from '@descent/core';
import type { Penalty } from './penalty.js';

/** In place, for every parameter: θ <- prox_{tΩ}(θ). */
export function proximalStep(params: Param[], penalty: Penalty, t: number): void {
  for (const p of params) penalty.prox(p, t);
}

export interface WithProximalOptions {
  /** Parameters the prox skips (by predicate). */
  exclude?: (p: Param) => boolean;
}

/**
 * An optimizer that applies `prox_{lr·Ω}` to its parameters after each of the inner optimizer's
 * steps. Everything else (groups, state dicts, zeroGrad) is the inner optimizer's.
 */
export function withProximal<T extends Optimizer<BaseOptions>>(
  inner: T,
  penalty: Penalty,
  options: WithProximalOptions = {},
): T {
  const step = (closure?: () => number): number | undefined => {
    const before = inner.stepsTaken;
    const loss = inner.step(closure);
    if (inner.stepsTaken === before) return loss; // the step was skipped (non-finite gradient)
    for (const g of inner.paramGroups) {
      for (const p of g.params) if (!options.exclude?.(p)) penalty.prox(p, g.lr);
    }
    return loss;
  };
  return overrideStep(inner, step);
}

/** `inner` seen through a proxy whose `step` is `step`; every other property is the inner's own. */
export function overrideStep<T extends object>(
  inner: T,
  step: (closure?: () => number) => number | undefined,
): T {
  return new Proxy(inner, {
    get: (target, prop) => (prop === 'step' ? step : Reflect.get(target, prop, target)),
  });
}
