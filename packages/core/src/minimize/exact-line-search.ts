/**
 * An exact line search: the α minimizing φ(α) = f(x + α d), found as the root of
 * φ'(α) = ∇f(x + α d)·d by the secant method from α = 0 and α = `stp0`:
 *
 *   α_{j+1} = α_j - φ'(α_j) (α_j - α_{j-1}) / (φ'(α_j) - φ'(α_{j-1}))
 *
 * until |φ'(α)| <= tol |φ'(0)|. φ' is linear on a quadratic f, so there one secant step is exact:
 * α* = -∇fᵀd / dᵀA d. Used to check textbook properties (BFGS's H_n = A⁻¹ after n exact steps);
 * the Wolfe searches are cheaper on everything else.
 */
import type { LinePoint, LineSearchResult } from './line-search.js';

export function exactLineSearch<P extends LinePoint>(
  phi: (step: number) => P,
  f0: number,
  df0: number,
  stp0 = 1,
  tol = 1e-12,
  maxEvals = 50,
): LineSearchResult<P> {
  let aPrev = 0;
  let dPrev = df0;
  let a = stp0;
  let point = phi(a);
  let evals = 1;
  while (Math.abs(point.df) > tol * Math.abs(df0) && evals < maxEvals) {
    const denom = point.df - dPrev;
    if (denom === 0 || !Number.isFinite(point.df)) break;
    const next = a - (point.df * (a - aPrev)) / denom;
    aPrev = a;
    dPrev = point.df;
    a = next;
    point = phi(a);
    evals++;
  }
  const ok = Number.isFinite(point.f) && point.f <= f0;
  return {
    converged: ok && Math.abs(point.df) <= tol * Math.abs(df0),
    step: ok ? a : 0,
    f: ok ? point.f : f0,
    df: ok ? point.df : df0,
    point: ok ? point : undefined,
    evals,
    task: ok ? 'EXACT' : 'WARNING: NO DECREASE',
  };
}
