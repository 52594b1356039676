/**
 * Schedule-free SGD and AdamW (Defazio et al. 2024, "The Road Less Scheduled"), the fused step of
 * facebookresearch/schedule_free (sgd_schedulefree.py, adamw_schedulefree.py), one pass over
 * memory, generic over f32/f64. The parameter holds y (where gradients are taken); z is the base
 * sequence; x (the average, the evaluation point) is never stored: y = (1 - β) z + β x.
 *
 *   v = β2 v + (1 - β2) g²;  d = g / (√v + ε)     AdamW only (flags & 1), else d = g
 *   d = d + λ y                                   weight decay at y, when λ != 0
 *   y = lerp(y, z, c)                             c = c_{k+1}, torch's lerp (flags & 2: c >= 0.5)
 *   y = y + yCoef d                               yCoef = η (β (1 - c) - 1)
 *   z = z - η d
 *
 * torch's lerp(a, b, w) is a + w (b - a) for |w| < 0.5 and b - (b - a)(1 - w) otherwise (exact at
 * w = 1); the caller passes `oneMinusC` = 1 - c. Reads g; reads and writes y, z (and v). No two
 * arrays may overlap.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

function scheduleFree<T>(
  n: i32, y: usize, g: usize, z: usize, v: usize,
  c: T, oneMinusC: T, yCoef: T, lr: T, beta2: T, oneMinusBeta2: T, eps: T, weightDecay: T, flags: i32,
): void {
  const L = lanes<T>();
  const adam = (flags & 1) != 0;
  const high = (flags & 2) != 0;
  const hasWd = weightDecay != 0;
  const vc = v128.splat<T>(c);
  const v1c = v128.splat<T>(oneMinusC);
  const vy = v128.splat<T>(yCoef);
  const vlr = v128.splat<T>(lr);
  const vb2 = v128.splat<T>(beta2);
  const v1b2 = v128.splat<T>(oneMinusBeta2);
  const veps = v128.splat<T>(eps);
  const vwd = v128.splat<T>(weightDecay);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    let d = v128.load(g + o);
    if (adam) {
      const vv = v128.add<T>(v128.mul<T>(vb2, v128.load(v + o)), v128.mul<T>(v1b2, v128.mul<T>(d, d)));
      v128.store(v + o, vv);
      d = v128.div<T>(d, v128.add<T>(v128.sqrt<T>(vv), veps));
    }
    let yv = v128.load(y + o);
    const zv = v128.load(z + o);
    if (hasWd) d = v128.add<T>(d, v128.mul<T>(vwd, yv));
    yv = high
      ? v128.sub<T>(zv, v128.mul<T>(v128.sub<T>(zv, yv), v1c))
      : v128.add<T>(yv, v128.mul<T>(vc, v128.sub<T>(zv, yv)));
    v128.store(y + o, v128.add<T>(yv, v128.mul<T>(vy, d)));
    v128.store(z + o, v128.sub<T>(zv, v128.mul<T>(vlr, d)));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    let d = load<T>(g + o);
    if (adam) {
      const vv: T = beta2 * load<T>(v + o) + oneMinusBeta2 * (d * d);
      store<T>(v + o, vv);
      d = d / (sqrt<T>(vv) + eps);
    }
    let yv = load<T>(y + o);
    const zv = load<T>(z + o);
    if (hasWd) d = d + weightDecay * yv;
    yv = high ? zv - (zv - yv) * oneMinusC : yv + c * (zv - yv);
    store<T>(y + o, yv + yCoef * d);
    store<T>(z + o, zv - lr * d);
  }
}

/**
 * The train()/eval() switch of the evaluation point: p = lerp(p, z, w) (torch's lerp, as above;
 * flags & 1: |w| >= 0.5). eval() passes w = 1 - 1/β (y -> x), train() w = 1 - β (x -> y).
 * Reads z; reads and writes p.
 */
function scheduleFreeLerp<T>(n: i32, p: usize, z: usize, w: T, oneMinusW: T, flags: i32): void {
  const L = lanes<T>();
  const high = (flags & 1) != 0;
  const vw = v128.splat<T>(w);
  const v1w = v128.splat<T>(oneMinusW);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const pv = v128.load(p + o);
    const zv = v128.load(z + o);
    v128.store(
      p + o,
      high ? v128.sub<T>(zv, v128.mul<T>(v128.sub<T>(zv, pv), v1w)) : v128.add<T>(pv, v128.mul<T>(vw, v128.sub<T>(zv, pv))),
    );
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const pv = load<T>(p + o);
    const zv = load<T>(z + o);
    store<T>(p + o, high ? zv - (zv - pv) * oneMinusW : pv + w * (zv - pv));
  }
}

export function scheduleFree_f32(
  n: i32, y: usize, g: usize, z: usize, v: usize,
  c: f32, oneMinusC: f32, yCoef: f32, lr: f32, beta2: f32, oneMinusBeta2: f32, eps: f32, weightDecay: f32, flags: i32,
): void {
  scheduleFree<f32>(n, y, g, z, v, c, oneMinusC, yCoef, lr, beta2, oneMinusBeta2, eps, weightDecay, flags);
}
export function scheduleFree_f64(
  n: i32, y: usize, g: usize, z: usize, v: usize,
  c: f64, oneMinusC: f64, yCoef: f64, lr: f64, beta2: f64, oneMinusBeta2: f64, eps: f64, weightDecay: f64, flags: i32,
): void {
  scheduleFree<f64>(n, y, g, z, v, c, oneMinusC, yCoef, lr, beta2, oneMinusBeta2, eps, weightDecay, flags);
}
export function scheduleFreeLerp_f32(n: i32, p: usize, z: usize, w: f32, oneMinusW: f32, flags: i32): void {
  scheduleFreeLerp<f32>(n, p, z, w, oneMinusW, flags);
}
export function scheduleFreeLerp_f64(n: i32, p: usize, z: usize, w: f64, oneMinusW: f64, flags: i32): void {
  scheduleFreeLerp<f64>(n, p, z, w, oneMinusW, flags);
}
