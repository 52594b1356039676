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
 * The outer loop is trust-ncg's (ρ < 1/4: Δ/4; ρ > 3/4 on the boundary: min(2Δ, 1000); accept when
 * ρ > η = 0.15; stop when ‖∇f‖₂ < gtol = 1e-4, at maxIter = 200 n). λ_lb carries over while the
 * iterate stays and Δ shrinks. The Hessian is evaluated at accepted points only (SciPy also
 * evaluates it at every rejected proposal, so its nhev can be higher).
 * One deliberate difference: after the hard-case branch refactors H + λ_new I, SciPy 1.10 keeps
 * using the previous factor U for the next p; this uses the new one (the factor of H + λI).
 */
import type { CountedObjective } from './objective.js';
import { HistoryRecorder, type MinimizeResult, makeResult } from './result.js';
import type { Stopping } from './stopping.js';
import { trustRegionMessages } from './trust-ncg.js';
import { addScaled, dot, norm2 } from './vector.js';

export interface TrustExactOptions {
  /** 'exact': the objective's hessian(x, out); 'fd': forward differences of ∇f. */
  hessian: 'exact' | 'fd';
  initialTrustRadius: number;
  maxTrustRadius: number;
  eta: number;
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
  const rec = new HistoryRecorder(stop.recordPath);
  const state = { x: x0.slice(), f: 0, g: new Float64Array(n), nit: 0 };
  const end = (converged: boolean, message: string, status?: number) =>
    makeResult(obj, state, converged, message, rec.history, status);
  state.f = obj.valueAndGrad(state.x, state.g);
  rec.record(state.f, state.x);
  let gnorm = norm2(state.g);
  if (!Number.isFinite(state.f) || !Number.isFinite(gnorm))
    return end(false, 'Diverged: f or ∇f is not finite at x0', 3);
  const H = new Float64Array(n * n);
  const hessianAt = (x: Float64Array, g: Float64Array) => {
    if (options.hessian === 'exact') obj.hessian(x, H);
    else finiteDifferenceHessian(obj, x, g, H);
    return H.every(Number.isFinite);
  };
  if (gnorm >= stop.gtol && !hessianAt(state.x, state.g))
    return end(false, 'Diverged: the Hessian is not finite at x0', 3);
  let sub = new Subproblem(H, state.g, gnorm);
  const xProposed = new Float64Array(n);
  const Hp = new Float64Array(n);
  let radius = options.initialTrustRadius;

  while (gnorm >= stop.gtol) {
    const { p, hitsBoundary } = sub.solve(radius);
    // m(p) - f = gᵀp + ½ pᵀHp
    symv(H, p, Hp);
    const predicted = -(dot(state.g, p) + 0.5 * dot(p, Hp));
    addScaled(xProposed, state.x, 1, p);
    const fProposed = obj.value(xProposed);
    if (!(predicted > 0)) return end(false, trustRegionMessages.prediction, 2);
    const rho = (state.f - fProposed) / predicted;
    if (rho < 0.25) radius *= 0.25;
    else if (rho > 0.75 && hitsBoundary) radius = Math.min(2 * radius, options.maxTrustRadius);
    if (rho > options.eta) {
      state.x.set(xProposed);
      state.f = fProposed;
      obj.grad(state.x, state.g);
      gnorm = norm2(state.g);
      if (!Number.isFinite(state.f) || !Number.isFinite(gnorm)) {
        return end(false, `Diverged: f or ∇f is not finite at iteration ${state.nit + 1}`, 3);
      }
      if (gnorm >= stop.gtol) {
        if (!hessianAt(state.x, state.g)) {
          return end(false, `Diverged: the Hessian is not finite at iteration ${state.nit + 1}`, 3);
        }
        sub = new Subproblem(H, state.g, gnorm);
      }
    }
    state.nit++;
    rec.record(state.f, state.x);
    if (stop.callback?.(state.x.slice(), state.f, state.nit) === true)
      return end(false, 'Stopped by the callback');
    if (gnorm < stop.gtol) break;
    if (state.nit >= stop.maxIter) return end(false, trustRegionMessages.maxiter, 1);
    if (obj.nfev >= stop.maxFev) return end(false, 'Maximum number of function evaluations reached', 1);
    if (!(radius > 0)) return end(false, trustRegionMessages.prediction, 2);
  }
  return end(true, trustRegionMessages.success);
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

interface Cholesky {
  /** Upper triangular, row-major; columns past a failure are partial. */
  U: Float64Array;
  /** 0, or k when the leading k x k block of H + λI is not positive definite (LAPACK potrf). */
  info: number;
}

/** H + λI = UᵀU, column by column (LAPACK dpotf2, upper). */
function cholesky(H: Float64Array, lambda: number): Cholesky {
  const n = Math.round(Math.sqrt(H.length));
  const U = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < j; i++) {
      let s = H[i * n + j];
      for (let l = 0; l < i; l++) s -= U[l * n + i] * U[l * n + j];
      U[i * n + j] = s / U[i * n + i];
    }
    let d = H[j * n + j] + lambda;
    for (let l = 0; l < j; l++) d -= U[l * n + j] * U[l * n + j];
    if (!(d > 0)) return { U, info: j + 1 };
    U[j * n + j] = Math.sqrt(d);
  }
  return { U, info: 0 };
}

/** p = -(UᵀU)⁻¹ g. */
function choSolve(U: Float64Array, g: Float64Array): Float64Array {
  const y = solveUpperTransposed(U, g);
  const n = g.length;
  const p = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let j = i + 1; j < n; j++) s -= U[i * n + j] * p[j];
    p[i] = s / U[i * n + i];
  }
  for (let i = 0; i < n; i++) p[i] = -p[i];
  return p;
}

/** w = U⁻ᵀ b (forward substitution with Uᵀ). */
function solveUpperTransposed(U: Float64Array, b: Float64Array): Float64Array {
  const n = b.length;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let l = 0; l < i; l++) s -= U[l * n + i] * w[l];
    w[i] = s / U[i * n + i];
  }
  return w;
}

/**
 * σ_min(U) and its right singular vector, estimated in O(n²) (Cline, Moler, Stewart, Wilkinson
 * 1979; Golub & Van Loan Alg. 3.5.1): e ∈ {±1}ⁿ making the solution of Uᵀw = e large, then Uv = w;
 * σ_min ≈ ‖w‖ / ‖v‖, z = v / ‖v‖ (SciPy's estimate_smallest_singular_value).
 */
function smallestSingular(U: Float64Array): { sMin: number; zMin: Float64Array } {
  const n = Math.round(Math.sqrt(U.length));
  const pv = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const ukk = U[k * n + k];
    const wp = (1 - pv[k]) / ukk;
    const wm = (-1 - pv[k]) / ukk;
    let np = Math.abs(wp);
    let nm = Math.abs(wm);
    for (let i = k + 1; i < n; i++) {
      np += Math.abs(pv[i] + U[k * n + i] * wp);
      nm += Math.abs(pv[i] + U[k * n + i] * wm);
    }
    const wk = np >= nm ? wp : wm;
    w[k] = wk;
    for (let i = k + 1; i < n; i++) pv[i] += U[k * n + i] * wk;
  }
  const v = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = w[i];
    for (let j = i + 1; j < n; j++) s -= U[i * n + j] * v[j];
    v[i] = s / U[i * n + i];
  }
  const vNorm = norm2(v);
  for (let i = 0; i < n; i++) v[i] /= vNorm;
  return { sMin: norm2(w) / vNorm, zMin: v };
}

/**
 * For a Cholesky of H + λI that failed at order k: the δ added to entry (k, k) that makes the
 * leading k x k block singular, and v with vᵀ(B + δ e_k e_kᵀ)v = 0 (SciPy's singular_leading_submatrix).
 */
function singularLeadingSubmatrix(
  H: Float64Array,
  lambda: number,
  U: Float64Array,
  k: number,
): { delta: number; v: Float64Array } {
  const n = Math.round(Math.sqrt(H.length));
  const j = k - 1;
  let delta = -(H[j * n + j] + lambda);
  for (let l = 0; l < j; l++) delta += U[l * n + j] * U[l * n + j];
  const v = new Float64Array(n);
  v[j] = 1;
  // U[:j, :j] v[:j] = -U[:j, j]
  for (let i = j - 1; i >= 0; i--) {
    let s = -U[i * n + j];
    for (let c = i + 1; c < j; c++) s -= U[i * n + c] * v[c];
    v[i] = s / U[i * n + i];
  }
  return { delta, v };
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

/** out = H v. */
function symv(H: Float64Array, v: Float64Array, out: Float64Array): void {
  const n = v.length;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += H[i * n + j] * v[j];
    out[i] = s;
  }
}

/** Forward differences of ∇f, one gradient evaluation per column, symmetrized (as 'newton'). */
function finiteDifferenceHessian(
  obj: CountedObjective,
  x: Float64Array,
  g: Float64Array,
  H: Float64Array,
): void {
  const n = x.length;
  const xh = x.slice();
  const gh = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const h = Math.sqrt(Number.EPSILON) * Math.max(1, Math.abs(x[j]));
    xh[j] = x[j] + h;
    const step = xh[j] - x[j];
    obj.grad(xh, gh);
    for (let i = 0; i < n; i++) H[i * n + j] = (gh[i] - g[i]) / step;
    xh[j] = x[j];
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (H[i * n + j] + H[j * n + i]);
      H[i * n + j] = s;
      H[j * n + i] = s;
    }
  }
}
