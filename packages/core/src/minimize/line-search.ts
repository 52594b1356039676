/**
 * The Moré–Thuente line search (MINPACK-2 `dcsrch` / `dcstep`, Moré & Thuente 1994, "Line search
 * algorithms with guaranteed sufficient decrease", ACM TOMS 20(3)): the search SciPy's BFGS
 * (`line_search_wolfe1`) and L-BFGS-B use.
 *
 * Along a descent direction d from x, with φ(α) = f(x + α d) and φ'(α) = ∇f(x + α d)·d, it finds a
 * step satisfying the strong Wolfe conditions
 *
 *   φ(α) <= φ(0) + c1 α φ'(0)          (sufficient decrease, c1 = `ftol`)
 *   |φ'(α)| <= c2 |φ'(0)|              (curvature, c2 = `gtol`)
 *
 * by keeping an interval [stx, sty] known to contain such a step and taking safeguarded cubic /
 * quadratic interpolation steps (`dcstep`). While no point with ψ(α) = φ(α) - φ(0) - c1 α φ'(0) <= 0
 * and φ'(α) >= 0 has been seen (stage 1) it works on ψ instead of φ.
 *
 * A non-finite φ(α) (an overflow far along d) is treated as +∞: a higher value, so the interval
 * shrinks back towards the last finite point.
 */

/**
 * φ and φ' at a step α, from one evaluation of f and ∇f at x + α d. The caller's `phi` may return
 * more (the gradient vector at that point): the search hands back the object of the step it accepts.
 */
export type LinePoint = { f: number; df: number };

export interface MoreThuenteOptions {
  /** c1, the sufficient-decrease constant (SciPy's BFGS: 1e-4, L-BFGS-B: 1e-3). */
  ftol?: number;
  /** c2, the curvature constant (0.9 for quasi-Newton methods). */
  gtol?: number;
  /** Relative width of the interval below which the search gives up (BFGS: 1e-14, L-BFGS-B: 0.1). */
  xtol?: number;
  stpmin?: number;
  stpmax?: number;
  /** Evaluations allowed (SciPy's BFGS: 100, L-BFGS-B: 20). */
  maxEvals?: number;
}

export interface LineSearchResult<P extends LinePoint = LinePoint> {
  /** true when the strong Wolfe conditions hold at `step`. */
  converged: boolean;
  /** The accepted step (the best one seen when not converged), 0 if no point improved on φ(0). */
  step: number;
  f: number;
  df: number;
  /** What `phi` returned at `step` (undefined when step = 0: nothing better than φ(0) was found). */
  point: P | undefined;
  /** Evaluations of φ made. */
  evals: number;
  /** Why it stopped, in MINPACK's words ("CONVERGENCE", "WARNING: XTOL TEST SATISFIED", ...). */
  task: string;
}

/**
 * Runs the search from α = `stp0`, given φ(0) = `f0` and φ'(0) = `df0` < 0. `phi(α)` evaluates f and
 * the directional derivative at x + α d (the caller keeps the gradient of the last call).
 */
export function moreThuente<P extends LinePoint>(
  phi: (step: number) => P,
  f0: number,
  df0: number,
  stp0: number,
  options: MoreThuenteOptions = {},
): LineSearchResult<P> {
  const ftol = options.ftol ?? 1e-4;
  const gtol = options.gtol ?? 0.9;
  const xtol = options.xtol ?? 1e-14;
  const stpmin = options.stpmin ?? 0;
  const stpmax = options.stpmax ?? 1e100;
  const maxEvals = options.maxEvals ?? 100;
  const none = { step: 0, f: f0, df: df0, point: undefined as P | undefined };
  if (!(df0 < 0)) return { converged: false, ...none, evals: 0, task: 'ERROR: INITIAL G >= 0' };

  const xtrapl = 1.1;
  const xtrapu = 4.0;
  const gtest = ftol * df0;
  let brackt = false;
  let stage = 1;
  let width = stpmax - stpmin;
  let width1 = width / 0.5;
  // best step so far (stx), other end of the interval (sty), current trial (stp)
  const s: StepState = { stx: 0, fx: f0, dx: df0, sty: 0, fy: f0, dy: df0, brackt: false };
  let stmin = 0;
  let stmax = stp0 + xtrapu * stp0;
  let stp = Math.min(Math.max(stp0, stpmin), stpmax);
  // the best finite point seen, returned when the search ends with a warning
  let best = none;

  for (let evals = 1; evals <= maxEvals; evals++) {
    const p = phi(stp);
    const f = Number.isFinite(p.f) ? p.f : Number.POSITIVE_INFINITY;
    const g = Number.isFinite(p.f) ? p.df : Number.NaN;
    if (f < best.f) best = { step: stp, f, df: g, point: p };
    const ftest = f0 + stp * gtest;
    if (stage === 1 && f <= ftest && g >= 0) stage = 2;

    let task = '';
    if (brackt && (stp <= stmin || stp >= stmax)) task = 'WARNING: ROUNDING ERRORS PREVENT PROGRESS';
    if (brackt && stmax - stmin <= xtol * stmax) task = 'WARNING: XTOL TEST SATISFIED';
    if (stp === stpmax && f <= ftest && g <= gtest) task = 'WARNING: STP = STPMAX';
    if (stp === stpmin && (f > ftest || g >= gtest)) task = 'WARNING: STP = STPMIN';
    if (f <= ftest && Math.abs(g) <= gtol * -df0) {
      return { converged: true, step: stp, f, df: g, point: p, evals, task: 'CONVERGENCE' };
    }
    if (task) return { converged: false, ...best, evals, task };

    if (!Number.isFinite(f)) {
      // no derivative information beyond an overflow: shrink towards the best point
      s.sty = stp;
      s.fy = f;
      s.dy = 0;
      s.brackt = true;
      stp = s.stx + 0.5 * (stp - s.stx);
    } else if (stage === 1 && f <= s.fx && f > ftest) {
      // the modified function ψ predicts the step while the decrease is not yet sufficient
      const m: StepState = {
        stx: s.stx,
        fx: s.fx - s.stx * gtest,
        dx: s.dx - gtest,
        sty: s.sty,
        fy: s.fy - s.sty * gtest,
        dy: s.dy - gtest,
        brackt: s.brackt,
      };
      stp = dcstep(m, stp, f - stp * gtest, g - gtest, stmin, stmax);
      Object.assign(s, {
        stx: m.stx,
        sty: m.sty,
        brackt: m.brackt,
        fx: m.fx + m.stx * gtest,
        fy: m.fy + m.sty * gtest,
        dx: m.dx + gtest,
        dy: m.dy + gtest,
      });
    } else {
      stp = dcstep(s, stp, f, g, stmin, stmax);
    }
    brackt = s.brackt;

    // bisect when the interval does not shrink fast enough
    if (brackt) {
      if (Math.abs(s.sty - s.stx) >= 0.66 * width1) stp = s.stx + 0.5 * (s.sty - s.stx);
      width1 = width;
      width = Math.abs(s.sty - s.stx);
      stmin = Math.min(s.stx, s.sty);
      stmax = Math.max(s.stx, s.sty);
    } else {
      stmin = stp + xtrapl * (stp - s.stx);
      stmax = stp + xtrapu * (stp - s.stx);
    }
    // an overflow at one end of the interval leaves no cubic to fit: bisect instead
    if (!Number.isFinite(stp) && brackt) stp = s.stx + 0.5 * (s.sty - s.stx);
    stp = Math.min(Math.max(stp, stpmin), stpmax);
    if ((brackt && (stp <= stmin || stp >= stmax)) || (brackt && stmax - stmin <= xtol * stmax)) {
      stp = s.stx;
    }
    if (!Number.isFinite(stp)) return { converged: false, ...best, evals, task: 'WARNING: NON-FINITE STEP' };
  }
  return { converged: false, ...best, evals: maxEvals, task: 'WARNING: TOO MANY EVALUATIONS' };
}

/** The interval [stx, sty] with φ and φ' at both ends. */
interface StepState {
  stx: number;
  fx: number;
  dx: number;
  sty: number;
  fy: number;
  dy: number;
  brackt: boolean;
}

/**
 * MINPACK-2 `dcstep`: a safeguarded new trial step from the interval `s` and the trial (stp, fp, dp),
 * updating the interval in place. The four cases of Moré & Thuente §4: a higher value (cubic, or
 * cubic/quadratic average); derivatives of opposite sign (cubic or secant); same sign with |φ'|
 * decreasing (cubic or secant, extrapolating); same sign with |φ'| not decreasing (cubic on the
 * far end, or a bound).
 */
function dcstep(s: StepState, stp: number, fp: number, dp: number, stpmin: number, stpmax: number): number {
  const { stx, fx, dx, sty, fy, dy } = s;
  const sgnd = Math.sign(dp) * Math.sign(dx);
  let stpf: number;
  if (fp > fx) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = sc * Math.sqrt((theta / sc) ** 2 - (dx / sc) * (dp / sc));
    if (stp < stx) gamma = -gamma;
    const r = (gamma - dx + theta) / (gamma - dx + gamma + dp);
    const stpc = stx + r * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) <= Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    s.brackt = true;
  } else if (sgnd < 0) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = sc * Math.sqrt((theta / sc) ** 2 - (dx / sc) * (dp / sc));
    if (stp > stx) gamma = -gamma;
    const r = (gamma - dp + theta) / (gamma - dp + gamma + dx);
    const stpc = stp + r * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    s.brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = sc * Math.sqrt(Math.max(0, (theta / sc) ** 2 - (dx / sc) * (dp / sc)));
    if (stp > stx) gamma = -gamma;
    const r = (gamma - dp + theta) / (gamma + (dx - dp) + gamma);
    const stpc = r < 0 && gamma !== 0 ? stp + r * (stx - stp) : stp > stx ? stpmax : stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (s.brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      stpf = stp > stx ? Math.min(stp + 0.66 * (sty - stp), stpf) : Math.max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.min(Math.max(stpf, stpmin), stpmax);
    }
  } else if (s.brackt) {
    const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
    let gamma = sc * Math.sqrt((theta / sc) ** 2 - (dy / sc) * (dp / sc));
    if (stp > sty) gamma = -gamma;
    const r = (gamma - dp + theta) / (gamma - dp + gamma + dy);
    stpf = stp + r * (sty - stp);
  } else {
    stpf = stp > stx ? stpmax : stpmin;
  }

  if (fp > fx) {
    s.sty = stp;
    s.fy = fp;
    s.dy = dp;
  } else {
    if (sgnd < 0) {
      s.sty = stx;
      s.fy = fx;
      s.dy = dx;
    }
    s.stx = stp;
    s.fx = fp;
    s.dx = dp;
  }
  return stpf;
}
