/**
 * SIMD transcendentals for the NN kernels (nn.ts, softmax.ts, losses.ts), generic over f32
 * (f32x4) and f64 (f64x2): exp, expm1, tanh, sigmoid, log1p on [0, 1], and the normal CDF Φ via
 * erfcx; plus the few vector helpers those kernels share (lane sums, tails). Exported to those
 * files only, not from the module: building blocks, not kernels. Every function takes and returns
 * whole vectors; NaN lanes stay NaN.
 *
 * Accuracy (src/nn-accuracy.test.ts, dense grids against Math.* and 50-digit mpmath values):
 * sigmoid and tanh within 2 ulp (f32) / 6e-16 relative (f64), GELU within 8 ulp / 1e-14, wherever
 * the result is a normal number. exp is a Taylor polynomial of the reduced argument (f32 degree
 * 7, f64 degree 13); erfcx's polynomial is a Chebyshev fit made by
 * test/fixtures/nn/erfc_chebyshev.py. Nothing falls back to scalar Math calls per element.
 */

// @ts-ignore: decorator
@inline export function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

// @ts-ignore: decorator
@inline export function splat<T>(c: f64): v128 {
  return v128.splat<T>(<T>c);
}

/** The sum of a vector's lanes. */
// @ts-ignore: decorator
@inline export function hsum<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    return <T>(f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
  }
  return <T>(f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1));
}

/** The largest lane (NaN if any lane is NaN). */
// @ts-ignore: decorator
@inline export function hmax<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    return <T>max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
  }
  return <T>max(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
}

/** acc + the lanes of t widened to f64 (f32: both halves added to one f64x2 accumulator). */
// @ts-ignore: decorator
@inline export function addWide<T>(acc: v128, t: v128): v128 {
  if (sizeof<T>() == 4) {
    const lo = f64x2.promote_low_f32x4(t);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<i32>(t, t, 2, 3, 0, 1));
    return f64x2.add(acc, f64x2.add(lo, hi));
  }
  return f64x2.add(acc, t);
}

// The tail of an element-wise kernel: its last m (1 <= m < lanes) elements go through the same
// vector code as the rest, moved lane by lane (no memory.copy call for a few bytes).

/** The m elements at p in the low lanes of a vector, the other lanes set to `fill`. */
// @ts-ignore: decorator
@inline export function loadTail<T>(p: usize, m: i32, fill: f64 = 0): v128 {
  let v = splat<T>(fill);
  if (sizeof<T>() == 4) {
    v = f32x4.replace_lane(v, 0, load<f32>(p));
    if (m > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
    if (m > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
    return v;
  }
  return f64x2.replace_lane(v, 0, load<f64>(p));
}

/** Stores the low m lanes of v at p. */
// @ts-ignore: decorator
@inline export function storeTail<T>(p: usize, v: v128, m: i32): void {
  if (sizeof<T>() == 4) {
    store<f32>(p, f32x4.extract_lane(v, 0));
    if (m > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
    if (m > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
    return;
  }
  store<f64>(p, f64x2.extract_lane(v, 0));
}

/** All ones in the lanes below m, zeros above: v128.and(v, tailMask) zeroes the padding lanes. */
// @ts-ignore: decorator
@inline export function tailMask<T>(m: i32): v128 {
  if (sizeof<T>() == 4) return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(m));
  return i64x2.lt_s(i64x2(0, 1), i64x2.splat(<i64>m));
}

/** a * b + c, lane-wise. */
// @ts-ignore: decorator
@inline export function madd<T>(a: v128, b: v128, c: v128): v128 {
  return v128.add<T>(v128.mul<T>(a, b), c);
}

/** max(lo, min(hi, x)); NaN lanes stay NaN (wasm min/max propagate NaN). */
// @ts-ignore: decorator
@inline function clamp<T>(x: v128, lo: f64, hi: f64): v128 {
  return v128.max<T>(v128.min<T>(x, splat<T>(hi)), splat<T>(lo));
}

/** The sign bit of every lane. */
// @ts-ignore: decorator
@inline export function signBits<T>(x: v128): v128 {
  return v128.and(x, splat<T>(-0.0));
}

/**
 * 2^k for integer-valued lanes k inside the normal exponent range, the bits built directly: adding
 * 1.5·2^23 (f32) or 1.5·2^52 (f64) puts k in the low significand bits, which are then moved into
 * the exponent field (cheaper than a saturating float -> int conversion).
 */
// @ts-ignore: decorator
@inline function pow2<T>(k: v128): v128 {
  if (sizeof<T>() == 4) {
    const b = f32x4.add(k, f32x4.splat(12582912.0));
    return i32x4.shl(i32x4.add(b, i32x4.splat(127 - 0x4b400000)), 23);
  }
  const b = f64x2.add(k, f64x2.splat(6755399441055744.0));
  return i64x2.shl(i64x2.add(b, i64x2.splat(1023 - 0x4338000000000000)), 52);
}

/**
 * expm1(r) = r + r²/2! + ... for |r| <= ln2/2: degree 7 (f32, truncation 1.5e-8) or degree 13
 * (f64, truncation 1.2e-17), Horner on r²(1/2! + r(1/3! + ...)).
 */
// @ts-ignore: decorator
@inline function expm1Reduced<T>(r: v128): v128 {
  let q: v128;
  if (sizeof<T>() == 4) {
    q = splat<T>(1.0 / 5040);
    q = madd<T>(q, r, splat<T>(1.0 / 720));
  } else {
    q = splat<T>(1.6059043836821613e-10);
    q = madd<T>(q, r, splat<T>(2.08767569878681e-9));
    q = madd<T>(q, r, splat<T>(2.505210838544172e-8));
    q = madd<T>(q, r, splat<T>(2.755731922398589e-7));
    q = madd<T>(q, r, splat<T>(2.7557319223985893e-6));
    q = madd<T>(q, r, splat<T>(2.48015873015873e-5));
    q = madd<T>(q, r, splat<T>(1.984126984126984e-4));
    q = madd<T>(q, r, splat<T>(1.388888888888889e-3));
  }
  q = madd<T>(q, r, splat<T>(8.333333333333333e-3));
  q = madd<T>(q, r, splat<T>(4.1666666666666664e-2));
  q = madd<T>(q, r, splat<T>(1.6666666666666666e-1));
  q = madd<T>(q, r, splat<T>(0.5));
  return madd<T>(v128.mul<T>(r, r), q, r);
}

/** k = round(x / ln2), the exponent of the range reduction x = k ln2 + r. */
// @ts-ignore: decorator
@inline function reductionK<T>(x: v128): v128 {
  return v128.nearest<T>(v128.mul<T>(x, splat<T>(1.4426950408889634)));
}

/** r = x - k ln2, |r| <= ln2/2, with ln2 split in two (Cody-Waite) so x - k ln2_hi is exact. */
// @ts-ignore: decorator
@inline function reduce<T>(x: v128, k: v128): v128 {
  if (sizeof<T>() == 4) {
    const r = v128.sub<T>(x, v128.mul<T>(k, splat<T>(0.693359375)));
    return v128.sub<T>(r, v128.mul<T>(k, splat<T>(-2.12194440e-4)));
  }
  const r = v128.sub<T>(x, v128.mul<T>(k, splat<T>(6.93147180369123816490e-1)));
  return v128.sub<T>(r, v128.mul<T>(k, splat<T>(1.90821492927058770002e-10)));
}

/**
 * 2^k (1 + expm1(r)), the scale applied as 2^floor(k/2) * 2^(k - floor(k/2)) so that results in
 * the subnormal range round once instead of flushing, and overflow gives +inf.
 */
// @ts-ignore: decorator
@inline function scaleExp<T>(k: v128, r: v128): v128 {
  const k1 = v128.floor<T>(v128.mul<T>(k, splat<T>(0.5)));
  const k2 = v128.sub<T>(k, k1);
  const y = v128.add<T>(splat<T>(1), expm1Reduced<T>(r));
  return v128.mul<T>(v128.mul<T>(y, pow2<T>(k1)), pow2<T>(k2));
}

/** exp(x) = 2^k (1 + expm1(r)), x = k ln2 + r. */
// @ts-ignore: decorator
@inline export function vexp<T>(x: v128): v128 {
  x = sizeof<T>() == 4 ? clamp<T>(x, -104, 89) : clamp<T>(x, -746, 710);
  const k = reductionK<T>(x);
  return scaleExp<T>(k, reduce<T>(x, k));
}

/**
 * exp(A + B) for a large A <= 0 that is exact with few significand bits (A = -a_h²/2 below) and
 * a small B: r = (A - k ln2_hi) + B - k ln2_lo, where A - k ln2_hi is exact (both are multiples
 * of one small power of two, and their difference is below 2), so A's size adds no rounding.
 * Domain: A + B >= -810 (f64) / -110 (f32), which the normal CDF's cap guarantees.
 */
// @ts-ignore: decorator
@inline function vexpSum<T>(A: v128, B: v128): v128 {
  const k = reductionK<T>(v128.add<T>(A, B));
  let r: v128;
  if (sizeof<T>() == 4) {
    r = v128.add<T>(v128.sub<T>(A, v128.mul<T>(k, splat<T>(0.693359375))), B);
    r = v128.sub<T>(r, v128.mul<T>(k, splat<T>(-2.12194440e-4)));
  } else {
    r = v128.add<T>(v128.sub<T>(A, v128.mul<T>(k, splat<T>(6.93147180369123816490e-1))), B);
    r = v128.sub<T>(r, v128.mul<T>(k, splat<T>(1.90821492927058770002e-10)));
  }
  return scaleExp<T>(k, r);
}

/** expm1(x) = 2^k expm1(r) + (2^k - 1), accurate relative to the result also near 0; x <= 0. */
function vexpm1Neg<T>(x: v128): v128 {
  x = clamp<T>(x, -64, 0);
  const k = reductionK<T>(x);
  const r = reduce<T>(x, k);
  const s = pow2<T>(k);
  return madd<T>(s, expm1Reduced<T>(r), v128.sub<T>(s, splat<T>(1)));
}

/** tanh(x) = sign(x) * (-m / (2 + m)), m = expm1(-2|x|): no cancellation near 0, no overflow. */
// @ts-ignore: decorator
@inline export function vtanh<T>(x: v128): v128 {
  const m = vexpm1Neg<T>(v128.mul<T>(v128.abs<T>(x), splat<T>(-2)));
  const t = v128.div<T>(v128.neg<T>(m), v128.add<T>(m, splat<T>(2)));
  return v128.or(v128.abs<T>(t), signBits<T>(x)); // abs: m = -0 gives t = -0
}

/**
 * sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, e = exp(-|x|) <= 1: never
 * overflows, and keeps full relative accuracy in the tail (sigmoid(-100) = 3.7e-44, not 0).
 */
// @ts-ignore: decorator
@inline export function vsigmoid<T>(x: v128): v128 {
  const e = vexp<T>(v128.neg<T>(v128.abs<T>(x)));
  const num = v128.bitselect(splat<T>(1), e, v128.ge<T>(x, splat<T>(0)));
  return v128.div<T>(num, v128.add<T>(splat<T>(1), e));
}

// 1/(2j + 1), j = 0..16: the atanh series' coefficients.
const INV_ODD_F64 = memory.data<f64>([
  1.0, 1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21,
  1.0 / 23, 1.0 / 25, 1.0 / 27, 1.0 / 29, 1.0 / 31, 1.0 / 33,
]);
const INV_ODD_F32 = memory.data<f32>([
  1.0, 1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13, 1.0 / 15,
]);

/**
 * log1p(u) for u in [0, 1]: 2 atanh(s) = 2 s (1 + s²/3 + s⁴/5 + ...), s = u / (2 + u) <= 1/3,
 * to s^14 (f32) or s^32 (f64).
 */
// @ts-ignore: decorator
@inline export function vlog1pUnit<T>(u: v128): v128 {
  const s = v128.div<T>(u, v128.add<T>(u, splat<T>(2)));
  const w = v128.mul<T>(s, s);
  const table = sizeof<T>() == 4 ? INV_ODD_F32 : INV_ODD_F64;
  const top = sizeof<T>() == 4 ? 7 : 16;
  let q = v128.load_splat<T>(table + <usize>top * sizeof<T>());
  for (let j = top - 1; j >= 0; j--) q = madd<T>(q, w, v128.load_splat<T>(table + <usize>j * sizeof<T>()));
  return v128.mul<T>(v128.add<T>(s, s), q);
}

// h(s) = log(erfcx(z) / t) = Σ_j a_j s^j, t = 2/(2+z), s = 2t - 1: a Chebyshev fit converted to
// monomial coefficients a_0..a_N by test/fixtures/nn/erfc_chebyshev.py, which printed them.
const ERFCX_F64 = memory.data<f64>([
  -0.671794084056692266, 0.67264322397765672764, 0.047343306841904428319,
  -0.046895610231175296479, -0.0098726893663899585729, 0.008824938557060623171,
  0.0017589335577990160867, -0.0023458125004828533504, -0.00014624686337800336423,
  0.00067367879558023495912, -0.000093735031170981704879, -0.00017430294720307621998,
  0.0000714010141275703064, 0.000031745179749437403869, -0.000030187884551394244299,
  1.3772664134464418368e-7, 8.562623420121285649e-6, -2.9479868769982592501e-6,
  -1.27231190486886998e-6, 1.2500276612569753517e-6, -1.6849800720653297471e-7,
  -2.4958327617196670135e-7, 1.5334345920908176839e-7, 1.444865804625267546e-9,
  -3.9171820510271858252e-8, 1.1172352263623757873e-8, 4.0608821469697202197e-9,
  -1.8902306008944536579e-9,
]);
const ERFCX_F32 = memory.data<f32>([
  -0.67179408515172142804, 0.67264322054600843326, 0.04734341752106750045,
  -0.04689548216099500058, -0.0098745349182913754735, 0.0088235581776450398644,
  0.0017706661186296710207, -0.0023392777240525919358, -0.00018278214171601266745,
  0.00065795384777102352661, -0.000032113772312125478287, -0.0001546337908296659341,
  0.000013371503491274447865, 0.000020723070957778816786,
]);

/**
 * erfcx(z) = erfc(z) e^{z²} = t exp(h(s)) for z >= 0, t = 2/(2+z), s = 2t - 1, h by Horner's
 * rule (degree 13 for f32, 27 for f64). Returns h for the given t (the caller folds exp(h) into
 * its own exp).
 */
// @ts-ignore: decorator
@inline function erfcxLog<T>(t: v128): v128 {
  const s = v128.sub<T>(v128.add<T>(t, t), splat<T>(1));
  const table = sizeof<T>() == 4 ? ERFCX_F32 : ERFCX_F64;
  const top = sizeof<T>() == 4 ? 13 : 27;
  let h = v128.load_splat<T>(table + <usize>top * sizeof<T>());
  for (let j = top - 1; j >= 0; j--) h = madd<T>(h, s, v128.load_splat<T>(table + <usize>j * sizeof<T>()));
  return h;
}

/** a = min(|x|, cap): beyond the cap Φ(-a) underflows to 0 and Φ(a) rounds to 1. */
// @ts-ignore: decorator
@inline export function normalAbs<T>(x: v128): v128 {
  return v128.min<T>(v128.abs<T>(x), splat<T>(sizeof<T>() == 4 ? 14 : 40));
}

/**
 * -a²/2 split as A + B without rounding: a = a_h + a_l with a_h holding half the significand
 * bits, so A = -a_h²/2 is exact and B = -(a - a_h)(a + a_h)/2 is small.
 */
// @ts-ignore: decorator
@inline function halfSquareHi<T>(a: v128): v128 {
  const ah = v128.and(a, sizeof<T>() == 4 ? i32x4.splat(0xfffff000) : i64x2.splat(0xfffffffff8000000));
  return v128.mul<T>(v128.mul<T>(ah, ah), splat<T>(-0.5));
}

// @ts-ignore: decorator
@inline function halfSquareLo<T>(a: v128): v128 {
  const ah = v128.and(a, sizeof<T>() == 4 ? i32x4.splat(0xfffff000) : i64x2.splat(0xfffffffff8000000));
  return v128.mul<T>(v128.mul<T>(v128.sub<T>(a, ah), v128.add<T>(a, ah)), splat<T>(-0.5));
}

/** exp(-a²/2), a >= 0, without the rounding error of a² in the exponent. */
// @ts-ignore: decorator
@inline export function vgaussian<T>(a: v128): v128 {
  return vexpSum<T>(halfSquareHi<T>(a), halfSquareLo<T>(a));
}

/**
 * The standard normal CDF Φ(x) = erfc(-x/√2)/2, given a = normalAbs(x). The upper tail
 * Q = erfc(a/√2)/2 = t exp(h - a²/2)/2 (one exp) keeps full relative accuracy;
 * Φ(x) = Q for x < 0 and 1 - Q for x >= 0.
 */
// @ts-ignore: decorator
@inline export function vnormalCdf<T>(x: v128, a: v128): v128 {
  const z = v128.mul<T>(a, splat<T>(0.7071067811865476));
  const t = v128.div<T>(splat<T>(2), v128.add<T>(z, splat<T>(2)));
  const h = erfcxLog<T>(t);
  const e = vexpSum<T>(halfSquareHi<T>(a), v128.add<T>(h, halfSquareLo<T>(a)));
  const q = v128.mul<T>(v128.mul<T>(t, e), splat<T>(0.5));
  return v128.bitselect(q, v128.sub<T>(splat<T>(1), q), v128.lt<T>(x, splat<T>(0)));
}
