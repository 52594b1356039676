/**
 * minimize(..., { method: 'trust-ncg' }): Newton's method in a trust region, the subproblem solved
 * by Steihaug's conjugate gradients (Nocedal & Wright Alg. 7.2 and 4.1), as SciPy's
 * `minimize(method='trust-ncg')`. Hessian-free: only products ∇²f v (hessian-vector.ts).
 *
 * Model m(p) = f + ∇fᵀp + ½ pᵀ∇²f p in ‖p‖ <= Δ. Steihaug-CG from z = 0, r = ∇f, d = -r:
 *
 *   dᵀ∇²f d <= 0           go to the boundary along d (the end, ±, with the lower m)
 *   z + α d leaves the ball  stop on the boundary along d
 *   ‖r_new‖ < min(0.5, √‖∇f‖) ‖∇f‖   stop inside: z + α d
 *
 * Then trust-region.ts's loop: ρ = (f(x) - f(x + p)) / (m(0) - m(p)):  ρ < 1/4: Δ <- Δ/4;  ρ > 3/4 on
 * the boundary: Δ <- min(2Δ, 1000);  the step is taken when ρ > η = 0.15. Δ starts at 1. Stops when ‖∇f‖₂ < gtol
 * (SciPy's default for trust-region methods: 1e-4), or at maxIter (200 n). The gradient is only
 * evaluated at accepted points; each m(p) costs one product (counted in nhev, as SciPy counts).
 */
import { type HessianVectorSource, hessianVectorProduct } from './hessian-vector.js';
import type { CountedObjective } from './objective.js';
import type { MinimizeResult } from './result.js';
import type { Stopping } from './stopping.js';
import { type TrustRegionOptions, trustRegion } from './trust-region.js';
import { addScaled, dot, norm2 } from './vector.js';

export interface TrustNcgOptions extends TrustRegionOptions {
  hvp: HessianVectorSource;
}

export function minimizeTrustNcg(
  obj: CountedObjective,
  x0: Float64Array,
  stop: Stopping,
  options: TrustNcgOptions,
): MinimizeResult {
  const n = x0.length;
  const H = hessianVectorProduct(obj, n, options.hvp);
  const Hp = new Float64Array(n);
  let x: Float64Array;
  let g: Float64Array;
  let gnorm = 0;
  /** m(p) - f = ∇fᵀp + ½ pᵀ∇²f p (one product) */
  const model = (p: Float64Array) => dot(g, p) + 0.5 * dot(p, H.times(p, Hp));
  return trustRegion(obj, x0, stop, options, {
    at(xNow, gNow, gnormNow) {
      [x, g, gnorm] = [xNow, gNow, gnormNow];
      return undefined;
    },
    step(radius) {
      H.at(x, g); // each iteration: a 'hessian' source evaluates ∇²f again, after a rejected step too
      const { p, hitsBoundary } = steihaug(H, g, gnorm, radius, model);
      return { p, hitsBoundary, predicted: -model(p) };
    },
  });
}

/** Steihaug's CG for min m(p) in ‖p‖ <= Δ (SciPy's CGSteihaugSubproblem.solve). */
function steihaug(
  H: { times(v: Float64Array, out: Float64Array): Float64Array },
  g: Float64Array,
  gnorm: number,
  radius: number,
  model: (p: Float64Array) => number,
): { p: Float64Array; hitsBoundary: boolean } {
  const n = g.length;
  const tolerance = Math.min(0.5, Math.sqrt(gnorm)) * gnorm;
  let z: Float64Array = new Float64Array(n);
  if (gnorm < tolerance) return { p: z, hitsBoundary: false };
  const r = g.slice();
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = -r[i];
  const Bd = new Float64Array(n);
  // exact arithmetic ends within n steps; rounding may take a few more, never unboundedly many
  for (let it = 0; it < 10 * n + 100; it++) {
    H.times(d, Bd);
    const dBd = dot(d, Bd);
    if (dBd <= 0) {
      const [ta, tb] = boundaryIntersections(z, d, radius);
      const pa = addScaled(new Float64Array(n), z, ta, d);
      const pb = addScaled(new Float64Array(n), z, tb, d);
      return { p: model(pa) < model(pb) ? pa : pb, hitsBoundary: true };
    }
    const rr = dot(r, r);
    const alpha = rr / dBd;
    const zNext = addScaled(new Float64Array(n), z, alpha, d);
    if (norm2(zNext) >= radius) {
      const [, tb] = boundaryIntersections(z, d, radius);
      return { p: addScaled(zNext, z, tb, d), hitsBoundary: true };
    }
    addScaled(r, r, alpha, Bd);
    const rrNext = dot(r, r);
    if (Math.sqrt(rrNext) < tolerance) return { p: zNext, hitsBoundary: false };
    const beta = rrNext / rr;
    for (let i = 0; i < n; i++) d[i] = -r[i] + beta * d[i];
    z = zNext;
    if (!Number.isFinite(rrNext)) break;
  }
  return { p: z, hitsBoundary: false };
}

/** The t's, ascending, with ‖z + t d‖ = Δ (SciPy's stable quadratic formula). */
function boundaryIntersections(z: Float64Array, d: Float64Array, radius: number): [number, number] {
  const a = dot(d, d);
  const b = 2 * dot(z, d);
  const c = dot(z, z) - radius * radius;
  const sq = Math.sqrt(b * b - 4 * a * c);
  const aux = b + (b >= 0 ? sq : -sq);
  const ta = -aux / (2 * a);
  const tb = (-2 * c) / aux;
  return ta <= tb ? [ta, tb] : [tb, ta];
}
