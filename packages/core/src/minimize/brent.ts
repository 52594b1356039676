/**
 * One-dimensional minimization without derivatives, as SciPy's `scipy.optimize.brent` (used by
 * Powell's method): a bracket, then Brent's method (Brent, 1973, "Algorithms for Minimization
 * without Derivatives", ch. 5).
 *
 * bracket (SciPy's `bracket` from a = 0, b = 1): downhill from a to b, then c = b + φ (b - a)
 *   (φ = 1.618034) and parabolic extrapolation, growing at most 110x per step, until f(b) <= f(c):
 *   then a < b < c (or c < b < a) with f(b) below both ends, as far as the 1000 steps allow.
 *
 * brent: keeps a bracket [a, b] around the best point x (with the runners-up w, v) and each step
 *   either fits a parabola through (x, w, v), taking its vertex when it falls inside the bracket and
 *   moves less than half the step before last, or takes a golden-section step 0.381966 into the
 *   larger part. Converged when |x - (a + b)/2| < 2 tol1 - (b - a)/2, tol1 = tol |x| + 1e-11;
 *   at most 500 steps.
 */

/** SciPy's bracket raised "Too many iterations." (f keeps decreasing: unbounded along the line). */
export class LineSearchBracketError extends Error {}

export interface BrentResult {
  x: number;
  f: number;
  nit: number;
  nfev: number;
}

const GOLD = 1.618034;
const CGOLD = 0.381966;
const VERY_SMALL = 1e-21;

/** [xa, xb, xc, fa, fb, fc, nfev] from SciPy's bracket(func, 0, 1, grow_limit = 110, maxiter = 1000). */
export function bracket(func: (a: number) => number, a0 = 0, b0 = 1, growLimit = 110, maxIter = 1000) {
  let xa = a0;
  let xb = b0;
  let fa = func(xa);
  let fb = func(xb);
  if (fa < fb) {
    [xa, xb] = [xb, xa];
    [fa, fb] = [fb, fa];
  }
  let xc = xb + GOLD * (xb - xa);
  let fc = func(xc);
  let nfev = 3;
  let iter = 0;
  while (fc < fb) {
    const tmp1 = (xb - xa) * (fb - fc);
    const tmp2 = (xb - xc) * (fb - fa);
    const val = tmp2 - tmp1;
    const denom = Math.abs(val) < VERY_SMALL ? 2 * VERY_SMALL : 2 * val;
    let w = xb - ((xb - xc) * tmp2 - (xb - xa) * tmp1) / denom;
    const wlim = xb + growLimit * (xc - xb);
    if (iter > maxIter) {
      throw new LineSearchBracketError(
        `no minimum along a search line after ${maxIter} bracketing steps (f unbounded below?)`,
      );
    }
    iter++;
    let fw: number;
    if ((w - xc) * (xb - w) > 0) {
      fw = func(w);
      nfev++;
      if (fw < fc) {
        return { xa: xb, xb: w, xc, fa: fb, fb: fw, fc, nfev };
      } else if (fw > fb) {
        return { xa, xb, xc: w, fa, fb, fc: fw, nfev };
      }
      w = xc + GOLD * (xc - xb);
      fw = func(w);
      nfev++;
    } else if ((w - wlim) * (wlim - xc) >= 0) {
      w = wlim;
      fw = func(w);
      nfev++;
    } else if ((w - wlim) * (xc - w) > 0) {
      fw = func(w);
      nfev++;
      if (fw < fc) {
        xb = xc;
        xc = w;
        w = xc + GOLD * (xc - xb);
        fb = fc;
        fc = fw;
        fw = func(w);
        nfev++;
      }
    } else {
      w = xc + GOLD * (xc - xb);
      fw = func(w);
      nfev++;
    }
    xa = xb;
    xb = xc;
    xc = w;
    fa = fb;
    fb = fc;
    fc = fw;
  }
  return { xa, xb, xc, fa, fb, fc, nfev };
}

/** SciPy's brent(func, tol=tol, maxiter=500): the minimizer, its value, steps and evaluations. */
export function brent(func: (a: number) => number, tol = 1.48e-8, maxIter = 500): BrentResult {
  const br = bracket(func);
  let nfev = br.nfev;
  const mintol = 1e-11;
  let x = br.xb;
  let w = x;
  let v = x;
  let fx = br.fb;
  let fw = fx;
  let fv = fx;
  let a = Math.min(br.xa, br.xc);
  let b = Math.max(br.xa, br.xc);
  let deltax = 0;
  let rat = 0;
  let iter = 0;
  while (iter < maxIter) {
    const tol1 = tol * Math.abs(x) + mintol;
    const tol2 = 2 * tol1;
    const xmid = 0.5 * (a + b);
    if (Math.abs(x - xmid) < tol2 - 0.5 * (b - a)) break;
    if (Math.abs(deltax) <= tol1) {
      deltax = x >= xmid ? a - x : b - x; // golden section
      rat = CGOLD * deltax;
    } else {
      // parabola through (x, fx), (w, fw), (v, fv)
      const tmp1 = (x - w) * (fx - fv);
      let tmp2 = (x - v) * (fx - fw);
      let p = (x - v) * tmp2 - (x - w) * tmp1;
      tmp2 = 2 * (tmp2 - tmp1);
      if (tmp2 > 0) p = -p;
      tmp2 = Math.abs(tmp2);
      const dxTemp = deltax;
      deltax = rat;
      if (p > tmp2 * (a - x) && p < tmp2 * (b - x) && Math.abs(p) < Math.abs(0.5 * tmp2 * dxTemp)) {
        rat = (p * 1) / tmp2;
        const u = x + rat;
        if (u - a < tol2 || b - u < tol2) rat = xmid - x >= 0 ? tol1 : -tol1;
      } else {
        deltax = x >= xmid ? a - x : b - x;
        rat = CGOLD * deltax;
      }
    }
    const u = Math.abs(rat) < tol1 ? (rat >= 0 ? x + tol1 : x - tol1) : x + rat;
    const fu = func(u);
    nfev++;
    if (fu > fx) {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        w = u;
        fv = fw;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    } else {
      if (u >= x) a = x;
      else b = x;
      v = w;
      w = x;
      x = u;
      fv = fw;
      fw = fx;
      fx = fu;
    }
    iter++;
  }
  return { x, f: fx, nit: iter, nfev };
}
