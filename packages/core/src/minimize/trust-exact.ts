/**
 * minimize(..., { method: 'trust-exact' }): the trust-region Newton method with the subproblem
 * solved nearly exactly on the dense Hessian (Moré & Sorensen 1983, in the form of Conn, Gould &
 * Toint §7.3), as SciPy's `minimize(method='trust-exact')`. For small n: each subproblem factors
 * H + λI (Cholesky) a few times.
 *
 * Subproblem  min m(p) = gᵀp + ½ pᵀHp  in ‖p‖ <= Δ:  find λ >= max(0, -λ_min(H)) with
 * (H + λI) p = -g and λ (Δ - ‖p‖) = 0. Newton on the secular equation 1/‖p(λ)‖ = 1/Δ:
 *
 *   H + λI = Uᵀ U,  p = -(UᵀU)⁻¹ g,  w = U⁻ᵀ p,  λ <- λ + (‖p‖/‖w‖)² (‖p‖ - Δ)/Δ
 *
 * safeguarded in [λ_lb, λ_ub] (Gershgorin, ‖H‖_F and ‖H‖_∞ bounds to start; a failed Cholesky at
 * order k raises λ_lb by the δ that makes the leading k x k block singular). Stopping, as SciPy's:
 *   λ = 0 and ‖p‖ <= Δ (interior Newton step);   |‖p‖ - Δ| / Δ <= k_easy = 0.1 (outside);
 *   inside with λ > 0 (the hard case): p + τ z, z the estimated smallest singular vector of U
 *   (Cline, Moler, Stewart, Wilkinson), τ the smaller root of ‖p + τ z‖ = Δ, when
 *   τ² σ_min² <= k_hard (pᵀ(H+λI)p + λΔ²), k_hard = 0.2.
 * A new λ is kept (and its factorization) only when H + λI factors; otherwise
 * λ <- max(√(λ_lb λ_ub), λ_lb + 0.01 (λ_ub - λ_lb)).
 *
 * The outer loop is trust-region.ts's, as trust-ncg's (ρ < 1/4: Δ/4; ρ > 3/4 on the boundary: min(2Δ, 1000); accept when
 * ρ > η = 0.15; stop when ‖∇f‖₂ < gtol = 1e-4, at maxIter = 200 n). λ_lb carries over while the
 * iterate stays and Δ shrinks. The Hessian is evaluated at accepted points only (SciPy also
 * evaluates it at every rejected proposal, so its nhev can be higher).
 * One deliberate difference: after the hard-case branch refactors H + λ_new I, SciPy 1.10 keeps
 * using the previous factor U for the next p; this uses the new one (the factor of H + λI).
 */

import { finiteDifferenceHessian } from './numdiff.js';
import type { CountedObjective } from './objective.js';
import type { MinimizeResult } from './result.js';
import type { Stopping } from './stopping.js';
import {
  type Cholesky,
  cholesky,
  choSolve,
  singularLeadingSubmatrix,
  smallestSingular,
  solveUpperTransposed,
  symv,
} from './trust-exact-linalg.js';
import { type TrustRegionOptions, trustRegion } from './trust-region.js';
import { addScaled, dot, norm2 } from './vector.js';

export interface TrustExactOptions extends TrustRegionOptions {
  /** 'exact': the objective's hessian(x, out); 'fd': forward differences of ∇f. */
  hessian: 'exact' | 'fd';
}

const K_EASY = 0.1;
const K_HARD = 0.2;
const UPDATE_COEFF = 0.01;

export function minimizeTrustExact(
  obj: CountedObjective,
  x0: Float64Array,
  stop: Stopping,
  options: TrustExactOptions,
): MinimizeResult {
  const n = x0.length;
  const H = new Float64Array(n * n);
  const Hp = new Float64Array(n);
  let g: Float64Array;
  let sub: Subproblem;
  return trustRegion(obj, x0, stop, options, {
    at(x, gNow, gnorm) {
      g = gNow;
      if (options.hessian === 'exact') obj.hessian(x, H);
      else finiteDifferenceHessian(obj, x, g, H);
      if (!H.every(Number.isFinite)) return 'the Hessian is not finite';
      sub = new Subproblem(H, g, gnorm);
      return undefined;
    },
    step(radius) {
      const { p, hitsBoundary } = sub.solve(radius);
      symv(H, p, Hp); // m(p) - f = gᵀp + ½ pᵀHp
      return { p, hitsBoundary, predicted: -(dot(g, p) + 0.5 * dot(p, Hp)) };
    },
  });
}

/** SciPy's IterativeSubproblem at one iterate: H (n x n, row-major, symmetric), g, ‖g‖. */
class Subproblem {
  private readonly n: number;
  private readonly gershgorinLb: number;
  private readonly gershgorinUb: number;
  private readonly hessInf: number;
  private readonly hessFro: number;
  private readonly minDiag: number;
  private readonly closeToZero: number;
  private previousRadius = -1;
  private lambdaLb = 0;

  constructor(
    private readonly H: Float64Array,
    private readonly g: Float64Array,
    private readonly gnorm: number,
  ) {
    const n = g.length;
    this.n = n;
    let lb = Number.POSITIVE_INFINITY;
    let ub = Number.NEGATIVE_INFINITY;
    let inf = 0;
    let fro = 0;
    let minDiag = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      let rowSum = 0;
      for (let j = 0; j < n; j++) {
        const h = Math.abs(H[i * n + j]);
        rowSum += h;
        fro += h * h;
      }
      const d = H[i * n + i];
      lb = Math.min(lb, d + Math.abs(d) - rowSum);
      ub = Math.max(ub, d - Math.abs(d) + rowSum);
      inf = Math.max(inf, rowSum);
      minDiag = Math.min(minDiag, d);
    }
    this.gershgorinLb = lb;
    this.gershgorinUb = ub;
    this.hessInf = inf;
    this.hessFro = Math.sqrt(fro);
    this.minDiag = minDiag;
    this.closeToZero = n * Number.EPSILON * inf;
  }

  private between(lo: number, hi: number): number {
    return Math.max(Math.sqrt(lo * hi), lo + UPDATE_COEFF * (hi - lo));
  }

  solve(radius: number): { p: Float64Array; hitsBoundary: boolean } {
    const { n, H, g } = this;
    let lambdaUb = Math.max(
      0,
      this.gnorm / radius + Math.min(-this.gershgorinLb, this.hessFro, this.hessInf),
    );
    let lambdaLb = Math.max(
      0,
      -this.minDiag,
      this.gnorm / radius - Math.min(this.gershgorinUb, this.hessFro, this.hessInf),
    );
    if (radius < this.previousRadius) lambdaLb = Math.max(this.lambdaLb, lambdaLb);
    let lambda = lambdaLb === 0 ? 0 : this.between(lambdaLb, lambdaUb);
    let p: Float64Array = new Float64Array(n);
    let hitsBoundary = true;
    let factor: Cholesky | undefined;
    // Each pass shrinks [λ_lb, λ_ub] or ends; the cap only guards against rounding loops.
    for (let pass = 0; pass < 1000; pass++) {
      const chol = factor ?? cholesky(H, lambda);
      factor = undefined;
      if (chol.info === 0 && this.gnorm > this.closeToZero) {
        const U = chol.U;
        p = choSolve(U, g);
        const pNorm = norm2(p);
        if (pNorm <= radius && lambda === 0) {
          hitsBoundary = false;
          break;
        }
        const w = solveUpperTransposed(U, p);
        const wNorm = norm2(w);
        const lambdaNew = lambda + (pNorm / wNorm) ** 2 * ((pNorm - radius) / radius);
        if (pNorm < radius) {
          const { sMin, zMin } = smallestSingular(U);
          const [ta, tb] = boundaryIntersections(p, zMin, radius);
          const step = Math.abs(ta) <= Math.abs(tb) ? ta : tb;
          const Hp = new Float64Array(n);
          symv(H, p, Hp);
          const quadratic = dot(p, Hp) + lambda * dot(p, p);
          if ((step * step * sMin * sMin) / (quadratic + lambda * radius * radius) <= K_HARD) {
            addScaled(p, p, step, zMin);
            break;
          }
          lambdaUb = lambda;
          lambdaLb = Math.max(lambdaLb, lambda - sMin * sMin);
          const next = cholesky(H, lambdaNew);
          if (next.info === 0) {
            lambda = lambdaNew;
            factor = next;
          } else {
            lambdaLb = Math.max(lambdaLb, lambdaNew);
            lambda = this.between(lambdaLb, lambdaUb);
          }
        } else {
          if (Math.abs(pNorm - radius) / radius <= K_EASY) break;
          lambdaLb = lambda;
          lambda = lambdaNew;
        }
      } else if (chol.info === 0) {
        // ‖g‖ is negligible: the step is along the smallest singular vector, if any.
        if (lambda === 0) {
          p = new Float64Array(n);
          hitsBoundary = false;
          break;
        }
        const { sMin, zMin } = smallestSingular(chol.U);
        if (radius * radius * sMin * sMin <= K_HARD * lambda * radius * radius) {
          p = Float64Array.from(zMin, (z) => radius * z);
          break;
        }
        lambdaUb = lambda;
        lambdaLb = Math.max(lambdaLb, lambda - sMin * sMin);
        lambda = this.between(lambdaLb, lambdaUb);
      } else {
        const { delta, v } = singularLeadingSubmatrix(H, lambda, chol.U, chol.info);
        lambdaLb = Math.max(lambdaLb, lambda + delta / dot(v, v));
        lambda = this.between(lambdaLb, lambdaUb);
      }
    }
    this.lambdaLb = lambdaLb;
    this.previousRadius = radius;
    return { p, hitsBoundary };
  }
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
