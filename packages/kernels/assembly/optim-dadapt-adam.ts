/**
 * D-Adaptation Adam (Defazio & Mishchenko 2023), the first pass of facebookresearch/dadaptation
 * (dadapt_adam.py), generic over f32/f64; the second pass is `adaptiveAdamApply` (optim-prodigy.ts)
 * with stepCoef = -1 (the moment m already carries d η). A scalar loop with f64 accumulators.
 * Per element (d_i = g_i + λ p_i with coupled decay, else g_i):
 *   m_i = β1 m_i + mCoef d_i              mCoef = d η (1 - β1)
 *   v_i = β2 v_i + (1 - β2) d_i²
 *   gsq += d_i² / (√v_i + ε)              (f64)
 *   s_i = β2 s_i + sCoef d_i              sCoef = d η (1 - β2)
 *   sksq += s_i² / (√v_i + ε);  l1 += |s_i|
 * and writes out[0] = gsq, out[1] = sksq, out[2] = l1 (f64). Reads g; writes m, v, s. No overlaps.
 */
function dadaptAdamAccumulate<T>(
  n: i32, p: usize, g: usize, m: usize, v: usize, s: usize, out: usize,
  beta1: T, mCoef: T, beta2: T, oneMinusBeta2: T, sCoef: T, eps: T, weightDecay: T,
): void {
  let gsq: f64 = 0;
  let sksq: f64 = 0;
  let l1: f64 = 0;
  const hasWd = weightDecay != 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    let d = load<T>(g + o);
    if (hasWd) d = d + weightDecay * load<T>(p + o);
    store<T>(m + o, beta1 * load<T>(m + o) + mCoef * d);
    const vv: T = beta2 * load<T>(v + o) + oneMinusBeta2 * d * d;
    store<T>(v + o, vv);
    const denom: T = sqrt<T>(vv) + eps;
    gsq += <f64>((d * d) / denom);
    const sv: T = beta2 * load<T>(s + o) + sCoef * d;
    store<T>(s + o, sv);
    sksq += <f64>((sv * sv) / denom);
    l1 += <f64>abs<T>(sv);
  }
  store<f64>(out, gsq);
  store<f64>(out + 8, sksq);
  store<f64>(out + 16, l1);
}

export function dadaptAdamAccumulate_f32(
  n: i32, p: usize, g: usize, m: usize, v: usize, s: usize, out: usize,
  beta1: f32, mCoef: f32, beta2: f32, oneMinusBeta2: f32, sCoef: f32, eps: f32, weightDecay: f32,
): void {
  dadaptAdamAccumulate<f32>(n, p, g, m, v, s, out, beta1, mCoef, beta2, oneMinusBeta2, sCoef, eps, weightDecay);
}
export function dadaptAdamAccumulate_f64(
  n: i32, p: usize, g: usize, m: usize, v: usize, s: usize, out: usize,
  beta1: f64, mCoef: f64, beta2: f64, oneMinusBeta2: f64, sCoef: f64, eps: f64, weightDecay: f64,
): void {
  dadaptAdamAccumulate<f64>(n, p, g, m, v, s, out, beta1, mCoef, beta2, oneMinusBeta2, sCoef, eps, weightDecay);
}
