/**
 * Level-1 BLAS, generic over f32/f64. Each loop runs over v128 lanes (4 x f32 or 2 x f64) and then
 * a scalar tail for the remaining n % lanes elements. Pointers are byte addresses into memory.
 * Unless a kernel says otherwise, x and y must not partially overlap (x == y is fine).
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

/** sum_i x[i] * y[i]. Reads x, y. */
function dot<T>(n: i32, x: usize, y: usize): T {
  const L = lanes<T>();
  const step = 16;
  let acc0 = v128.splat<T>(0);
  let acc1 = v128.splat<T>(0);
  let i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const o = <usize>i * sizeof<T>();
    acc0 = v128.add<T>(acc0, v128.mul<T>(v128.load(x + o), v128.load(y + o)));
    acc1 = v128.add<T>(acc1, v128.mul<T>(v128.load(x + o + step), v128.load(y + o + step)));
  }
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    acc0 = v128.add<T>(acc0, v128.mul<T>(v128.load(x + o), v128.load(y + o)));
  }
  acc0 = v128.add<T>(acc0, acc1);
  let s: T = 0;
  for (let l = 0; l < L; l++) s += laneOf<T>(acc0, l);
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    s += load<T>(x + o) * load<T>(y + o);
  }
  return s;
}

// @ts-ignore: decorator
@inline function laneOf<T>(v: v128, l: i32): T {
  if (sizeof<T>() == 4) {
    switch (l) {
      case 0: return <T>f32x4.extract_lane(v, 0);
      case 1: return <T>f32x4.extract_lane(v, 1);
      case 2: return <T>f32x4.extract_lane(v, 2);
      default: return <T>f32x4.extract_lane(v, 3);
    }
  }
  return l == 0 ? <T>f64x2.extract_lane(v, 0) : <T>f64x2.extract_lane(v, 1);
}

/** Sum of the lanes of v. */
// @ts-ignore: decorator
@inline function laneSum<T>(v: v128): T {
  let s: T = 0;
  for (let l = 0; l < lanes<T>(); l++) s += laneOf<T>(v, l);
  return s;
}

/** Largest lane of v (NaN if any lane is NaN). */
// @ts-ignore: decorator
@inline function laneMax<T>(v: v128): T {
  let s: T = laneOf<T>(v, 0);
  for (let l = 1; l < lanes<T>(); l++) s = max<T>(s, laneOf<T>(v, l));
  return s;
}

/** y[i] += a * x[i]. Reads x, reads and writes y. */
function axpy<T>(n: i32, a: T, x: usize, y: usize): void {
  const L = lanes<T>();
  const va = v128.splat<T>(a);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    v128.store(y + o, v128.add<T>(v128.load(y + o), v128.mul<T>(va, v128.load(x + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    store<T>(y + o, load<T>(y + o) + a * load<T>(x + o));
  }
}

/** x[i] *= a. Reads and writes x. */
function scal<T>(n: i32, a: T, x: usize): void {
  const L = lanes<T>();
  const va = v128.splat<T>(a);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    v128.store(x + o, v128.mul<T>(va, v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    store<T>(x + o, a * load<T>(x + o));
  }
}

/** y[i] = x[i]. Reads x, writes y. */
function copy<T>(n: i32, x: usize, y: usize): void {
  memory.copy(y, x, <usize>n * sizeof<T>());
}

/** sum_i x[i]. Reads x. */
function sum<T>(n: i32, x: usize): T {
  const L = lanes<T>();
  let acc0 = v128.splat<T>(0);
  let acc1 = v128.splat<T>(0);
  let i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const o = <usize>i * sizeof<T>();
    acc0 = v128.add<T>(acc0, v128.load(x + o));
    acc1 = v128.add<T>(acc1, v128.load(x + o + 16));
  }
  for (; i + L <= n; i += L) acc0 = v128.add<T>(acc0, v128.load(x + <usize>i * sizeof<T>()));
  let s = laneSum<T>(v128.add<T>(acc0, acc1));
  for (; i < n; i++) s += load<T>(x + <usize>i * sizeof<T>());
  return s;
}

/** sum_i x[i]^2, unscaled (may overflow or underflow; nrm2 does not). Reads x. */
function sumSquares<T>(n: i32, x: usize): T {
  return dot<T>(n, x, x);
}

/** max_i |x[i]| (0 for n = 0; NaN if any x[i] is NaN). Reads x. */
function maxAbs<T>(n: i32, x: usize): T {
  const L = lanes<T>();
  let m0 = v128.splat<T>(0);
  let m1 = v128.splat<T>(0);
  let i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const o = <usize>i * sizeof<T>();
    m0 = v128.max<T>(m0, v128.abs<T>(v128.load(x + o)));
    m1 = v128.max<T>(m1, v128.abs<T>(v128.load(x + o + 16)));
  }
  for (; i + L <= n; i += L) m0 = v128.max<T>(m0, v128.abs<T>(v128.load(x + <usize>i * sizeof<T>())));
  let m = laneMax<T>(v128.max<T>(m0, m1));
  for (; i < n; i++) m = max<T>(m, abs<T>(load<T>(x + <usize>i * sizeof<T>())));
  return m;
}

/**
 * ||x||_2 = sqrt(sum_i x[i]^2), without overflow or underflow. Reads x.
 *
 * Fast path: s = sum x_i^2 in one pass; if s is finite and not tiny, sqrt(s) is the answer.
 * Otherwise (huge or tiny values) a second, scaled pass, as LAPACK's dnrm2 does:
 *   t = max_i |x_i|,   ||x|| = t * sqrt(sum_i (x_i / t)^2),
 * where every (x_i / t)^2 <= 1, so nothing overflows and the largest terms cannot underflow.
 * NaN anywhere gives NaN; an infinity (and no NaN) gives +Inf.
 */
function nrm2<T>(n: i32, x: usize): T {
  const s = dot<T>(n, x, x);
  // Below `tiny`, squares under the smallest normal number could be a noticeable share of s.
  const tiny: T = sizeof<T>() == 4 ? <T>1e-25 : <T>1e-280;
  if (isFinite<T>(s) && s >= tiny) return sqrt<T>(s);
  const t = maxAbs<T>(n, x);
  if (t == 0 || !isFinite<T>(t)) return t;
  const L = lanes<T>();
  const vt = v128.splat<T>(t);
  let acc = v128.splat<T>(0);
  let i = 0;
  for (; i + L <= n; i += L) {
    const q = v128.div<T>(v128.load(x + <usize>i * sizeof<T>()), vt);
    acc = v128.add<T>(acc, v128.mul<T>(q, q));
  }
  let r = laneSum<T>(acc);
  for (; i < n; i++) {
    const q = load<T>(x + <usize>i * sizeof<T>()) / t;
    r += q * q;
  }
  return t * sqrt<T>(r);
}

/**
 * 1 if every x[i] is finite (no NaN, no ±Inf), else 0. Reads x.
 * x - x is 0 for a finite x and NaN for NaN or ±Inf; NaN survives any sum, so accumulators of
 * (x - x) say whether a non-finite value occurred. Four independent accumulators keep the adds
 * from waiting on each other; they are checked every 1024 elements to stop early.
 */
function allFinite<T>(n: i32, x: usize): i32 {
  const L = lanes<T>();
  let a0 = v128.splat<T>(0);
  let a1 = v128.splat<T>(0);
  let a2 = v128.splat<T>(0);
  let a3 = v128.splat<T>(0);
  let i = 0;
  while (i + 4 * L <= n) {
    const end = min(n - 4 * L + 1, i + 1024);
    for (; i < end; i += 4 * L) {
      const p = x + <usize>i * sizeof<T>();
      const v0 = v128.load(p);
      const v1 = v128.load(p, 16);
      const v2 = v128.load(p, 32);
      const v3 = v128.load(p, 48);
      a0 = v128.add<T>(a0, v128.sub<T>(v0, v0));
      a1 = v128.add<T>(a1, v128.sub<T>(v1, v1));
      a2 = v128.add<T>(a2, v128.sub<T>(v2, v2));
      a3 = v128.add<T>(a3, v128.sub<T>(v3, v3));
    }
    if (laneSum<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3))) != 0) return 0;
  }
  for (; i + L <= n; i += L) {
    const v = v128.load(x + <usize>i * sizeof<T>());
    a0 = v128.add<T>(a0, v128.sub<T>(v, v));
  }
  let s = laneSum<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)));
  for (; i < n; i++) {
    const v = load<T>(x + <usize>i * sizeof<T>());
    s += v - v;
  }
  return s == 0 ? 1 : 0;
}

export function dot_f32(n: i32, x: usize, y: usize): f32 { return dot<f32>(n, x, y); }
export function dot_f64(n: i32, x: usize, y: usize): f64 { return dot<f64>(n, x, y); }
export function axpy_f32(n: i32, a: f32, x: usize, y: usize): void { axpy<f32>(n, a, x, y); }
export function axpy_f64(n: i32, a: f64, x: usize, y: usize): void { axpy<f64>(n, a, x, y); }
export function scal_f32(n: i32, a: f32, x: usize): void { scal<f32>(n, a, x); }
export function scal_f64(n: i32, a: f64, x: usize): void { scal<f64>(n, a, x); }
export function copy_f32(n: i32, x: usize, y: usize): void { copy<f32>(n, x, y); }
export function copy_f64(n: i32, x: usize, y: usize): void { copy<f64>(n, x, y); }
export function sum_f32(n: i32, x: usize): f32 { return sum<f32>(n, x); }
export function sum_f64(n: i32, x: usize): f64 { return sum<f64>(n, x); }
export function sumSquares_f32(n: i32, x: usize): f32 { return sumSquares<f32>(n, x); }
export function sumSquares_f64(n: i32, x: usize): f64 { return sumSquares<f64>(n, x); }
export function maxAbs_f32(n: i32, x: usize): f32 { return maxAbs<f32>(n, x); }
export function maxAbs_f64(n: i32, x: usize): f64 { return maxAbs<f64>(n, x); }
export function nrm2_f32(n: i32, x: usize): f32 { return nrm2<f32>(n, x); }
export function nrm2_f64(n: i32, x: usize): f64 { return nrm2<f64>(n, x); }
export function allFinite_f32(n: i32, x: usize): i32 { return allFinite<f32>(n, x); }
export function allFinite_f64(n: i32, x: usize): i32 { return allFinite<f64>(n, x); }
