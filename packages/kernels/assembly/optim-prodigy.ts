/**
 * Prodigy (Mishchenko & Defazio 2024), the two passes of konstmish/prodigy (prodigy.py), generic
 * over f32/f64. The step size d is global (one for all parameters), so a step is
 *   1. `prodigyAccumulate` over every parameter (moments updated with the old d, sums returned),
 *   2. the new d computed by the caller from the sums,
 *   3. `adaptiveAdamApply` over every parameter.
 * Pass 1 is a reduction and runs as a scalar loop with f64 accumulators; pass 2 is SIMD.
 *
 * prodigyAccumulate, per element (d_i = g_i + λ p_i with coupled decay, else g_i):
 *   dot += d_i (p0_i - p_i)                     the numerator's inner product (f64)
 *   m_i = β1 m_i + mCoef d_i                     mCoef = d (1 - β1)
 *   v_i = β2 v_i + vCoef d_i²                    vCoef = d² (1 - β2)
 *   s_i = β3 s_i + sCoef d_i                     sCoef = (d/d0) η d  (d/d0 · d with safeguard)
 *   l1 += |s_i|                                   (f64)
 * and writes out[0] = dot, out[1] = l1 (f64). Reads g and p0; writes m, v, s. No overlaps.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

function prodigyAccumulate<T>(
  n: i32, p: usize, g: usize, p0: usize, m: usize, v: usize, s: usize, out: usize,
  beta1: T, mCoef: T, beta2: T, vCoef: T, beta3: T, sCoef: T, weightDecay: T,
): void {
  let dot: f64 = 0;
  let l1: f64 = 0;
  const hasWd = weightDecay != 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const pv = load<T>(p + o);
    let d = load<T>(g + o);
    if (hasWd) d = d + weightDecay * pv;
    dot += <f64>d * <f64>(load<T>(p0 + o) - pv);
    store<T>(m + o, beta1 * load<T>(m + o) + mCoef * d);
    store<T>(v + o, beta2 * load<T>(v + o) + vCoef * d * d);
    const sv: T = beta3 * load<T>(s + o) + sCoef * d;
    store<T>(s + o, sv);
    l1 += <f64>abs<T>(sv);
  }
  store<f64>(out, dot);
  store<f64>(out + 8, l1);
}

/**
 * The Adam-shaped update of the D-adaptation family (Prodigy, D-Adaptation Adam):
 *   p = p + decayCoef p                 decoupled decay (decayCoef = -λ η d, or 0)
 *   p = p + stepCoef m / (√v + eps)     Prodigy: stepCoef = -η d, eps = d ε; D-Adapt: -1, ε
 * Reads m and v; reads and writes p.
 */
function adaptiveAdamApply<T>(n: i32, p: usize, m: usize, v: usize, decayCoef: T, stepCoef: T, eps: T): void {
  const L = lanes<T>();
  const hasDecay = decayCoef != 0;
  const vdc = v128.splat<T>(decayCoef);
  const vsc = v128.splat<T>(stepCoef);
  const veps = v128.splat<T>(eps);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    let pv = v128.load(p + o);
    if (hasDecay) pv = v128.add<T>(pv, v128.mul<T>(vdc, pv));
    const denom = v128.add<T>(v128.sqrt<T>(v128.load(v + o)), veps);
    v128.store(p + o, v128.add<T>(pv, v128.mul<T>(vsc, v128.div<T>(v128.load(m + o), denom))));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    let pv = load<T>(p + o);
    if (hasDecay) pv = pv + decayCoef * pv;
    store<T>(p + o, pv + stepCoef * (load<T>(m + o) / (sqrt<T>(load<T>(v + o)) + eps)));
  }
}

export function prodigyAccumulate_f32(
  n: i32, p: usize, g: usize, p0: usize, m: usize, v: usize, s: usize, out: usize,
  beta1: f32, mCoef: f32, beta2: f32, vCoef: f32, beta3: f32, sCoef: f32, weightDecay: f32,
): void {
  prodigyAccumulate<f32>(n, p, g, p0, m, v, s, out, beta1, mCoef, beta2, vCoef, beta3, sCoef, weightDecay);
}
export function prodigyAccumulate_f64(
  n: i32, p: usize, g: usize, p0: usize, m: usize, v: usize, s: usize, out: usize,
  beta1: f64, mCoef: f64, beta2: f64, vCoef: f64, beta3: f64, sCoef: f64, weightDecay: f64,
): void {
  prodigyAccumulate<f64>(n, p, g, p0, m, v, s, out, beta1, mCoef, beta2, vCoef, beta3, sCoef, weightDecay);
}
export function adaptiveAdamApply_f32(n: i32, p: usize, m: usize, v: usize, decayCoef: f32, stepCoef: f32, eps: f32): void {
  adaptiveAdamApply<f32>(n, p, m, v, decayCoef, stepCoef, eps);
}
export function adaptiveAdamApply_f64(n: i32, p: usize, m: usize, v: usize, decayCoef: f64, stepCoef: f64, eps: f64): void {
  adaptiveAdamApply<f64>(n, p, m, v, decayCoef, stepCoef, eps);
}
