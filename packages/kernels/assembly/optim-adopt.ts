/**
 * ADOPT (Taniguchi et al. 2024, "ADOPT: Modified Adam Can Converge with Any β2"), the fused step of
 * iShohei220/adopt (src/adopt/adopt.py, _single_tensor_adopt), generic over f32/f64. The gradient is
 * normalized by the PREVIOUS second moment, then clipped, then averaged:
 *
 *   d = sign g;  d = d + λ p                       coupled decay (weightDecay != 0)
 *   first step (flags & 1):  v = v + d²  and nothing else
 *   otherwise:
 *     p = p + decayCoef p                           decoupled decay (decayCoef = -η λ, or 0)
 *     u = clamp(d / max(√v, ε), -clip, clip)        clip = step^(1/4) (flags & 2), else no clamp
 *     m = lerp(m, u, 1 - β1)                        torch's lerp (flags & 4: 1 - β1 >= 0.5)
 *     p = p - η m
 *     v = β2 v + (1 - β2) d²
 *
 * Reads g; reads and writes p, m, v. No two arrays may overlap.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

function adopt<T>(
  n: i32, p: usize, g: usize, m: usize, v: usize,
  lr: T, w: T, beta1: T, beta2: T, oneMinusBeta2: T, eps: T, clip: T,
  weightDecay: T, decayCoef: T, sign: T, flags: i32,
): void {
  const L = lanes<T>();
  const first = (flags & 1) != 0;
  const clipping = (flags & 2) != 0;
  const high = (flags & 4) != 0;
  const hasWd = weightDecay != 0;
  const hasDecay = decayCoef != 0;
  const vlr = v128.splat<T>(lr);
  const vw = v128.splat<T>(w);
  const vb1 = v128.splat<T>(beta1);
  const vb2 = v128.splat<T>(beta2);
  const v1b2 = v128.splat<T>(oneMinusBeta2);
  const veps = v128.splat<T>(eps);
  const vclip = v128.splat<T>(clip);
  const vnclip = v128.splat<T>(-clip);
  const vwd = v128.splat<T>(weightDecay);
  const vdc = v128.splat<T>(decayCoef);
  const vsign = v128.splat<T>(sign);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    let pv = v128.load(p + o);
    let d = v128.mul<T>(vsign, v128.load(g + o));
    if (hasWd) d = v128.add<T>(d, v128.mul<T>(vwd, pv));
    const vv = v128.load(v + o);
    if (first) {
      v128.store(v + o, v128.add<T>(vv, v128.mul<T>(d, d)));
      continue;
    }
    if (hasDecay) pv = v128.add<T>(pv, v128.mul<T>(vdc, pv));
    let u = v128.div<T>(d, v128.max<T>(v128.sqrt<T>(vv), veps));
    if (clipping) u = v128.min<T>(v128.max<T>(u, vnclip), vclip);
    let mv = v128.load(m + o);
    mv = high ? v128.sub<T>(u, v128.mul<T>(v128.sub<T>(u, mv), vb1)) : v128.add<T>(mv, v128.mul<T>(vw, v128.sub<T>(u, mv)));
    v128.store(m + o, mv);
    v128.store(p + o, v128.sub<T>(pv, v128.mul<T>(vlr, mv)));
    v128.store(v + o, v128.add<T>(v128.mul<T>(vb2, vv), v128.mul<T>(v1b2, v128.mul<T>(d, d))));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    let pv = load<T>(p + o);
    let d: T = sign * load<T>(g + o);
    if (hasWd) d = d + weightDecay * pv;
    const vv = load<T>(v + o);
    if (first) {
      store<T>(v + o, vv + d * d);
      continue;
    }
    if (hasDecay) pv = pv + decayCoef * pv;
    let u: T = d / max<T>(sqrt<T>(vv), eps);
    if (clipping) u = min<T>(max<T>(u, -clip), clip);
    let mv = load<T>(m + o);
    mv = high ? u - (u - mv) * beta1 : mv + w * (u - mv);
    store<T>(m + o, mv);
    store<T>(p + o, pv - lr * mv);
    store<T>(v + o, beta2 * vv + oneMinusBeta2 * (d * d));
  }
}

export function adopt_f32(
  n: i32, p: usize, g: usize, m: usize, v: usize,
  lr: f32, w: f32, beta1: f32, beta2: f32, oneMinusBeta2: f32, eps: f32, clip: f32,
  weightDecay: f32, decayCoef: f32, sign: f32, flags: i32,
): void {
  adopt<f32>(n, p, g, m, v, lr, w, beta1, beta2, oneMinusBeta2, eps, clip, weightDecay, decayCoef, sign, flags);
}
export function adopt_f64(
  n: i32, p: usize, g: usize, m: usize, v: usize,
  lr: f64, w: f64, beta1: f64, beta2: f64, oneMinusBeta2: f64, eps: f64, clip: f64,
  weightDecay: f64, decayCoef: f64, sign: f64, flags: i32,
): void {
  adopt<f64>(n, p, g, m, v, lr, w, beta1, beta2, oneMinusBeta2, eps, clip, weightDecay, decayCoef, sign, flags);
}
