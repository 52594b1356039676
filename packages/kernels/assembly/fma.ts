/**
 * The one multiply-add the relaxed-SIMD build fuses:
 *
 *   fmadd(a, b, c) = a b + c, lane-wise,
 *
 * `f32x4/f64x2.relaxed_madd` in the relaxed build (asc --enable relaxed-simd, so the compile-time
 * constant ASC_FEATURE_RELAXED_SIMD is true): one rounding where the engine has FMA (V8 on x64 with
 * FMA3, arm64), or a product and a sum where it has not — the spec lets the engine choose. In the plain
 * build it is `v128.add(c, v128.mul(a, b))`: two roundings, the very instructions the kernels had
 * before (operands in that order, so the plain .wasm is byte-for-byte what it was). One source, two
 * builds.
 *
 * Only gemm's micro-kernel calls it (gemm-kernels.ts): the one place where a multiply-add chain is
 * the whole cost. Everything built on gemm fuses with it: conv (im2col + gemm), dense layers, and
 * the blocked eigh / QR updates. Optimizer updates, gemv, dot, reductions, the NN activations and
 * the transcendental functions keep their plain arithmetic in both builds (they are bound by memory
 * or by exp, not by multiply-adds), so they give the same bits whichever build is loaded. Muon's
 * Newton-Schulz and Shampoo/SOAP's roots are gemm / eigh in @descent/core: their results move by
 * rounding in the relaxed build (their tests compare with tolerances, never bit-for-bit).
 */
// @ts-ignore: decorator
@inline export function fmadd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(c, v128.mul<T>(a, b));
}
