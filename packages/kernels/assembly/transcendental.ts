/**
 * SIMD transcendentals for the NN kernels (nn.ts, softmax.ts, losses.ts), generic over f32
 * (f32x4) and f64 (f64x2): exp, expm1, tanh, sigmoid, log1p on [0, 1], and the normal CDF Φ via
 * erfcx. Not exported from the module: building blocks, not kernels. Every function takes and
 * returns one vector; NaN lanes stay NaN.
 *
 * Accuracy (measured by nn.test.ts over dense grids against Math.* / a 50-digit fit):
 * f32 within a few ulp, f64 within ~1e-15 relative, over the whole range where the result is a
 * normal number. Polynomials are Taylor series of the reduced argument (f32 degree 7, f64
 * degree 13 for exp), the erfcx series is a Chebyshev fit made by
 * test/fixtures/nn/erfc_chebyshev.py.
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

// The tail of an element-wise kernel: its last m < lanes elements go through the same vector code
// as the rest, loaded into (and stored from) a 16-byte scratch slot.
const TAIL = memory.data(16, 16);

/** The m < lanes elements at p in the low lanes of a vector, the other lanes set to `fill`. */
// @ts-ignore: decorator
@inline export function loadTail<T>(p: usize, m: i32, fill: f64 = 0): v128 {
  v128.store(TAIL, splat<T>(fill));
  memory.copy(TAIL, p, <usize>m * sizeof<T>());
  return v128.load(TAIL);
}

/** Stores the low m lanes of v at p. */
// @ts-ignore: decorator
@inline export function storeTail<T>(p: usize, v: v128, m: i32): void {
  v128.store(TAIL, v);
  memory.copy(p, TAIL, <usize>m * sizeof<T>());
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

/** 2^k for integer-valued lanes k inside the normal exponent range (the bits built directly). */
// @ts-ignore: decorator
@inline function pow2<T>(k: v128): v128 {
  if (sizeof<T>() == 4) {
    return i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23);
  }
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  return i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52);
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
 * exp(x) = 2^k (1 + expm1(r)). The scale 2^k is applied as 2^floor(k/2) * 2^(k - floor(k/2)) so
 * that results in the subnormal range round once instead of flushing, and overflow gives +inf.
 */
// @ts-ignore: decorator
@inline export function vexp<T>(x: v128): v128 {
  x = sizeof<T>() == 4 ? clamp<T>(x, -104, 89) : clamp<T>(x, -746, 710);
  const k = reductionK<T>(x);
  const r = reduce<T>(x, k);
  const k1 = v128.floor<T>(v128.mul<T>(k, splat<T>(0.5)));
  const k2 = v128.sub<T>(k, k1);
  const y = v128.add<T>(splat<T>(1), expm1Reduced<T>(r));
  return v128.mul<T>(v128.mul<T>(y, pow2<T>(k1)), pow2<T>(k2));
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

/**
 * log1p(u) for u in [0, 1]: 2 atanh(s) = 2 s (1 + s²/3 + s⁴/5 + ...), s = u / (2 + u) <= 1/3,
 * to s^14 (f32) or s^32 (f64).
 */
// @ts-ignore: decorator
@inline export function vlog1pUnit<T>(u: v128): v128 {
  const s = v128.div<T>(u, v128.add<T>(u, splat<T>(2)));
  const w = v128.mul<T>(s, s);
  const top = sizeof<T>() == 4 ? 7 : 16;
  let q = splat<T>(1.0 / <f64>(2 * top + 1));
  for (let j = top - 1; j >= 0; j--) q = madd<T>(q, w, splat<T>(1.0 / <f64>(2 * j + 1)));
  return v128.mul<T>(v128.add<T>(s, s), q);
}

// Chebyshev coefficients c_k of h(s) = log(erfcx(z) / t), t = 2/(2+z), s = 2t - 1 (see
// test/fixtures/nn/erfc_chebyshev.py, which printed them).
const ERFCX_F64 = memory.data<f64>([
  -0.6513268598908547171, 0.6419697923564902603, 0.019476473204185836312, -0.0095615147868086316419,
  -0.0009465953444820368663, 0.00036683949785276145187, 0.000042523324806907771645,
  -0.000020278578112534243154, -1.6242900046470255135e-6, 1.3036558355805232018e-6,
  1.5626441722066143178e-8, -8.5238095914926542525e-8, 6.5290544390988514964e-9,
  5.0593434955514689418e-9, -9.9136415649303308674e-10, -2.2736512229318358557e-10,
  9.646791102015526802e-11, 2.3940380830391147447e-12, -6.8860275264975533984e-12,
  8.9448792730907257167e-13, 3.1309213993429580783e-13, -1.1270822361367252366e-13,
  3.8109052551892320552e-16, 7.1060976136092369878e-15, -1.5230282014571043043e-15,
  -9.4574945712912340005e-17, 1.2102371892242789923e-16, -2.8166630877471769718e-17,
]);
const ERFCX_F32 = memory.data<f32>([
  -0.6513268598908547171, 0.6419697923564902603, 0.019476473204185836312, -0.0095615147868086316419,
  -0.0009465953444820368663, 0.00036683949785276145187, 0.000042523324806907771645,
  -0.000020278578112534243154, -1.6242900046470255135e-6, 1.3036558355805232018e-6,
  1.5626441722066143178e-8, -8.5238095914926542525e-8, 6.5290544390988514964e-9,
  5.0593434955514689418e-9,
]);

/**
 * erfcx(z) = erfc(z) e^{z²} = t exp(Σ_k c_k T_k(s)) for z >= 0, t = 2/(2+z), s = 2t - 1; the
 * series is summed with Clenshaw's recurrence b_k = c_k + 2 s b_{k+1} - b_{k+2}.
 */
function verfcx<T>(z: v128): v128 {
  const t = v128.div<T>(splat<T>(2), v128.add<T>(z, splat<T>(2)));
  const s = v128.sub<T>(v128.add<T>(t, t), splat<T>(1));
  const s2 = v128.add<T>(s, s);
  const table = sizeof<T>() == 4 ? ERFCX_F32 : ERFCX_F64;
  const n = sizeof<T>() == 4 ? 14 : 28;
  let b1 = splat<T>(0);
  let b2 = splat<T>(0);
  for (let k = n - 1; k >= 1; k--) {
    const c = v128.splat<T>(load<T>(table + <usize>k * sizeof<T>()));
    const b0 = v128.sub<T>(madd<T>(s2, b1, c), b2);
    b2 = b1;
    b1 = b0;
  }
  const c0 = v128.splat<T>(load<T>(table));
  const h = v128.sub<T>(madd<T>(s, b1, c0), b2);
  return v128.mul<T>(t, vexp<T>(h));
}

/** a = min(|x|, cap): beyond the cap Φ(-a) underflows to 0 and Φ(a) rounds to 1. */
// @ts-ignore: decorator
@inline export function normalAbs<T>(x: v128): v128 {
  return v128.min<T>(v128.abs<T>(x), splat<T>(sizeof<T>() == 4 ? 14 : 40));
}

/**
 * exp(-a²/2) without the rounding error of a² in the exponent: a = a_h + a_l with a_h holding
 * half the significand bits, so a_h² is exact and a² = a_h² + (a - a_h)(a + a_h).
 */
// @ts-ignore: decorator
@inline export function vgaussian<T>(a: v128): v128 {
  const mask = sizeof<T>() == 4 ? i32x4.splat(0xfffff000) : i64x2.splat(0xfffffffff8000000);
  const ah = v128.and(a, mask);
  const lo = v128.mul<T>(v128.sub<T>(a, ah), v128.add<T>(a, ah));
  const hi = v128.mul<T>(ah, ah);
  const half = splat<T>(-0.5);
  return v128.mul<T>(vexp<T>(v128.mul<T>(hi, half)), vexp<T>(v128.mul<T>(lo, half)));
}

/**
 * The standard normal CDF Φ(x) = erfc(-x/√2)/2, given a = normalAbs(x) and g = vgaussian(a).
 * The upper tail Q = erfc(a/√2)/2 = erfcx(a/√2) exp(-a²/2)/2 keeps full relative accuracy;
 * Φ(x) = Q for x < 0 and 1 - Q for x >= 0.
 */
// @ts-ignore: decorator
@inline export function vnormalCdf<T>(x: v128, a: v128, g: v128): v128 {
  const z = v128.mul<T>(a, splat<T>(0.7071067811865476));
  const q = v128.mul<T>(v128.mul<T>(verfcx<T>(z), g), splat<T>(0.5));
  return v128.bitselect(q, v128.sub<T>(splat<T>(1), q), v128.lt<T>(x, splat<T>(0)));
}
