/**
 * PyTorch's strong-Wolfe line search (`torch.optim.lbfgs._strong_wolfe`, ported from minFunc /
 * torch7's lswolfe.lua), the one `LBFGS` with `lineSearchFn: 'strong_wolfe'` uses. Along d from x,
 * with φ(t) = f(x + t d), it finds t with
 *
 *   φ(t) <= φ(0) + c1 t φ'(0)   and   |φ'(t)| <= -c2 φ'(0)      (c1 = 1e-4, c2 = 0.9)
 *
 * Bracketing: from t, extrapolate by cubic interpolation within [t + 0.01 (t - t_prev), 10 t] until
 * the Armijo condition fails, f stops decreasing, or φ' >= 0. Zoom: cubic interpolation inside the
 * bracket, moved to 0.1 of its width from an end when it makes too little progress, until the
 * conditions hold, the bracket is narrower than toleranceChange / max|d|, or maxLs evaluations.
 * It returns the low end of the bracket (its f, gradient and t).
 *
 * Written once over any vector type V through `ops` (LBFGS uses kernel-memory arrays). Every
 * gradient `evaluate` returns belongs to the search; it frees all but the one it returns.
 */

export interface WolfeVectorOps<V> {
  dot(a: V, b: V): number;
  maxAbs(a: V): number;
  clone(a: V): V;
  free(a: V): void;
}

export interface StrongWolfeResult<V> {
  f: number;
  g: V;
  t: number;
  evals: number;
}

/**
 * The minimizer of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to `bounds` (default:
 * the interval between x1 and x2); the bounds' midpoint when the cubic has no minimum.
 *
 *   d1 = g1 + g2 - 3 (f1 - f2) / (x1 - x2),   d2 = √(d1² - g1 g2)
 *   t  = x2 - (x2 - x1) (g2 + d2 - d1) / (g2 - g1 + 2 d2)          (x1 <= x2; mirrored otherwise)
 */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos =
      x1 <= x2
        ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    // (a non-finite value, from an overflowed f, falls through to the midpoint where torch would
    // return NaN)
    if (Number.isFinite(minPos)) return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

export function strongWolfe<V>(
  evaluate: (t: number) => { f: number; g: V },
  t0: number,
  d: V,
  f: number,
  gIn: V,
  gtd: number,
  ops: WolfeVectorOps<V>,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): StrongWolfeResult<V> {
  const owned = new Set<V>();
  const own = (v: V) => {
    owned.add(v);
    return v;
  };
  let t = t0;
  const dNorm = ops.maxAbs(d);
  const g = own(ops.clone(gIn));
  let { f: fNew, g: gNew } = evaluate(t);
  own(gNew);
  let evals = 1;
  let gtdNew = ops.dot(gNew, d);

  // bracket an interval containing a point satisfying the Wolfe criteria
  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: V[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, own(ops.clone(gNew))];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      bracket = [t];
      bracketF = [fNew];
      bracketG = [gNew];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, own(ops.clone(gNew))];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    // extrapolate by cubic interpolation
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = own(ops.clone(gNew));
    gtdPrev = gtdNew;
    ({ f: fNew, g: gNew } = evaluate(t));
    own(gNew);
    evals++;
    gtdNew = ops.dot(gNew, d);
    lsIter++;
  }
  if (lsIter === maxLs) {
    bracket = [0, t];
    bracketF = [f, fNew];
    bracketG = [g, gNew];
  }

  // zoom: refine the bracket until a point satisfies the conditions
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    // keep t at least 0.1 of the bracket's width from its ends when progress is slow
    const hi = Math.max(bracket[0], bracket[1]);
    const lo = Math.min(bracket[0], bracket[1]);
    const eps = 0.1 * (hi - lo);
    if (Math.min(hi - t, t - lo) < eps) {
      if (insufProgress || t >= hi || t <= lo) {
        t = Math.abs(t - hi) < Math.abs(t - lo) ? hi - eps : lo + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    ({ f: fNew, g: gNew } = evaluate(t));
    own(gNew);
    evals++;
    gtdNew = ops.dot(gNew, d);
    lsIter++;

    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]) {
      // Armijo fails or no lower than the low end: the new point becomes the high end
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = own(ops.clone(gNew));
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
      } else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0) {
        // the old high end becomes the low end
        bracket[highPos] = bracket[lowPos];
        bracketF[highPos] = bracketF[lowPos];
        bracketG[highPos] = bracketG[lowPos];
        bracketGtd[highPos] = bracketGtd[lowPos];
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = own(ops.clone(gNew));
      bracketGtd[lowPos] = gtdNew;
    }
  }

  const result = { f: bracketF[lowPos], g: bracketG[lowPos], t: bracket[lowPos], evals };
  for (const v of owned) if (v !== result.g) ops.free(v);
  return result;
}
