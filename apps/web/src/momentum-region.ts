/**
 * Heavy-ball momentum on a quadratic, as Distill's "Why Momentum Really Works" (Goh, 2017) draws
 * it. Along an eigenvector of curvature λ, with a = αλ (α the learning rate),
 *
 *   x_{k+1} = x_k − α λ x_k + β (x_k − x_{k−1}),   i.e.  [x_{k+1}, x_k] = M [x_k, x_{k−1}],
 *   M = [[1 + β − a, −β], [1, 0]],   eigenvalues z: z² − (1 + β − a) z + β = 0
 *
 * and the error shrinks like ρ^k, ρ = the larger |z|. It converges (ρ < 1) exactly for
 * 0 < a < 2(1 + β) and 0 <= β < 1. On curvatures in [μ, L] the rate is the worse of the two ends,
 * and the best choice is Polyak's α* = (2 / (√L + √μ))², β* = ((√κ − 1)/(√κ + 1))², κ = L/μ,
 * which gives ρ* = (√κ − 1)/(√κ + 1).
 */

/** ρ(a, β): the spectral radius of M for a = αλ. */
export function heavyBallRadius(a: number, beta: number): number {
  const t = 1 + beta - a;
  const d = t * t - 4 * beta;
  if (d < 0) return Math.sqrt(beta); // complex pair: |z|² = β
  const r = Math.sqrt(d);
  return Math.max(Math.abs((t + r) / 2), Math.abs((t - r) / 2));
}

/** The rate on curvatures in [μ, L]: the worse of the two extremes (ρ is quasi-convex in a). */
export function heavyBallRate(alpha: number, beta: number, L: number, mu: number): number {
  return Math.max(heavyBallRadius(alpha * L, beta), heavyBallRadius(alpha * mu, beta));
}

/** Polyak's optimal (α*, β*) and its rate ρ* for curvatures in [μ, L], μ > 0. */
export function polyakOptimum(L: number, mu: number): { alpha: number; beta: number; rate: number } {
  const sL = Math.sqrt(L);
  const sm = Math.sqrt(mu);
  const rate = (sL - sm) / (sL + sm);
  return { alpha: (2 / (sL + sm)) ** 2, beta: rate * rate, rate };
}
