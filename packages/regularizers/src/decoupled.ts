/**
 * Decoupled weight decay (Loshchilov & Hutter, 2019) around any optimizer:
 *
 *   θ <- (1 − ηλ) θ,  then the inner optimizer's step on ∇L(θ)
 *
 * — the notes' "w <- (1 − ηλ) w − η∇L". The decay does not pass through the optimizer's
 * preconditioner, which is the difference between Adam with `weightDecay` (coupled, L2) and AdamW:
 * `decoupledWeightDecay(new Adam(ps, { lr }), { weightDecay: λ })` takes the same steps as
 * `new AdamW(ps, { lr, weightDecay: λ })` (torch applies the decay first, as here). η is each
 * group's current lr, so schedulers act on the decay too.
 *
 * Non-finite gradients: the wrapper checks first and leaves everything to the inner optimizer (which
 * throws or skips), so a rejected step does not decay the parameters either.
 */
import type { BaseOptions, Optimizer, Param } from '@descent/core';
import { allFinite, scal } from '@descent/kernels';
import { checkLambda } from './penalty.js';
import { overrideStep } from './proximal.js';

export interface DecoupledWeightDecayOptions {
  weightDecay: number;
  /** Parameters not decayed (e.g. biases). */
  exclude?: (p: Param) => boolean;
}

export function decoupledWeightDecay<T extends Optimizer<BaseOptions>>(
  inner: T,
  options: DecoupledWeightDecayOptions,
): T {
  const lambda = checkLambda('weightDecay', options?.weightDecay);
  const step = (closure?: () => number): number | undefined => {
    const loss = closure?.();
    const finite = inner.paramGroups.every((g) => g.params.every((p) => allFinite(p.gradient)));
    if (finite && lambda > 0) {
      for (const g of inner.paramGroups) {
        const factor = 1 - g.lr * lambda;
        for (const p of g.params) if (!options.exclude?.(p)) scal(factor, p.value);
      }
    }
    inner.step();
    return loss;
  };
  return overrideStep(inner, step);
}
