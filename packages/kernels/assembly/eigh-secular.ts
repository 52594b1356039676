/**
 * The secular equation of a divide-and-conquer merge (eigh-dc.ts; LAPACK dlaed4 and dlaed3) and the
 * eigenvectors of D + ρ z zᵀ, for k poles d_0 < ... < d_k-1 (all z_j != 0, after deflation):
 *
 *   f(λ) = 1/ρ + Σ z_j² / (d_j - λ) = 0: one root in each (d_i, d_i+1) and one in (d_k-1, d_k-1 + ρ‖z‖²).
 *
 * Each root is found relative to its nearer pole d_o (the sign of f at the midpoint says which),
 * λ = d_o + τ, so δ_j = d_j - λ = (d_j - d_o) - τ keeps its relative accuracy near the pole; τ
 * iterates by the "middle way" (Li 1994, as dlaed4): ψ (poles j <= i) and φ (poles j > i) are
 * each modelled by one pole with matching value and slope, and the quadratic
 *   c η² - a η + b = 0,  c = f - δ_i ψ' - δ_i+1 φ',  a = (δ_i + δ_i+1) f - δ_i δ_i+1 (ψ' + φ'),
 *   b = δ_i δ_i+1 f
 * gives the step, safeguarded by a bracket [lo, hi] that f's sign shrinks (bisection if it leaves).
 * The first guess takes the two nearest poles exactly and freezes the rest at the midpoint.
 *
 * Eigenvectors (Gu-Eisenstat): the z for which the computed λ are exact,
 *   ẑ_i² = Π_j (d_i - λ_j) / Π_{j≠i} (d_i - d_j)   (up to the factor ρ, removed by normalizing),
 * and v_j = (ẑ_i / (d_i - λ_j))_i / ‖·‖: orthogonal to working precision however close the λ are.
 * The δ are kept root by root (row j of R holds d_i - λ_j for every pole i), so that every O(k)
 * loop here runs over contiguous memory, two lanes at a time.
 */

const EPS: f64 = 2.220446049250313e-16;
const MAX_SECULAR_ITER = 80;

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}

/** The root of a x² + b x + c = 0 strictly inside (lo, hi) (stable formulas), else the midpoint. */
function quadraticRoot(a: f64, b: f64, c: f64, lo: f64, hi: f64): f64 {
  const disc = Math.sqrt(Math.abs(b * b - 4 * a * c));
  const q = -0.5 * (b + (b >= 0 ? disc : -disc));
  const x1 = a != 0 ? q / a : NaN;
  const x2 = q != 0 ? c / q : NaN;
  if (x1 > lo && x1 < hi) return x1;
  if (x2 > lo && x2 < hi) return x2;
  return (lo + hi) * 0.5;
}

// Results of sums(): Σ z_j t_j, Σ t_j², Σ |z_j t_j| with t_j = z_j / (s_j - τ).
let SUM: f64 = 0;
let DSUM: f64 = 0;
let ESUM: f64 = 0;

/** The sums ψ, ψ' and the error bound's Σ|z t| over poles j0 <= j < j1, two at a time. */
function sums(z: usize, s: usize, tau: f64, j0: i32, j1: i32): void {
  const vt = f64x2.splat(tau);
  let a = f64x2.splat(0);
  let b = f64x2.splat(0);
  let e = f64x2.splat(0);
  let j = j0;
  for (; j + 2 <= j1; j += 2) {
    const o = <usize>j << 3;
    const zj = v128.load(z + o);
    const t = f64x2.div(zj, f64x2.sub(v128.load(s + o), vt));
    const zt = f64x2.mul(zj, t);
    a = f64x2.add(a, zt);
    b = f64x2.add(b, f64x2.mul(t, t));
    e = f64x2.add(e, f64x2.abs(zt));
  }
  let sa = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  let sb = f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1);
  let se = f64x2.extract_lane(e, 0) + f64x2.extract_lane(e, 1);
  if (j < j1) {
    const zj = ld(z, j);
    const t = zj / (ld(s, j) - tau);
    sa += zj * t;
    sb += t * t;
    se += Math.abs(zj * t);
  }
  SUM = sa;
  DSUM = sb;
  ESUM = se;
}

/** out_j = (x_j - a) - b for j < k, two at a time. */
function shift(k: i32, x: usize, a: f64, b: f64, out: usize): void {
  const va = f64x2.splat(a);
  const vb = f64x2.splat(b);
  let j = 0;
  for (; j + 2 <= k; j += 2) {
    const o = <usize>j << 3;
    v128.store(out + o, f64x2.sub(f64x2.sub(v128.load(x + o), va), vb));
  }
  if (j < k) st(out, j, ld(x, j) - a - b);
}

/**
 * The k roots of the secular equation for poles `d` (ascending) and weights `z`, into `roots`,
 * and R (k x k row-major, row j: δ_i = d_i - λ_j for every pole i). `sh` is k f64 of scratch.
 */
export function secularRoots(k: i32, d: usize, z: usize, rho: f64, roots: usize, r: usize, sh: usize): void {
  let znorm2: f64 = 0;
  for (let j = 0; j < k; j++) znorm2 += ld(z, j) * ld(z, j);
  const rhoinv = 1.0 / rho;
  const ldr = <usize>k << 3;
  for (let i = 0; i < k; i++) {
    // Origin and bracket for τ = λ - d_o.
    let o = i;
    let lo: f64 = 0;
    let hi: f64 = 0;
    let guess: f64 = 0;
    if (i < k - 1) {
      const half = (ld(d, i + 1) - ld(d, i)) * 0.5;
      const di = ld(d, i);
      // f at the midpoint: the δ_j there in sh.
      shift(k, d, di, half, sh);
      sums(z, sh, 0, 0, k);
      const f = rhoinv + SUM;
      if (f >= 0) {
        hi = half;
      } else {
        o = i + 1;
        lo = -half;
      }
      // First guess: the two nearest poles exact, the rest frozen at the midpoint (as dlaed4):
      // c + z_i² / (d_i - λ) + z_i+1² / (d_i+1 - λ) = 0, a quadratic in τ = λ - d_o.
      const zi2 = ld(z, i) * ld(z, i);
      const zj2 = ld(z, i + 1) * ld(z, i + 1);
      const gap = ld(d, i + 1) - di;
      const c = f - zi2 / (di - di - half) - zj2 / (ld(d, i + 1) - di - half);
      guess = o == i ? quadraticRoot(c, -(c * gap + zi2 + zj2), zi2 * gap, lo, hi) : quadraticRoot(c, c * gap - zi2 - zj2, -zj2 * gap, lo, hi);
    } else {
      hi = rho * znorm2;
      guess = hi * 0.5;
    }
    const dO = ld(d, o);
    shift(k, d, dO, 0, sh);
    let tau = guess;
    for (let iter = 0; iter < MAX_SECULAR_ITER; iter++) {
      sums(z, sh, tau, 0, i + 1);
      const psi = SUM;
      const dpsi = DSUM;
      let erretm = ESUM;
      sums(z, sh, tau, i + 1, k);
      const phi = SUM;
      const dphi = DSUM;
      erretm += ESUM;
      const f = rhoinv + psi + phi;
      if (Math.abs(f) <= EPS * (8 * erretm + 2 * rhoinv + 3 * Math.abs(tau) * (dpsi + dphi))) break;
      if (f < 0) lo = tau;
      else hi = tau;
      const di = ld(sh, i) - tau;
      let eta: f64;
      if (i < k - 1) {
        const di1 = ld(sh, i + 1) - tau;
        const c = f - di * dpsi - di1 * dphi;
        const aa = (di + di1) * f - di * di1 * (dpsi + dphi);
        const bb = di * di1 * f;
        const disc = Math.sqrt(Math.abs(aa * aa - 4 * bb * c));
        if (c == 0) eta = bb / aa;
        else if (aa <= 0) eta = (aa - disc) / (2 * c);
        else eta = (2 * bb) / (aa + disc);
      } else {
        // One pole on the left: c + s / (δ_k - η) = 0 with s = ψ' δ_k², c = f - ψ' δ_k.
        const c = f - di * dpsi;
        eta = c == 0 ? 0 : di + (dpsi * di * di) / c;
      }
      if (f * eta >= 0) eta = -f / (dpsi + dphi); // the model stepped the wrong way: Newton
      let next = tau + eta;
      if (!(next > lo && next < hi)) next = (lo + hi) * 0.5;
      if (next == tau || hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) {
        tau = next;
        break;
      }
      tau = next;
    }
    st(roots, i, dO + tau);
    shift(k, sh, tau, 0, r + <usize>i * ldr); // row i of R: δ_j = (d_j - d_o) - τ
  }
}

/** p_i *= x_i / (d_i - dj) for j0 <= i < j1, two at a time. */
function scaleRatios(p: usize, x: usize, d: usize, dj: f64, j0: i32, j1: i32): void {
  const vd = f64x2.splat(dj);
  let i = j0;
  for (; i + 2 <= j1; i += 2) {
    const o = <usize>i << 3;
    v128.store(p + o, f64x2.mul(v128.load(p + o), f64x2.div(v128.load(x + o), f64x2.sub(v128.load(d + o), vd))));
  }
  if (i < j1) st(p, i, ld(p, i) * (ld(x, i) / (ld(d, i) - dj)));
}

/**
 * The Gu-Eisenstat eigenvectors from R as secularRoots left it: U (k x k row-major, column j the
 * unit eigenvector of λ_j, rows indexed by pole) = (ẑ_i / δ_i(λ_j)) normalized. R is overwritten
 * (with Uᵀ); `zh` is k f64 of scratch.
 */
export function secularVectors(k: i32, d: usize, z: usize, r: usize, zh: usize, u: usize): void {
  const ldr = <usize>k << 3;
  // ẑ_i² = δ_i(λ_i) Π_{j≠i} δ_i(λ_j) / (d_i - d_j), accumulated root by root.
  for (let i = 0; i < k; i++) st(zh, i, load<f64>(r + <usize>i * ldr + (<usize>i << 3)));
  for (let j = 0; j < k; j++) {
    const row = r + <usize>j * ldr;
    const dj = ld(d, j);
    scaleRatios(zh, row, d, dj, 0, j);
    scaleRatios(zh, row, d, dj, j + 1, k);
  }
  for (let i = 0; i < k; i++) {
    const zi = ld(z, i);
    st(zh, i, (zi < 0 ? -1 : 1) * Math.sqrt(Math.abs(ld(zh, i))));
  }
  // Row j of R <- (ẑ_i / δ_i(λ_j))_i, normalized.
  for (let j = 0; j < k; j++) {
    const row = r + <usize>j * ldr;
    let acc = f64x2.splat(0);
    let i = 0;
    for (; i + 2 <= k; i += 2) {
      const o = <usize>i << 3;
      const v = f64x2.div(v128.load(zh + o), v128.load(row + o));
      v128.store(row + o, v);
      acc = f64x2.add(acc, f64x2.mul(v, v));
    }
    let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    if (i < k) {
      const v = ld(zh, i) / ld(row, i);
      st(row, i, v);
      s += v * v;
    }
    const inv = f64x2.splat(1.0 / Math.sqrt(s));
    i = 0;
    for (; i + 2 <= k; i += 2) {
      const o = <usize>i << 3;
      v128.store(row + o, f64x2.mul(v128.load(row + o), inv));
    }
    if (i < k) st(row, i, ld(row, i) * f64x2.extract_lane(inv, 0));
  }
  transpose(k, r, u);
}

/** u = rᵀ (k x k), in 8 x 8 tiles. */
function transpose(k: i32, r: usize, u: usize): void {
  const ld = <usize>k << 3;
  for (let i0 = 0; i0 < k; i0 += 8) {
    const i1 = min(i0 + 8, k);
    for (let j0 = 0; j0 < k; j0 += 8) {
      const j1 = min(j0 + 8, k);
      for (let i = i0; i < i1; i++) {
        const src = r + <usize>i * ld;
        for (let j = j0; j < j1; j++) store<f64>(u + <usize>j * ld + (<usize>i << 3), load<f64>(src + (<usize>j << 3)));
      }
    }
  }
}
