/**
 * The one multiply-add the relaxed-SIMD build fuses:
 *
 *   fmadd(a, b, c) = a b + c, lane-wise,
 *
 * `f32x4/f64x2.relaxed_madd` in the relaxed build (asc --enable relaxed-simd, so the compile-time
 * constant ASC_FEATURE_RELAXED_SIMD is true): one rounding where the engine has FMA (V8 on x64 with
 * FMA3, arm64), or a product and a sum where it has not — the spec lets the engine choose. In the plain
 * build it is `v128.add(c, v128.mul(a, b))`: two roundings, the very instructions the kernels had
before (operands in that order, so the plain .wasm is byte-for-byte what it was). One source, two
builds.
 *
 * Only the kernels whose cost is a multiply-add chain call it: gemm's micro-kernel (and so conv and
 * every dense layer, which are gemms), gemv and dot. Optimizer updates, reductions and the
 * transcendental functions keep their plain arithmetic in both builds, so they give the same bits
 * whichever build is loaded.
 */
// @ts-ignore: decorator
@inline export function fmadd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(c, v128.mul<T>(a, b));
}
