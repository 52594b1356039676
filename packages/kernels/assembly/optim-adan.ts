/**
 * Adan (Xie et al. 2024, "Adan: Adaptive Nesterov Momentum Algorithm"), the fused step of
 * sail-sg/Adan (adan.py, _single_tensor_adan), generic over f32/f64. With q the previous gradient
 * stored negated (neg_pre_grad) and c the global clipping factor:
 *
 *   first step (flags & 1): q = -c g
 *   g' = c g;   δ = g' + q                         (= g_k - g_{k-1})
 *   m = β1 m + (1 - β1) g'                          gradient EMA
 *   e = β2 e + (1 - β2) δ                           gradient-difference EMA (exp_avg_diff)
 *   w = β2 δ + g';   n = β3 n + (1 - β3) w²         (w = g' + β2 (g_k - g_{k-1}))
 *   denom = √n / bc3Sqrt + ε
 *   no_prox (flags & 2): p = decay p - s1 m/denom - s2 e/denom      decay = 1 - η λ
 *   otherwise:           p = (p - s1 m/denom - s2 e/denom) / div     div = 1 + η λ
 *   q = -g'
 * with s1 = η / bc1 and s2 = η β2 / bc2 (sail-sg's betas weigh the old value). Reads g; reads and
 * writes p, m, e, n, q. No two arrays may overlap.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

function adan<T>(
  n: i32, p: usize, g: usize, m: usize, e: usize, nn: usize, q: usize,
  beta1: T, beta2: T, beta3: T, bc3Sqrt: T, eps: T, s1: T, s2: T, clip: T, decay: T, div: T, flags: i32,
): void {
  const L = lanes<T>();
  const first = (flags & 1) != 0;
  const noProx = (flags & 2) != 0;
  const vb1 = v128.splat<T>(beta1);
  const v1b1 = v128.splat<T>(1 - beta1);
  const vb2 = v128.splat<T>(beta2);
  const v1b2 = v128.splat<T>(1 - beta2);
  const vb3 = v128.splat<T>(beta3);
  const v1b3 = v128.splat<T>(1 - beta3);
  const vbc3 = v128.splat<T>(bc3Sqrt);
  const veps = v128.splat<T>(eps);
  const vns1 = v128.splat<T>(-s1);
  const vns2 = v128.splat<T>(-s2);
  const vclip = v128.splat<T>(clip);
  const vnclip = v128.splat<T>(-clip);
  const vdecay = v128.splat<T>(decay);
  const vdiv = v128.splat<T>(div);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const graw = v128.load(g + o);
    const qv = first ? v128.mul<T>(graw, vnclip) : v128.load(q + o);
    const gv = v128.mul<T>(graw, vclip);
    let delta = v128.add<T>(qv, gv);
    const mv = v128.add<T>(v128.mul<T>(vb1, v128.load(m + o)), v128.mul<T>(v1b1, gv));
    const ev = v128.add<T>(v128.mul<T>(vb2, v128.load(e + o)), v128.mul<T>(v1b2, delta));
    delta = v128.add<T>(v128.mul<T>(delta, vb2), gv);
    const nv = v128.add<T>(v128.mul<T>(vb3, v128.load(nn + o)), v128.mul<T>(v1b3, v128.mul<T>(delta, delta)));
    v128.store(m + o, mv);
    v128.store(e + o, ev);
    v128.store(nn + o, nv);
    const denom = v128.add<T>(v128.div<T>(v128.sqrt<T>(nv), vbc3), veps);
    let pv = v128.load(p + o);
    if (noProx) pv = v128.mul<T>(pv, vdecay);
    pv = v128.add<T>(pv, v128.mul<T>(vns1, v128.div<T>(mv, denom)));
    pv = v128.add<T>(pv, v128.mul<T>(vns2, v128.div<T>(ev, denom)));
    if (!noProx) pv = v128.div<T>(pv, vdiv);
    v128.store(p + o, pv);
    v128.store(q + o, v128.neg<T>(gv));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const graw = load<T>(g + o);
    const qv: T = first ? graw * -clip : load<T>(q + o);
    const gv: T = graw * clip;
    let delta: T = qv + gv;
    const mv: T = beta1 * load<T>(m + o) + (1 - beta1) * gv;
    const ev: T = beta2 * load<T>(e + o) + (1 - beta2) * delta;
    delta = delta * beta2 + gv;
    const nv: T = beta3 * load<T>(nn + o) + (1 - beta3) * (delta * delta);
    store<T>(m + o, mv);
    store<T>(e + o, ev);
    store<T>(nn + o, nv);
    const denom: T = sqrt<T>(nv) / bc3Sqrt + eps;
    let pv = load<T>(p + o);
    if (noProx) pv = pv * decay;
    pv = pv + -s1 * (mv / denom);
    pv = pv + -s2 * (ev / denom);
    if (!noProx) pv = pv / div;
    store<T>(p + o, pv);
    store<T>(q + o, -gv);
  }
}

export function adan_f32(
  n: i32, p: usize, g: usize, m: usize, e: usize, nn: usize, q: usize,
  beta1: f32, beta2: f32, beta3: f32, bc3Sqrt: f32, eps: f32, s1: f32, s2: f32, clip: f32, decay: f32, div: f32, flags: i32,
): void {
  adan<f32>(n, p, g, m, e, nn, q, beta1, beta2, beta3, bc3Sqrt, eps, s1, s2, clip, decay, div, flags);
}
export function adan_f64(
  n: i32, p: usize, g: usize, m: usize, e: usize, nn: usize, q: usize,
  beta1: f64, beta2: f64, beta3: f64, bc3Sqrt: f64, eps: f64, s1: f64, s2: f64, clip: f64, decay: f64, div: f64, flags: i32,
): void {
  adan<f64>(n, p, g, m, e, nn, q, beta1, beta2, beta3, bc3Sqrt, eps, s1, s2, clip, decay, div, flags);
}
