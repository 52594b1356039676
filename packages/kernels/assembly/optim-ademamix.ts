/**
 * AdEMAMix (Pagliardini et al. 2024, "The AdEMAMix Optimizer: Better, Faster, Older"), the fused
 * step of apple/ml-ademamix (pytorch/ademamix.py), generic over f32/f64:
 *
 *   m1 = β1 m1 + (1 - β1) g                 fast EMA
 *   m2 = β3 m2 + (1 - β3) g                 slow EMA (β3 near 1: remembers ~1/(1-β3) steps)
 *   v  = β2 v + (1 - β2) g²
 *   u  = (m1 / bc1 + α m2) / (√v / bc2Sqrt + ε) + λ p       bc1 = 1 - β1^t, bc2Sqrt = √(1 - β2^t)
 *   p  = p - η u
 *
 * α and β3 (after their warmups) are passed in per step. Reads g; reads and writes p, m1, m2, v.
 * No two arrays may overlap.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

function ademamix<T>(
  n: i32, p: usize, g: usize, m1: usize, m2: usize, v: usize,
  beta1: T, beta2: T, beta3: T, bc1: T, bc2Sqrt: T, alpha: T, eps: T, weightDecay: T, lr: T,
): void {
  const L = lanes<T>();
  const hasWd = weightDecay != 0;
  const vb1 = v128.splat<T>(beta1);
  const v1b1 = v128.splat<T>(1 - beta1);
  const vb2 = v128.splat<T>(beta2);
  const v1b2 = v128.splat<T>(1 - beta2);
  const vb3 = v128.splat<T>(beta3);
  const v1b3 = v128.splat<T>(1 - beta3);
  const vbc1 = v128.splat<T>(bc1);
  const vbc2 = v128.splat<T>(bc2Sqrt);
  const valpha = v128.splat<T>(alpha);
  const veps = v128.splat<T>(eps);
  const vwd = v128.splat<T>(weightDecay);
  const vnlr = v128.splat<T>(-lr);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const gv = v128.load(g + o);
    const a = v128.add<T>(v128.mul<T>(vb1, v128.load(m1 + o)), v128.mul<T>(v1b1, gv));
    const b = v128.add<T>(v128.mul<T>(vb3, v128.load(m2 + o)), v128.mul<T>(v1b3, gv));
    const vv = v128.add<T>(v128.mul<T>(vb2, v128.load(v + o)), v128.mul<T>(v1b2, v128.mul<T>(gv, gv)));
    v128.store(m1 + o, a);
    v128.store(m2 + o, b);
    v128.store(v + o, vv);
    const denom = v128.add<T>(v128.div<T>(v128.sqrt<T>(vv), vbc2), veps);
    let u = v128.div<T>(v128.add<T>(v128.div<T>(a, vbc1), v128.mul<T>(valpha, b)), denom);
    const pv = v128.load(p + o);
    if (hasWd) u = v128.add<T>(u, v128.mul<T>(vwd, pv));
    v128.store(p + o, v128.add<T>(pv, v128.mul<T>(vnlr, u)));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const gv = load<T>(g + o);
    const a: T = beta1 * load<T>(m1 + o) + (1 - beta1) * gv;
    const b: T = beta3 * load<T>(m2 + o) + (1 - beta3) * gv;
    const vv: T = beta2 * load<T>(v + o) + (1 - beta2) * (gv * gv);
    store<T>(m1 + o, a);
    store<T>(m2 + o, b);
    store<T>(v + o, vv);
    let u: T = (a / bc1 + alpha * b) / (sqrt<T>(vv) / bc2Sqrt + eps);
    const pv = load<T>(p + o);
    if (hasWd) u = u + weightDecay * pv;
    store<T>(p + o, pv + -lr * u);
  }
}

export function ademamix_f32(
  n: i32, p: usize, g: usize, m1: usize, m2: usize, v: usize,
  beta1: f32, beta2: f32, beta3: f32, bc1: f32, bc2Sqrt: f32, alpha: f32, eps: f32, weightDecay: f32, lr: f32,
): void {
  ademamix<f32>(n, p, g, m1, m2, v, beta1, beta2, beta3, bc1, bc2Sqrt, alpha, eps, weightDecay, lr);
}
export function ademamix_f64(
  n: i32, p: usize, g: usize, m1: usize, m2: usize, v: usize,
  beta1: f64, beta2: f64, beta3: f64, bc1: f64, bc2Sqrt: f64, alpha: f64, eps: f64, weightDecay: f64, lr: f64,
): void {
  ademamix<f64>(n, p, g, m1, m2, v, beta1, beta2, beta3, bc1, bc2Sqrt, alpha, eps, weightDecay, lr);
}
