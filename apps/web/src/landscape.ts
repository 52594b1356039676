/**
 * The trained network's loss landscape, computed in the compute worker with @descent/mlp's
 * diagnostics (Li, Xu, Taylor, Studer & Goldstein, "Visualizing the Loss Landscape of Neural
 * Nets", 2018), on the training points, in eval mode (no dropout):
 *
 *   1-D slice   f(α)    = L(θ + α d)              α in [−1, 1]
 *   2-D slice   f(α, β) = L(θ + α d₁ + β d₂)      α, β in [−1, 1]
 *
 * d, d₁, d₂ random Gaussian directions, filter-normalised (every unit's incoming weights rescaled
 * to the norm of the trained ones, biases not moved), so α = 1 is a step as large as the weights
 * themselves. And the Hessian's extreme eigenvalues at θ, by Lanczos on exact Hessian-vector
 * products (hessianEigenvalues): λ_max is the sharpness of the minimum, and a negative λ_min says
 * θ is not yet a minimum along some direction.
 *
 * The 2-D grid has G x G points with G chosen so that G² n P multiply-adds (n points, P
 * parameters) stay within a budget: 21 for small networks, down to 7 for the largest.
 */

import type { ClassificationDataset } from '@descent/mlp';
import { hessianEigenvalues, lossSlice1d, lossSurface2d, type Sequential } from '@descent/mlp';

export interface Landscape {
  /** The 1-D slice: α and f(α). */
  alphas: Float64Array;
  losses: Float64Array;
  /** The 2-D slice on a G x G grid: f(coords[j], coords[i]) at grid[i * G + j]. */
  coords: Float64Array;
  grid: Float64Array;
  G: number;
  /** The k largest eigenvalues (descending) and the k smallest (ascending). */
  largest: number[];
  smallest: number[];
  /** Parameters of the network. */
  parameters: number;
}

/** Points per side of the 2-D slice: as many as 3e8 multiply-adds allow, from 7 to 21. */
export function surfaceGridSize(n: number, parameters: number): number {
  return Math.max(7, Math.min(21, Math.floor(Math.sqrt(3e8 / (n * parameters)))));
}

/** The slices and the Hessian's extreme eigenvalues of `model` on `data` (seeded: the same every time). */
export function landscapeOf(
  model: Sequential,
  data: ClassificationDataset,
  options: { seed: number; k?: number },
): Landscape {
  const parameters = model.parameters().reduce((sum, p) => sum + p.length, 0);
  const seed = options.seed;
  const slice = lossSlice1d(model, data, { seed, steps: 41 });
  const G = surfaceGridSize(data.n, parameters);
  const surface = lossSurface2d(model, data, { seed: seed + 1, steps: G });
  const k = options.k ?? 3;
  const eig = hessianEigenvalues(model, data, { k, seed, maxIter: Math.min(parameters, 60) });
  return {
    alphas: slice.alphas,
    losses: slice.losses,
    coords: surface.alphas,
    grid: surface.losses,
    G,
    largest: Array.from(eig.largest),
    smallest: Array.from(eig.smallest),
    parameters,
  };
}
