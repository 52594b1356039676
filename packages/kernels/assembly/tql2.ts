/**
 * The implicit QL iteration for a symmetric tridiagonal matrix (EISPACK tql2), shared by eigh's
 * values-only path and the small leaves of the divide and conquer (eigh-dc.ts).
 */

const EPS: f64 = 2.220446049250313e-16;
/** Iterations allowed per eigenvalue before the QL stage gives up. */
const MAX_ITER = 60;

/**
 * Stage 3 (EISPACK tql2, as in JAMA): eigenvalues of the tridiagonal (d, e) into d, unsorted.
 * With z != 0, applies every rotation to the rows of z (= Zᵀ). e is destroyed; cs is 2n scratch.
 * Shift: the eigenvalue of the leading 2 x 2 block [d_l e_l; e_l d_l+1] nearer d_l (Wilkinson).
 * Deflation: |e_m| <= ε max_{k<=l}(|d_k| + |e_k|).
 */
export function tql2(n: i32, d: usize, e: usize, cs: usize, z: usize): i32 {
  for (let i = 1; i < n; i++) store<f64>(e + (<usize>(i - 1) << 3), load<f64>(e + (<usize>i << 3)));
  store<f64>(e + (<usize>(n - 1) << 3), 0);
  let f: f64 = 0;
  let tst1: f64 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(D(d, l)) + Math.abs(D(e, l)));
    let m = l;
    while (m < n - 1 && Math.abs(D(e, m)) > EPS * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > MAX_ITER) return l + 1;
        let g = D(d, l);
        let pp = (D(d, l + 1) - g) / (2.0 * D(e, l));
        let r = hypot(pp, 1.0);
        if (pp < 0) r = -r;
        setD(d, l, D(e, l) / (pp + r));
        setD(d, l + 1, D(e, l) * (pp + r));
        const dl1 = D(d, l + 1);
        let h = g - D(d, l);
        for (let i = l + 2; i < n; i++) setD(d, i, D(d, i) - h);
        f += h;
        pp = D(d, m);
        let c: f64 = 1;
        let c2 = c;
        let c3 = c;
        const el1 = D(e, l + 1);
        let s: f64 = 0;
        let s2: f64 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * D(e, i);
          h = c * pp;
          r = hypot(pp, D(e, i));
          setD(e, i + 1, s * r);
          const invR = 1.0 / r;
          s = D(e, i) * invR;
          c = pp * invR;
          pp = c * D(d, i) - s * g;
          setD(d, i + 1, h + s * (c * g + s * D(d, i)));
          const o = cs + (<usize>i << 4);
          store<f64>(o, c);
          store<f64>(o + 8, s);
        }
        pp = (-s * s2 * c3 * el1 * D(e, l)) / dl1;
        setD(e, l, s * pp);
        setD(d, l, c * pp);
        if (z) applySweep(n, z, cs, l, m);
      } while (Math.abs(D(e, l)) > EPS * tst1);
    }
    setD(d, l, D(d, l) + f);
    setD(e, l, 0);
  }
  return 0;
}

// @ts-ignore: decorator
@inline function D(v: usize, i: i32): f64 {
  return load<f64>(v + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function setD(v: usize, i: i32, x: f64): void {
  store<f64>(v + (<usize>i << 3), x);
}

/** sqrt(x² + y²) without overflow or harmful underflow (directly when the squares are safe). */
export function hypot(x: f64, y: f64): f64 {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const big = Math.max(ax, ay);
  if (big < 1e150 && big > 1e-150) return Math.sqrt(ax * ax + ay * ay);
  if (big == 0) return 0;
  const small = Math.min(ax, ay) / big;
  return big * Math.sqrt(1 + small * small);
}

/**
 * Applies one QL sweep's rotations, i = m-1 down to l, to the rows of z (n x n, row-major):
 *   z_i+1 <- s_i z_i + c_i z_i+1,   z_i <- c_i z_i - s_i z_i+1
 * Column block by column block, carrying the row being rotated in registers, so each element is
 * loaded and stored once per sweep.
 */
function applySweep(n: i32, z: usize, cs: usize, l: i32, m: i32): void {
  const stride = <usize>n << 3;
  const top = z + <usize>l * stride;
  const bottom = z + <usize>m * stride;
  let col = 0;
  for (; col + 8 <= n; col += 8) {
    const oc = <usize>col << 3;
    let x0 = v128.load(bottom + oc);
    let x1 = v128.load(bottom + oc + 16);
    let x2 = v128.load(bottom + oc + 32);
    let x3 = v128.load(bottom + oc + 48);
    let row = bottom + oc;
    for (let i = m - 1; i >= l; i--) {
      const o = cs + (<usize>i << 4);
      const c = v128.load64_splat(o);
      const s = v128.load64_splat(o + 8);
      const next = row - stride;
      const y0 = v128.load(next);
      const y1 = v128.load(next + 16);
      const y2 = v128.load(next + 32);
      const y3 = v128.load(next + 48);
      v128.store(row, f64x2.add(f64x2.mul(s, y0), f64x2.mul(c, x0)));
      v128.store(row + 16, f64x2.add(f64x2.mul(s, y1), f64x2.mul(c, x1)));
      v128.store(row + 32, f64x2.add(f64x2.mul(s, y2), f64x2.mul(c, x2)));
      v128.store(row + 48, f64x2.add(f64x2.mul(s, y3), f64x2.mul(c, x3)));
      x0 = f64x2.sub(f64x2.mul(c, y0), f64x2.mul(s, x0));
      x1 = f64x2.sub(f64x2.mul(c, y1), f64x2.mul(s, x1));
      x2 = f64x2.sub(f64x2.mul(c, y2), f64x2.mul(s, x2));
      x3 = f64x2.sub(f64x2.mul(c, y3), f64x2.mul(s, x3));
      row = next;
    }
    v128.store(top + oc, x0);
    v128.store(top + oc + 16, x1);
    v128.store(top + oc + 32, x2);
    v128.store(top + oc + 48, x3);
  }
  for (; col + 2 <= n; col += 2) {
    const oc = <usize>col << 3;
    let x0 = v128.load(bottom + oc);
    let row = bottom + oc;
    for (let i = m - 1; i >= l; i--) {
      const o = cs + (<usize>i << 4);
      const c = v128.load64_splat(o);
      const s = v128.load64_splat(o + 8);
      const next = row - stride;
      const y0 = v128.load(next);
      v128.store(row, f64x2.add(f64x2.mul(s, y0), f64x2.mul(c, x0)));
      x0 = f64x2.sub(f64x2.mul(c, y0), f64x2.mul(s, x0));
      row = next;
    }
    v128.store(top + oc, x0);
  }
  for (; col < n; col++) {
    const oc = <usize>col << 3;
    let x = load<f64>(bottom + oc);
    let row = bottom + oc;
    for (let i = m - 1; i >= l; i--) {
      const o = cs + (<usize>i << 4);
      const c = load<f64>(o);
      const s = load<f64>(o + 8);
      const next = row - stride;
      const y = load<f64>(next);
      store<f64>(row, s * y + c * x);
      x = c * y - s * x;
      row = next;
    }
    store<f64>(top + oc, x);
  }
}
