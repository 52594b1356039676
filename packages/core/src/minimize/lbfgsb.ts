/**
 * minimize(..., { method: 'L-BFGS-B', bounds }): L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995, "A limited
 * memory algorithm for bound constrained optimization"; version 3.0, Morales & Nocedal 2011), as
 * SciPy runs it, for l <= x <= u (either side may be infinite).
 *
 * The limited-memory BFGS matrix in compact form, from the last m pairs s_i, y_i (oldest first):
 *
 *   B = θI - W M Wᵀ,   W = [Y  θS] (n × 2m),   M⁻¹ = K = [ -D   Lᵀ ]     D = diag(s_iᵀy_i),
 *                                                      [  L  θSᵀS ],   L_ij = s_iᵀy_j (i > j),
 *   θ = yᵀy / sᵀy of the newest pair (1 while the memory is empty).
 *
 * Each iteration, from x (projected into the box at the start) with gradient g:
 *
 *   1. generalized Cauchy point x_c: the first local minimizer of the quadratic model along the
 *      projected steepest-descent path P(x - t g), visiting the breakpoints t_i where coordinates
 *      reach their bounds in increasing order (f', f'' of the model updated per segment with
 *      products by M); the coordinates at a bound there are the active set.
 *   2. subspace minimization over the free coordinates Z from x_c: with r = -Zᵀ(g + θ(x_c - x)
 *      - W M c), c = Wᵀ(x_c - x),
 *        d_Z = r/θ + W_Z v/θ²,   (K - W_ZᵀW_Z/θ) v = W_Zᵀ r           (Sherman–Morrison–Woodbury)
 *      then x̄ = P(x_c + d_Z) if that is a descent direction from x, else x_c + α d_Z with the
 *      largest α <= 1 that stays in the box (version 3.0's rule).
 *   3. line search on x + t (x̄ - x), t <= the largest feasible step, Moré–Thuente with c1 = 1e-3,
 *      c2 = 0.9, xtol = 0.1, at most 20 evaluations; the first iteration starts from
 *      t = min(1/‖d‖, 1) (t = 1 when every variable has both bounds).
 *   4. store (s, y) when sᵀy > ε (-gᵀs) (else skip the update).
 *
 * Stops as SciPy: ‖P(x - g) - x‖∞ <= gtol ('CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL'),
 * (f_{k-1} - f_k) / max(|f_{k-1}|, |f_k|, 1) <= ftol = factr·ε ('…REL_REDUCTION_OF_F…'), maxIter,
 * maxFev. A failed line search restarts from an empty memory once; twice in a row ends the run
 * ('ABNORMAL_TERMINATION_IN_LNSRCH'). A singular K also empties the memory.
 */

import { CompactMemory, factorLU, solveLU } from './lbfgsb-memory.js';
import { moreThuente } from './line-search.js';
import type { CountedObjective } from './objective.js';
import { HistoryRecorder, type MinimizeResult, makeResult } from './result.js';
import { lbfgsbMessages, type Stopping } from './stopping.js';
import { dot } from './vector.js';

export interface LbfgsbOptions {
  historySize: number;
  lower: Float64Array;
  upper: Float64Array;
}

export function minimizeLbfgsb(
  obj: CountedObjective,
  x0: Float64Array,
  stop: Stopping,
  options: LbfgsbOptions,
): MinimizeResult {
  const n = x0.length;
  const m = options.historySize;
  const { lower: l, upper: u } = options;
  const boxed = Array.from({ length: n }, (_, i) => Number.isFinite(l[i]) && Number.isFinite(u[i])).every(
    Boolean,
  );
  const rec = new HistoryRecorder(stop.recordPath);
  const x = x0.slice();
  for (let i = 0; i < n; i++) x[i] = Math.min(Math.max(x[i], l[i]), u[i]);
  const state = { x, f: 0, g: new Float64Array(n), nit: 0 };
  state.f = obj.valueAndGrad(state.x, state.g);
  rec.record(state.f, state.x);
  const end = (converged: boolean, message: string) =>
    makeResult(obj, state, converged, message, rec.history);
  if (!Number.isFinite(state.f)) return end(false, `Diverged: f(x0) = ${state.f}`);
  if (projectedGradientNorm(state.x, state.g, l, u) <= stop.gtol) return end(true, lbfgsbMessages.gtol);

  const memory = new CompactMemory(n, m);
  const z = new Float64Array(n);
  const d = new Float64Array(n);
  const xTrial = new Float64Array(n);
  let failedSearches = 0;
  for (;;) {
    // 1-2: the generalized Cauchy point and the subspace minimizer z
    const cauchy = cauchyPoint(state.x, state.g, l, u, memory, z);
    if (cauchy.singular) {
      memory.clear();
      continue;
    }
    if (memory.size > 0 && cauchy.free.length > 0) {
      if (!subspaceMinimize(state.x, state.g, l, u, memory, z, cauchy)) {
        memory.clear();
        continue;
      }
    }
    for (let i = 0; i < n; i++) d[i] = z[i] - state.x[i];

    // 3: the line search along d, inside the box
    const gd = dot(state.g, d);
    const dnorm = Math.sqrt(dot(d, d));
    let stpmax = 1e10;
    if (state.nit === 0) stpmax = 1;
    else {
      for (let i = 0; i < n; i++) {
        if (d[i] < 0 && Number.isFinite(l[i])) {
          const a = l[i] - state.x[i];
          if (a >= 0) stpmax = 0;
          else if (d[i] * stpmax < a) stpmax = a / d[i];
        } else if (d[i] > 0 && Number.isFinite(u[i])) {
          const a = u[i] - state.x[i];
          if (a <= 0) stpmax = 0;
          else if (d[i] * stpmax > a) stpmax = a / d[i];
        }
      }
    }
    const stp0 = state.nit === 0 && !boxed ? Math.min(1 / dnorm, stpmax) : 1;
    let unbounded = false;
    const phi = (t: number) => {
      if (t === 1) xTrial.set(z);
      else for (let i = 0; i < n; i++) xTrial[i] = t * d[i] + state.x[i];
      const g = new Float64Array(n);
      const f = obj.valueAndGrad(xTrial, g);
      if (f === Number.NEGATIVE_INFINITY) unbounded = true;
      return { f, df: dot(g, d), g, x: xTrial.slice() };
    };
    const search =
      gd < 0 && stpmax > 0
        ? moreThuente(phi, state.f, gd, stp0, {
            ftol: 1e-3,
            gtol: 0.9,
            xtol: 0.1,
            stpmin: 0,
            stpmax,
            maxEvals: Math.max(1, Math.min(20, stop.maxFev - obj.nfev)),
          })
        : { step: 0, point: undefined, f: state.f, task: 'ERROR: NO DESCENT DIRECTION IN THE BOX' };
    if (search.step === 0 || !search.point) {
      if (unbounded)
        return end(false, 'Diverged: f is unbounded below (f = -Infinity along the search direction)');
      failedSearches++;
      if (memory.size === 0 || failedSearches > 1) {
        return end(
          false,
          `ABNORMAL_TERMINATION_IN_LNSRCH: the line search (${search.task}) found no decrease`,
        );
      }
      memory.clear();
      continue;
    }
    failedSearches = 0;

    // accept x_{k+1}, then SciPy's order of tests: limits, projected gradient, relative reduction
    const { x: xNew, g: gNew } = search.point;
    const fOld = state.f;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - state.x[i];
      y[i] = gNew[i] - state.g[i];
    }
    state.x.set(xNew);
    state.g.set(gNew);
    state.f = search.f;
    state.nit++;
    rec.record(state.f, state.x);
    if (!Number.isFinite(state.f)) return end(false, `Diverged: f(x) = ${state.f} at iteration ${state.nit}`);
    if (stop.callback?.(state.x.slice(), state.f, state.nit) === true)
      return end(false, 'Stopped by the callback');
    if (state.nit >= stop.maxIter) return end(false, lbfgsbMessages.maxIter);
    if (obj.nfev >= stop.maxFev) return end(false, lbfgsbMessages.maxFev);
    if (projectedGradientNorm(state.x, state.g, l, u) <= stop.gtol) return end(true, lbfgsbMessages.gtol);
    if (fOld - state.f <= stop.ftol * Math.max(Math.abs(fOld), Math.abs(state.f), 1)) {
      return end(true, lbfgsbMessages.ftol);
    }
    // 4: the BFGS pair, when the curvature is positive enough
    const sy = (search.df - gd) * search.step;
    if (sy > Number.EPSILON * -gd * search.step) memory.push(s, y, sy);
  }
}

/** ‖P(x - g) - x‖∞ with P the projection on [l, u] (L-BFGS-B's projgr). */
export function projectedGradientNorm(
  x: Float64Array,
  g: Float64Array,
  l: Float64Array,
  u: Float64Array,
): number {
  let norm = 0;
  for (let i = 0; i < x.length; i++) {
    let gi = g[i];
    if (gi < 0) gi = Math.max(x[i] - u[i], gi);
    else gi = Math.min(x[i] - l[i], gi);
    norm = Math.max(norm, Math.abs(gi));
  }
  return norm;
}

interface CauchyResult {
  /** Free coordinates at the Cauchy point. */
  free: number[];
  /** K was singular (the memory must be emptied). */
  singular?: boolean;
  /** c = Wᵀ(x_c - x). */
  c: Float64Array;
}

/** The generalized Cauchy point into xc (L-BFGS-B's cauchy), with the free set and c. */
function cauchyPoint(
  x: Float64Array,
  g: Float64Array,
  l: Float64Array,
  u: Float64Array,
  mem: CompactMemory,
  xc: Float64Array,
): CauchyResult {
  const n = x.length;
  const k = mem.size;
  const k2 = 2 * k;
  const theta = mem.theta;
  xc.set(x);
  const p = new Float64Array(k2);
  const c = new Float64Array(k2);
  const v = new Float64Array(k2);
  const wb = new Float64Array(k2);
  const d = new Float64Array(n);
  const atBound = new Uint8Array(n); // 1 at lower, 2 at upper
  const breaks: { t: number; i: number }[] = [];
  let f1 = 0;
  let bounded = true;
  for (let i = 0; i < n; i++) {
    const neg = -g[i];
    const tl = x[i] - l[i];
    const tu = u[i] - x[i];
    if (l[i] === u[i]) atBound[i] = 1;
    else if (Number.isFinite(l[i]) && tl <= 0 && neg <= 0) atBound[i] = 1;
    else if (Number.isFinite(u[i]) && tu <= 0 && neg >= 0) atBound[i] = 2;
    if (atBound[i]) continue;
    d[i] = neg;
    f1 -= neg * neg;
    for (let j = 0; j < k; j++) {
      p[j] += mem.Y[j][i] * neg;
      p[k + j] += mem.S[j][i] * neg;
    }
    if (Number.isFinite(l[i]) && neg < 0) breaks.push({ t: tl / -neg, i });
    else if (Number.isFinite(u[i]) && neg > 0) breaks.push({ t: tu / neg, i });
    else if (neg !== 0) bounded = false;
  }
  for (let j = 0; j < k; j++) p[k + j] *= theta;
  const freeAt = () => {
    const free: number[] = [];
    for (let i = 0; i < n; i++) if (!atBound[i]) free.push(i);
    return free;
  };
  if (f1 === 0) return { free: freeAt(), c };

  let f2 = -theta * f1;
  const f2Org = f2;
  if (k > 0) {
    if (!mem.timesM(p, v)) return { free: freeAt(), c, singular: true };
    f2 -= dot(v, p);
  }
  let dtm = -f1 / f2;
  let tsum = 0;
  breaks.sort((a, b) => a.t - b.t);
  let tj = 0;
  let left = breaks.length;
  for (const bp of breaks) {
    const dt = bp.t - tj;
    if (dtm < dt) break;
    tj = bp.t;
    tsum += dt;
    left--;
    const i = bp.i;
    const di = d[i];
    d[i] = 0;
    let zi: number;
    if (di > 0) {
      zi = u[i] - x[i];
      xc[i] = u[i];
      atBound[i] = 2;
    } else {
      zi = l[i] - x[i];
      xc[i] = l[i];
      atBound[i] = 1;
    }
    if (left === 0 && breaks.length === n) {
      // every variable is at a bound
      dtm = dt;
      for (let j = 0; j < k2; j++) c[j] += dtm * p[j];
      return { free: freeAt(), c };
    }
    const di2 = di * di;
    f1 = f1 + dt * f2 + di2 - theta * di * zi;
    f2 -= theta * di2;
    if (k > 0) {
      for (let j = 0; j < k2; j++) c[j] += dt * p[j];
      mem.row(i, wb);
      if (!mem.timesM(wb, v)) return { free: freeAt(), c, singular: true };
      const wmc = dot(c, v);
      const wmp = dot(p, v);
      const wmw = dot(wb, v);
      for (let j = 0; j < k2; j++) p[j] -= di * wb[j];
      f1 += di * wmc;
      f2 += 2 * di * wmp - di2 * wmw;
    }
    f2 = Math.max(Number.EPSILON * f2Org, f2);
    if (left > 0) dtm = -f1 / f2;
    else if (bounded) {
      f1 = 0;
      f2 = 0;
      dtm = 0;
    } else dtm = -f1 / f2;
  }
  if (dtm <= 0) dtm = 0;
  tsum += dtm;
  for (let i = 0; i < n; i++) xc[i] += tsum * d[i];
  for (let j = 0; j < k2; j++) c[j] += dtm * p[j];
  return { free: freeAt(), c };
}

/**
 * Moves z (the Cauchy point on entry) to the subspace minimizer over the free coordinates
 * (L-BFGS-B's cmprlb + subsm, version 3.0); false when the reduced system is singular.
 */
function subspaceMinimize(
  x: Float64Array,
  g: Float64Array,
  l: Float64Array,
  u: Float64Array,
  mem: CompactMemory,
  z: Float64Array,
  { free, c }: CauchyResult,
): boolean {
  const k = mem.size;
  const k2 = 2 * k;
  const theta = mem.theta;
  const nf = free.length;
  const Mc = new Float64Array(k2);
  if (!mem.timesM(c, Mc)) return false;
  // r = -(g + θ(z - x) - W M c) on the free coordinates; W_Z rows alongside
  const r = new Float64Array(nf);
  const WZ = free.map((i) => mem.row(i, new Float64Array(k2)));
  for (let a = 0; a < nf; a++) {
    const i = free[a];
    r[a] = -theta * (z[i] - x[i]) - g[i] + dot(WZ[a], Mc);
  }
  // (K - W_ZᵀW_Z / θ) v = W_Zᵀ r,  d = r/θ + W_Z v / θ²
  const A = mem.middleInverse();
  const rhs = new Float64Array(k2);
  for (let a = 0; a < nf; a++) {
    const w = WZ[a];
    for (let p = 0; p < k2; p++) {
      rhs[p] += w[p] * r[a];
      const wp = w[p] / theta;
      for (let q = 0; q < k2; q++) A[p * k2 + q] -= wp * w[q];
    }
  }
  const piv = factorLU(A, k2);
  if (!piv) return false;
  const v = new Float64Array(k2);
  solveLU(A, piv, k2, rhs, v);
  const dz = new Float64Array(nf);
  for (let a = 0; a < nf; a++) dz[a] = r[a] / theta + dot(WZ[a], v) / (theta * theta);

  // version 3.0: the projection of z + d, if it is a descent direction from x ...
  const zc = z.slice();
  let clipped = false;
  for (let a = 0; a < nf; a++) {
    const i = free[a];
    const zi = Math.min(Math.max(zc[i] + dz[a], l[i]), u[i]);
    if (zi === l[i] || zi === u[i]) clipped = true;
    z[i] = zi;
  }
  if (!clipped) return true;
  let slope = 0;
  for (let i = 0; i < x.length; i++) slope += (z[i] - x[i]) * g[i];
  if (slope <= 0) return true;
  // ... else the longest feasible step along d from the Cauchy point (version 2.1's rule)
  z.set(zc);
  let alpha = 1;
  let hit = -1;
  for (let a = 0; a < nf; a++) {
    const i = free[a];
    const di = dz[a];
    let t = alpha;
    if (di < 0 && Number.isFinite(l[i])) {
      const room = l[i] - z[i];
      if (room >= 0) t = 0;
      else if (di * alpha < room) t = room / di;
    } else if (di > 0 && Number.isFinite(u[i])) {
      const room = u[i] - z[i];
      if (room <= 0) t = 0;
      else if (di * alpha > room) t = room / di;
    }
    if (t < alpha) {
      alpha = t;
      hit = a;
    }
  }
  if (alpha < 1 && hit >= 0) {
    const i = free[hit];
    z[i] = dz[hit] > 0 ? u[i] : l[i];
    dz[hit] = 0;
  }
  for (let a = 0; a < nf; a++) z[free[a]] += alpha * dz[a];
  return true;
}
