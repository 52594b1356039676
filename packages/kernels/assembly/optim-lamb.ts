/**
 * LAMB (You et al. 2020, "Large Batch Optimization for Deep Learning"), the two passes of optax's
 * `lamb` (scale_by_adam -> add_decayed_weights -> scale_by_trust_ratio -> scale_by_learning_rate),
 * generic over f32/f64. The trust ratio needs the norms of the whole parameter and of its whole
 * update, so a step is two passes over each parameter:
 *
 *   lambMoments (scalar loop, f64 sums):
 *     m = β1 m + (1 - β1) g;   v = β2 v + (1 - β2) g²
 *     u = (m / bc1) / (√(v / bc2 + εroot) + ε) + λ p          bc_i = 1 - β_i^t
 *     out[0] = Σ p²,  out[1] = Σ u²
 *   lambApply (SIMD): u recomputed from m, v and p as above;  p = p + scale u,
 *     scale = -η r,  r = ‖p‖ / ‖u‖ (1 when either norm is 0)
 *
 * Reads g; reads and writes p, m, v. No two arrays may overlap.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

function lambMoments<T>(
  n: i32, p: usize, g: usize, m: usize, v: usize, out: usize,
  beta1: T, beta2: T, bc1: T, bc2: T, eps: T, epsRoot: T, weightDecay: T,
): void {
  let pp: f64 = 0;
  let uu: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const gv = load<T>(g + o);
    const pv = load<T>(p + o);
    const mv: T = (1 - beta1) * gv + beta1 * load<T>(m + o);
    const vv: T = (1 - beta2) * (gv * gv) + beta2 * load<T>(v + o);
    store<T>(m + o, mv);
    store<T>(v + o, vv);
    const u: T = mv / bc1 / (sqrt<T>(vv / bc2 + epsRoot) + eps) + weightDecay * pv;
    pp += <f64>pv * <f64>pv;
    uu += <f64>u * <f64>u;
  }
  store<f64>(out, pp);
  store<f64>(out + 8, uu);
}

function lambApply<T>(
  n: i32, p: usize, m: usize, v: usize, bc1: T, bc2: T, eps: T, epsRoot: T, weightDecay: T, scale: T,
): void {
  const L = lanes<T>();
  const vbc1 = v128.splat<T>(bc1);
  const vbc2 = v128.splat<T>(bc2);
  const veps = v128.splat<T>(eps);
  const veroot = v128.splat<T>(epsRoot);
  const vwd = v128.splat<T>(weightDecay);
  const vscale = v128.splat<T>(scale);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const pv = v128.load(p + o);
    const denom = v128.add<T>(v128.sqrt<T>(v128.add<T>(v128.div<T>(v128.load(v + o), vbc2), veroot)), veps);
    const u = v128.add<T>(v128.div<T>(v128.div<T>(v128.load(m + o), vbc1), denom), v128.mul<T>(vwd, pv));
    v128.store(p + o, v128.add<T>(pv, v128.mul<T>(vscale, u)));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const pv = load<T>(p + o);
    const u: T = load<T>(m + o) / bc1 / (sqrt<T>(load<T>(v + o) / bc2 + epsRoot) + eps) + weightDecay * pv;
    store<T>(p + o, pv + scale * u);
  }
}

export function lambMoments_f32(
  n: i32, p: usize, g: usize, m: usize, v: usize, out: usize,
  beta1: f32, beta2: f32, bc1: f32, bc2: f32, eps: f32, epsRoot: f32, weightDecay: f32,
): void {
  lambMoments<f32>(n, p, g, m, v, out, beta1, beta2, bc1, bc2, eps, epsRoot, weightDecay);
}
export function lambMoments_f64(
  n: i32, p: usize, g: usize, m: usize, v: usize, out: usize,
  beta1: f64, beta2: f64, bc1: f64, bc2: f64, eps: f64, epsRoot: f64, weightDecay: f64,
): void {
  lambMoments<f64>(n, p, g, m, v, out, beta1, beta2, bc1, bc2, eps, epsRoot, weightDecay);
}
export function lambApply_f32(
  n: i32, p: usize, m: usize, v: usize, bc1: f32, bc2: f32, eps: f32, epsRoot: f32, weightDecay: f32, scale: f32,
): void {
  lambApply<f32>(n, p, m, v, bc1, bc2, eps, epsRoot, weightDecay, scale);
}
export function lambApply_f64(
  n: i32, p: usize, m: usize, v: usize, bc1: f64, bc2: f64, eps: f64, epsRoot: f64, weightDecay: f64, scale: f64,
): void {
  lambApply<f64>(n, p, m, v, bc1, bc2, eps, epsRoot, weightDecay, scale);
}
