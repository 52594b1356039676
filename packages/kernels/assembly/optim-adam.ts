/**
 * Fused steps of the Adam family (torch.optim.Adam, AdamW, NAdam, RAdam, Adamax): one pass over
 * the parameter, its gradient and its moment buffers, generic over f32/f64 (v128 lanes, then a
 * scalar tail). Every per-step scalar (bias corrections, step sizes, decay factors) is computed
 * once by the TypeScript wrapper and passed in. Common to all:
 *
 *   d = sign * g                       sign = -1 for maximize, else 1 (exact)
 *   p = decay * p                      decoupled weight decay: decay = 1 - lr λ (1 without; exact)
 *   d = d + weightDecay * p            coupled (L2) weight decay, when weightDecay != 0
 *   m = m + (1 - β1) (d - m)           first moment, torch's lerp (= β1 m + (1 - β1) d)
 *   v = β2 v + (1 - β2) d d            second moment
 *
 * Reads g; reads and writes p and the buffers. No two arrays may overlap.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

/**
 * Adam / AdamW:  v' = amsgrad ? (vmax = max(vmax, v)) : v,
 *   p = p - stepSize m / (sqrt(v') · invBc2Sqrt + eps),   stepSize = lr / (1 - β1^t),
 *   invBc2Sqrt = 1 / sqrt(1 - β2^t).
 * Torch divides sqrt(v') by sqrt(1 - β2^t); multiplying by the reciprocal (computed once per step)
 * drops one of the two divisions per element, which with the sqrt bound the kernel's speed. It
 * changes the result by at most an ulp or so of the denominator.
 * flags: 1 = amsgrad (vmax is read and written; otherwise untouched).
 *
 * Returns 1 if every value stored (p, m, v, and vmax with amsgrad) is finite, else 0, computed in
 * registers while storing: acc = acc + (x - x) for each stored x stays 0 while every x is finite
 * and becomes NaN at the first NaN or ±Inf (Inf - Inf = NaN), so the caller needs no second pass.
 */
function adam<T>(
  n: i32, p: usize, g: usize, m: usize, v: usize, vmax: usize,
  oneMinusBeta1: T, beta2: T, oneMinusBeta2: T, stepSize: T, invBc2Sqrt: T, eps: T,
  weightDecay: T, decay: T, sign: T, flags: i32,
): i32 {
  const L = lanes<T>();
  const amsgrad = (flags & 1) != 0;
  const hasWd = weightDecay != 0;
  const c1 = v128.splat<T>(oneMinusBeta1);
  const b2 = v128.splat<T>(beta2);
  const c2 = v128.splat<T>(oneMinusBeta2);
  const vstep = v128.splat<T>(stepSize);
  const vinv = v128.splat<T>(invBc2Sqrt);
  const veps = v128.splat<T>(eps);
  const vwd = v128.splat<T>(weightDecay);
  const vdecay = v128.splat<T>(decay);
  const vsign = v128.splat<T>(sign);
  let acc = v128.splat<T>(0);
  let sacc: T = 0;
  let i = 0;
  if (!amsgrad && !hasWd && decay == 1 && sign == 1) {
    // Plain Adam, the common case: the same loop without the exact multiplies by 1 (~15% faster).
    for (; i + L <= n; i += L) {
      const o = <usize>i * sizeof<T>();
      const d = v128.load(g + o);
      let mv = v128.load(m + o);
      mv = v128.add<T>(mv, v128.mul<T>(c1, v128.sub<T>(d, mv)));
      const vv = v128.add<T>(v128.mul<T>(b2, v128.load(v + o)), v128.mul<T>(v128.mul<T>(c2, d), d));
      v128.store(m + o, mv);
      v128.store(v + o, vv);
      const denom = v128.add<T>(v128.mul<T>(v128.sqrt<T>(vv), vinv), veps);
      const pn = v128.sub<T>(v128.load(p + o), v128.mul<T>(vstep, v128.div<T>(mv, denom)));
      v128.store(p + o, pn);
      acc = v128.add<T>(acc, v128.add<T>(v128.sub<T>(pn, pn), v128.add<T>(v128.sub<T>(mv, mv), v128.sub<T>(vv, vv))));
    }
  }
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const pv = v128.mul<T>(vdecay, v128.load(p + o));
    let d = v128.mul<T>(vsign, v128.load(g + o));
    if (hasWd) d = v128.add<T>(d, v128.mul<T>(vwd, pv));
    let mv = v128.load(m + o);
    mv = v128.add<T>(mv, v128.mul<T>(c1, v128.sub<T>(d, mv)));
    let vv = v128.add<T>(v128.mul<T>(b2, v128.load(v + o)), v128.mul<T>(v128.mul<T>(c2, d), d));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    acc = v128.add<T>(acc, v128.add<T>(v128.sub<T>(mv, mv), v128.sub<T>(vv, vv)));
    if (amsgrad) {
      vv = v128.max<T>(v128.load(vmax + o), vv);
      v128.store(vmax + o, vv);
      acc = v128.add<T>(acc, v128.sub<T>(vv, vv));
    }
    const denom = v128.add<T>(v128.mul<T>(v128.sqrt<T>(vv), vinv), veps);
    const pn = v128.sub<T>(pv, v128.mul<T>(vstep, v128.div<T>(mv, denom)));
    v128.store(p + o, pn);
    acc = v128.add<T>(acc, v128.sub<T>(pn, pn));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const pv: T = decay * load<T>(p + o);
    let d: T = sign * load<T>(g + o);
    if (hasWd) d = d + weightDecay * pv;
    let mv = load<T>(m + o);
    mv = mv + oneMinusBeta1 * (d - mv);
    let vv: T = beta2 * load<T>(v + o) + oneMinusBeta2 * d * d;
    store<T>(m + o, mv);
    store<T>(v + o, vv);
    sacc += (mv - mv) + (vv - vv);
    if (amsgrad) {
      vv = max<T>(load<T>(vmax + o), vv);
      store<T>(vmax + o, vv);
      sacc += vv - vv;
    }
    const denom: T = sqrt<T>(vv) * invBc2Sqrt + eps;
    const pn: T = pv - stepSize * (mv / denom);
    store<T>(p + o, pn);
    sacc += pn - pn;
  }
  return !v128.any_true(v128.ne<T>(acc, acc)) && sacc == sacc ? 1 : 0;
}

/**
 * NAdam:  denom = sqrt(v / bc2) + eps,
 *   p = p + gradCoef d / denom + avgCoef m / denom
 * with gradCoef = -lr (1 - μ_t) / (1 - Π_{i<=t} μ_i), avgCoef = -lr μ_{t+1} / (1 - Π_{i<=t+1} μ_i).
 */
function nadam<T>(
  n: i32, p: usize, g: usize, m: usize, v: usize,
  oneMinusBeta1: T, beta2: T, oneMinusBeta2: T, bc2: T, eps: T, gradCoef: T, avgCoef: T,
  weightDecay: T, decay: T, sign: T,
): void {
  const L = lanes<T>();
  const hasWd = weightDecay != 0;
  const c1 = v128.splat<T>(oneMinusBeta1);
  const b2 = v128.splat<T>(beta2);
  const c2 = v128.splat<T>(oneMinusBeta2);
  const vbc2 = v128.splat<T>(bc2);
  const veps = v128.splat<T>(eps);
  const vgc = v128.splat<T>(gradCoef);
  const vac = v128.splat<T>(avgCoef);
  const vwd = v128.splat<T>(weightDecay);
  const vdecay = v128.splat<T>(decay);
  const vsign = v128.splat<T>(sign);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    let pv = v128.mul<T>(vdecay, v128.load(p + o));
    let d = v128.mul<T>(vsign, v128.load(g + o));
    if (hasWd) d = v128.add<T>(d, v128.mul<T>(vwd, pv));
    let mv = v128.load(m + o);
    mv = v128.add<T>(mv, v128.mul<T>(c1, v128.sub<T>(d, mv)));
    const vv = v128.add<T>(v128.mul<T>(b2, v128.load(v + o)), v128.mul<T>(v128.mul<T>(c2, d), d));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const denom = v128.add<T>(v128.sqrt<T>(v128.div<T>(vv, vbc2)), veps);
    pv = v128.add<T>(pv, v128.mul<T>(vgc, v128.div<T>(d, denom)));
    v128.store(p + o, v128.add<T>(pv, v128.mul<T>(vac, v128.div<T>(mv, denom))));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    let pv: T = decay * load<T>(p + o);
    let d: T = sign * load<T>(g + o);
    if (hasWd) d = d + weightDecay * pv;
    let mv = load<T>(m + o);
    mv = mv + oneMinusBeta1 * (d - mv);
    const vv: T = beta2 * load<T>(v + o) + oneMinusBeta2 * d * d;
    store<T>(m + o, mv);
    store<T>(v + o, vv);
    const denom: T = sqrt<T>(vv / bc2) + eps;
    pv = pv + gradCoef * (d / denom);
    store<T>(p + o, pv + avgCoef * (mv / denom));
  }
}

/**
 * RAdam:  m̂ = m / bc1;  p = p - m̂ lr (sqrt(bc2) / (sqrt(v) + eps)) r_t   when rectifying,
 *                       p = p - m̂ lr                                    otherwise (ρ_t <= 5).
 * flags: 1 = rectify (r_t = rect).
 */
function radam<T>(
  n: i32, p: usize, g: usize, m: usize, v: usize,
  oneMinusBeta1: T, beta2: T, oneMinusBeta2: T, bc1: T, lr: T, bc2Sqrt: T, eps: T, rect: T,
  weightDecay: T, decay: T, sign: T, flags: i32,
): void {
  const L = lanes<T>();
  const rectify = (flags & 1) != 0;
  const hasWd = weightDecay != 0;
  const c1 = v128.splat<T>(oneMinusBeta1);
  const b2 = v128.splat<T>(beta2);
  const c2 = v128.splat<T>(oneMinusBeta2);
  const vbc1 = v128.splat<T>(bc1);
  const vlr = v128.splat<T>(lr);
  const vbc2 = v128.splat<T>(bc2Sqrt);
  const veps = v128.splat<T>(eps);
  const vrect = v128.splat<T>(rect);
  const vwd = v128.splat<T>(weightDecay);
  const vdecay = v128.splat<T>(decay);
  const vsign = v128.splat<T>(sign);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const pv = v128.mul<T>(vdecay, v128.load(p + o));
    let d = v128.mul<T>(vsign, v128.load(g + o));
    if (hasWd) d = v128.add<T>(d, v128.mul<T>(vwd, pv));
    let mv = v128.load(m + o);
    mv = v128.add<T>(mv, v128.mul<T>(c1, v128.sub<T>(d, mv)));
    const vv = v128.add<T>(v128.mul<T>(b2, v128.load(v + o)), v128.mul<T>(v128.mul<T>(c2, d), d));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    let u = v128.mul<T>(v128.div<T>(mv, vbc1), vlr);
    if (rectify) {
      const adaptive = v128.div<T>(vbc2, v128.add<T>(v128.sqrt<T>(vv), veps));
      u = v128.mul<T>(v128.mul<T>(u, adaptive), vrect);
    }
    v128.store(p + o, v128.sub<T>(pv, u));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const pv: T = decay * load<T>(p + o);
    let d: T = sign * load<T>(g + o);
    if (hasWd) d = d + weightDecay * pv;
    let mv = load<T>(m + o);
    mv = mv + oneMinusBeta1 * (d - mv);
    const vv: T = beta2 * load<T>(v + o) + oneMinusBeta2 * d * d;
    store<T>(m + o, mv);
    store<T>(v + o, vv);
    let u: T = (mv / bc1) * lr;
    if (rectify) u = u * (bc2Sqrt / (sqrt<T>(vv) + eps)) * rect;
    store<T>(p + o, pv - u);
  }
}

/**
 * Adamax (u: the infinity norm, torch's exp_inf):
 *   u = max(β2 u, |d| + eps);   p = p - clr m / u,   clr = lr / (1 - β1^t).
 */
function adamax<T>(
  n: i32, p: usize, g: usize, m: usize, u: usize,
  oneMinusBeta1: T, beta2: T, eps: T, clr: T, weightDecay: T, sign: T,
): void {
  const L = lanes<T>();
  const hasWd = weightDecay != 0;
  const c1 = v128.splat<T>(oneMinusBeta1);
  const b2 = v128.splat<T>(beta2);
  const veps = v128.splat<T>(eps);
  const vclr = v128.splat<T>(clr);
  const vwd = v128.splat<T>(weightDecay);
  const vsign = v128.splat<T>(sign);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const pv = v128.load(p + o);
    let d = v128.mul<T>(vsign, v128.load(g + o));
    if (hasWd) d = v128.add<T>(d, v128.mul<T>(vwd, pv));
    let mv = v128.load(m + o);
    mv = v128.add<T>(mv, v128.mul<T>(c1, v128.sub<T>(d, mv)));
    const uv = v128.max<T>(v128.mul<T>(b2, v128.load(u + o)), v128.add<T>(v128.abs<T>(d), veps));
    v128.store(m + o, mv);
    v128.store(u + o, uv);
    v128.store(p + o, v128.sub<T>(pv, v128.mul<T>(vclr, v128.div<T>(mv, uv))));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const pv = load<T>(p + o);
    let d: T = sign * load<T>(g + o);
    if (hasWd) d = d + weightDecay * pv;
    let mv = load<T>(m + o);
    mv = mv + oneMinusBeta1 * (d - mv);
    const uv = max<T>(beta2 * load<T>(u + o), abs<T>(d) + eps);
    store<T>(m + o, mv);
    store<T>(u + o, uv);
    store<T>(p + o, pv - clr * (mv / uv));
  }
}

export function adam_f32(
  n: i32, p: usize, g: usize, m: usize, v: usize, vmax: usize,
  oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, stepSize: f32, invBc2Sqrt: f32, eps: f32,
  weightDecay: f32, decay: f32, sign: f32, flags: i32,
): i32 {
  return adam<f32>(n, p, g, m, v, vmax, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, invBc2Sqrt, eps, weightDecay, decay, sign, flags);
}
export function adam_f64(
  n: i32, p: usize, g: usize, m: usize, v: usize, vmax: usize,
  oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, stepSize: f64, invBc2Sqrt: f64, eps: f64,
  weightDecay: f64, decay: f64, sign: f64, flags: i32,
): i32 {
  return adam<f64>(n, p, g, m, v, vmax, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, invBc2Sqrt, eps, weightDecay, decay, sign, flags);
}
export function nadam_f32(
  n: i32, p: usize, g: usize, m: usize, v: usize,
  oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, bc2: f32, eps: f32, gradCoef: f32, avgCoef: f32,
  weightDecay: f32, decay: f32, sign: f32,
): void {
  nadam<f32>(n, p, g, m, v, oneMinusBeta1, beta2, oneMinusBeta2, bc2, eps, gradCoef, avgCoef, weightDecay, decay, sign);
}
export function nadam_f64(
  n: i32, p: usize, g: usize, m: usize, v: usize,
  oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, bc2: f64, eps: f64, gradCoef: f64, avgCoef: f64,
  weightDecay: f64, decay: f64, sign: f64,
): void {
  nadam<f64>(n, p, g, m, v, oneMinusBeta1, beta2, oneMinusBeta2, bc2, eps, gradCoef, avgCoef, weightDecay, decay, sign);
}
export function radam_f32(
  n: i32, p: usize, g: usize, m: usize, v: usize,
  oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, bc1: f32, lr: f32, bc2Sqrt: f32, eps: f32, rect: f32,
  weightDecay: f32, decay: f32, sign: f32, flags: i32,
): void {
  radam<f32>(n, p, g, m, v, oneMinusBeta1, beta2, oneMinusBeta2, bc1, lr, bc2Sqrt, eps, rect, weightDecay, decay, sign, flags);
}
export function radam_f64(
  n: i32, p: usize, g: usize, m: usize, v: usize,
  oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, bc1: f64, lr: f64, bc2Sqrt: f64, eps: f64, rect: f64,
  weightDecay: f64, decay: f64, sign: f64, flags: i32,
): void {
  radam<f64>(n, p, g, m, v, oneMinusBeta1, beta2, oneMinusBeta2, bc1, lr, bc2Sqrt, eps, rect, weightDecay, decay, sign, flags);
}
export function adamax_f32(
  n: i32, p: usize, g: usize, m: usize, u: usize,
  oneMinusBeta1: f32, beta2: f32, eps: f32, clr: f32, weightDecay: f32, sign: f32,
): void {
  adamax<f32>(n, p, g, m, u, oneMinusBeta1, beta2, eps, clr, weightDecay, sign);
}
export function adamax_f64(
  n: i32, p: usize, g: usize, m: usize, u: usize,
  oneMinusBeta1: f64, beta2: f64, eps: f64, clr: f64, weightDecay: f64, sign: f64,
): void {
  adamax<f64>(n, p, g, m, u, oneMinusBeta1, beta2, eps, clr, weightDecay, sign);
}
