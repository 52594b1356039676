/**
 * Row operations shared by the f64 factorizations (cholesky.ts, lu.ts, eigh.ts). Each works on
 * `len` contiguous f64 values: a v128 loop over two lanes (unrolled twice), then the scalar tail.
 * Not exported from the module: these are building blocks, not kernels.
 */

/** Σ_{k<len} x[k] y[k]. Reads x, y. */
export function rowDot(len: i32, x: usize, y: usize): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const o = <usize>k << 3;
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(x + o + 16), v128.load(y + o + 16)));
  }
  if (k + 2 <= len) {
    const o = <usize>k << 3;
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
    k += 2;
  }
  acc0 = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
  for (; k < len; k++) {
    const o = <usize>k << 3;
    s += load<f64>(x + o) * load<f64>(y + o);
  }
  return s;
}

/** y[k] += alpha x[k] for k < len. Reads x, writes y (x and y must not overlap partially). */
export function rowAxpy(len: i32, alpha: f64, x: usize, y: usize): void {
  const va = f64x2.splat(alpha);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const o = <usize>k << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(va, v128.load(x + o))));
    v128.store(y + o + 16, f64x2.add(v128.load(y + o + 16), f64x2.mul(va, v128.load(x + o + 16))));
  }
  if (k + 2 <= len) {
    const o = <usize>k << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(va, v128.load(x + o))));
    k += 2;
  }
  for (; k < len; k++) {
    const o = <usize>k << 3;
    store<f64>(y + o, load<f64>(y + o) + alpha * load<f64>(x + o));
  }
}

/** Swaps x[k] and y[k] for k < len. */
export function rowSwap(len: i32, x: usize, y: usize): void {
  let k = 0;
  for (; k + 2 <= len; k += 2) {
    const o = <usize>k << 3;
    const t = v128.load(x + o);
    v128.store(x + o, v128.load(y + o));
    v128.store(y + o, t);
  }
  for (; k < len; k++) {
    const o = <usize>k << 3;
    const t = load<f64>(x + o);
    store<f64>(x + o, load<f64>(y + o));
    store<f64>(y + o, t);
  }
}

/**
 * One row of a symmetric matrix-vector product from the lower triangle, in one pass:
 * p[k] += uj row[k] for k < len, and returns Σ_{k<len} row[k] u[k].
 */
export function rowDotAxpy(len: i32, row: usize, u: usize, p: usize, uj: f64): f64 {
  const vu = f64x2.splat(uj);
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const o = <usize>k << 3;
    const r0 = v128.load(row + o);
    const r1 = v128.load(row + o + 16);
    acc0 = f64x2.add(acc0, f64x2.mul(r0, v128.load(u + o)));
    acc1 = f64x2.add(acc1, f64x2.mul(r1, v128.load(u + o + 16)));
    v128.store(p + o, f64x2.add(v128.load(p + o), f64x2.mul(vu, r0)));
    v128.store(p + o + 16, f64x2.add(v128.load(p + o + 16), f64x2.mul(vu, r1)));
  }
  if (k + 2 <= len) {
    const o = <usize>k << 3;
    const r0 = v128.load(row + o);
    acc0 = f64x2.add(acc0, f64x2.mul(r0, v128.load(u + o)));
    v128.store(p + o, f64x2.add(v128.load(p + o), f64x2.mul(vu, r0)));
    k += 2;
  }
  acc0 = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1);
  for (; k < len; k++) {
    const o = <usize>k << 3;
    const r = load<f64>(row + o);
    s += r * load<f64>(u + o);
    store<f64>(p + o, load<f64>(p + o) + uj * r);
  }
  return s;
}

/** Symmetric rank-2 update of one row: row[k] -= uj q[k] + qj u[k] for k < len. */
export function rowRank2(len: i32, row: usize, u: usize, q: usize, uj: f64, qj: f64): void {
  const vu = f64x2.splat(uj);
  const vq = f64x2.splat(qj);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const o = <usize>k << 3;
    const t0 = f64x2.add(f64x2.mul(vu, v128.load(q + o)), f64x2.mul(vq, v128.load(u + o)));
    const t1 = f64x2.add(f64x2.mul(vu, v128.load(q + o + 16)), f64x2.mul(vq, v128.load(u + o + 16)));
    v128.store(row + o, f64x2.sub(v128.load(row + o), t0));
    v128.store(row + o + 16, f64x2.sub(v128.load(row + o + 16), t1));
  }
  if (k + 2 <= len) {
    const o = <usize>k << 3;
    const t0 = f64x2.add(f64x2.mul(vu, v128.load(q + o)), f64x2.mul(vq, v128.load(u + o)));
    v128.store(row + o, f64x2.sub(v128.load(row + o), t0));
    k += 2;
  }
  for (; k < len; k++) {
    const o = <usize>k << 3;
    store<f64>(row + o, load<f64>(row + o) - (uj * load<f64>(q + o) + qj * load<f64>(u + o)));
  }
}
