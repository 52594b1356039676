/**
 * LARS (You et al. 2017, "Large Batch Training of Convolutional Networks"), the two passes of
 * optax's `lars` (add_decayed_weights -> scale_by_trust_ratio -> scale_by_learning_rate -> trace),
 * generic over f32/f64:
 *
 *   larsNorms (scalar loop, f64 sums):  u = g + λ p;  out[0] = Σ p², out[1] = Σ u²
 *   larsApply (SIMD):
 *     u = scale (g + λ p)             scale = -η r,  r = c ‖p‖ / (‖u‖ + ε)  (1 when a norm is 0)
 *     t = u + μ t                     the momentum trace
 *     p = p + (nesterov ? u + μ t : t)          (flags & 1: nesterov)
 *
 * Reads g; reads and writes p and t. No two arrays may overlap.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

function larsNorms<T>(n: i32, p: usize, g: usize, out: usize, weightDecay: T): void {
  let pp: f64 = 0;
  let uu: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const pv = load<T>(p + o);
    const u: T = load<T>(g + o) + weightDecay * pv;
    pp += <f64>pv * <f64>pv;
    uu += <f64>u * <f64>u;
  }
  store<f64>(out, pp);
  store<f64>(out + 8, uu);
}

function larsApply<T>(n: i32, p: usize, g: usize, t: usize, weightDecay: T, scale: T, momentum: T, flags: i32): void {
  const L = lanes<T>();
  const nesterov = (flags & 1) != 0;
  const vwd = v128.splat<T>(weightDecay);
  const vscale = v128.splat<T>(scale);
  const vmu = v128.splat<T>(momentum);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const pv = v128.load(p + o);
    const u = v128.mul<T>(v128.add<T>(v128.load(g + o), v128.mul<T>(vwd, pv)), vscale);
    const tv = v128.add<T>(u, v128.mul<T>(vmu, v128.load(t + o)));
    v128.store(t + o, tv);
    v128.store(p + o, v128.add<T>(pv, nesterov ? v128.add<T>(u, v128.mul<T>(vmu, tv)) : tv));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const pv = load<T>(p + o);
    const u: T = (load<T>(g + o) + weightDecay * pv) * scale;
    const tv: T = u + momentum * load<T>(t + o);
    store<T>(t + o, tv);
    store<T>(p + o, pv + (nesterov ? u + momentum * tv : tv));
  }
}

export function larsNorms_f32(n: i32, p: usize, g: usize, out: usize, weightDecay: f32): void {
  larsNorms<f32>(n, p, g, out, weightDecay);
}
export function larsNorms_f64(n: i32, p: usize, g: usize, out: usize, weightDecay: f64): void {
  larsNorms<f64>(n, p, g, out, weightDecay);
}
export function larsApply_f32(n: i32, p: usize, g: usize, t: usize, weightDecay: f32, scale: f32, momentum: f32, flags: i32): void {
  larsApply<f32>(n, p, g, t, weightDecay, scale, momentum, flags);
}
export function larsApply_f64(n: i32, p: usize, g: usize, t: usize, weightDecay: f64, scale: f64, momentum: f64, flags: i32): void {
  larsApply<f64>(n, p, g, t, weightDecay, scale, momentum, flags);
}
