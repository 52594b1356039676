/**
 * Each racer's own hyper-parameters, set on sliders, and how they reach the optimizer class
 * (minimize's `optimizerOptions`):
 *
 *   momentum, nesterov  β, the velocity's decay:   v ← β v + g,  x ← x − η v        { momentum: β }
 *   adam                β₁, β₂, the moments' decays: m ← β₁ m + (1 − β₁) g, v ← β₂ v + (1 − β₂) g²
 *                                                                                 { betas: [β₁, β₂] }
 *   rmsprop             α, the squared gradient's decay: v ← α v + (1 − α) g²    { alpha: α }
 *
 * The defaults are PyTorch's (β = 0.9 as the race has always used for momentum).
 */

export interface RacerParameter {
  /** The key in the settings (and the URL). */
  key: string;
  label: string;
  min: number;
  max: number;
  step: number;
  value: number;
}

export const racerParameters: Record<string, RacerParameter[]> = {
  momentum: [{ key: 'beta', label: 'β', min: 0, max: 0.99, step: 0.01, value: 0.9 }],
  nesterov: [{ key: 'beta', label: 'β', min: 0, max: 0.99, step: 0.01, value: 0.9 }],
  adam: [
    { key: 'beta1', label: 'β₁', min: 0, max: 0.99, step: 0.01, value: 0.9 },
    { key: 'beta2', label: 'β₂', min: 0.9, max: 0.9999, step: 0.0001, value: 0.999 },
  ],
  rmsprop: [{ key: 'alpha', label: 'α', min: 0.5, max: 0.999, step: 0.001, value: 0.99 }],
};

/** The optimizer options for a racer's settings (undefined: the method's defaults). */
export function optimizerOptions(
  method: string,
  values: Record<string, number>,
): Record<string, unknown> | undefined {
  switch (method) {
    case 'momentum':
    case 'nesterov':
      return { momentum: values.beta };
    case 'adam':
      return { betas: [values.beta1, values.beta2] };
    case 'rmsprop':
      return { alpha: values.alpha };
    default:
      return undefined;
  }
}

/**
 * Heavy-ball momentum on a quadratic with largest curvature L is stable exactly for
 * 0 < η < 2(1 + β)/L and 0 <= β < 1 (Polyak; Goh, "Why Momentum Really Works", 2017).
 */
export function heavyBallLimit(L: number, beta: number): number {
  return (2 * (1 + beta)) / L;
}
