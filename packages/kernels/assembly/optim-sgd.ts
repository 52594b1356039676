/**
 * Fused SGD step (torch.optim.SGD), one pass over p, g and the momentum buffer, generic over
 * f32/f64: v128 lanes (4 x f32 or 2 x f64), then a scalar tail. Per element, in torch's order:
 *
 *   d = maximize ? -g : g
 *   d = d + weightDecay * p                         (when weightDecay != 0)
 *   b = first ? d : momentum * b + (1 - dampening) * d   (when momentum != 0; b stored back)
 *   d = nesterov ? d + momentum * b : b             (when momentum != 0)
 *   p = p - lr * d
 *
 * Reads g, reads and writes p and buf (buf is not touched without momentum). p, g, buf must not
 * overlap. `sign` is -1 for maximize, else 1 (a multiplication by ±1 is exact).
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

// @ts-ignore: decorator
@inline function sgdLoop<T>(
  n: i32, p: usize, g: usize, buf: usize,
  lr: T, momentum: T, oneMinusDampening: T, weightDecay: T, sign: T,
  hasMomentum: bool, nesterov: bool, first: bool,
): void {
  const L = lanes<T>();
  const vlr = v128.splat<T>(lr);
  const vmom = v128.splat<T>(momentum);
  const vdamp = v128.splat<T>(oneMinusDampening);
  const vwd = v128.splat<T>(weightDecay);
  const vsign = v128.splat<T>(sign);
  const hasWd = weightDecay != 0;
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const pv = v128.load(p + o);
    let d = v128.mul<T>(vsign, v128.load(g + o));
    if (hasWd) d = v128.add<T>(d, v128.mul<T>(vwd, pv));
    if (hasMomentum) {
      let b = d;
      if (!first) b = v128.add<T>(v128.mul<T>(vmom, v128.load(buf + o)), v128.mul<T>(vdamp, d));
      v128.store(buf + o, b);
      d = nesterov ? v128.add<T>(d, v128.mul<T>(vmom, b)) : b;
    }
    v128.store(p + o, v128.sub<T>(pv, v128.mul<T>(vlr, d)));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const pv = load<T>(p + o);
    let d: T = sign * load<T>(g + o);
    if (hasWd) d = d + weightDecay * pv;
    if (hasMomentum) {
      let b = d;
      if (!first) b = momentum * load<T>(buf + o) + oneMinusDampening * d;
      store<T>(buf + o, b);
      d = nesterov ? d + momentum * b : b;
    }
    store<T>(p + o, pv - lr * d);
  }
}

/** flags: 1 = momentum buffer in use, 2 = nesterov, 4 = first step (b = d). */
function sgd<T>(
  n: i32, p: usize, g: usize, buf: usize,
  lr: T, momentum: T, oneMinusDampening: T, weightDecay: T, sign: T, flags: i32,
): void {
  if ((flags & 1) == 0) {
    sgdLoop<T>(n, p, g, buf, lr, momentum, oneMinusDampening, weightDecay, sign, false, false, false);
  } else if ((flags & 4) != 0) {
    if ((flags & 2) != 0) sgdLoop<T>(n, p, g, buf, lr, momentum, oneMinusDampening, weightDecay, sign, true, true, true);
    else sgdLoop<T>(n, p, g, buf, lr, momentum, oneMinusDampening, weightDecay, sign, true, false, true);
  } else if ((flags & 2) != 0) {
    sgdLoop<T>(n, p, g, buf, lr, momentum, oneMinusDampening, weightDecay, sign, true, true, false);
  } else {
    sgdLoop<T>(n, p, g, buf, lr, momentum, oneMinusDampening, weightDecay, sign, true, false, false);
  }
}

export function sgd_f32(
  n: i32, p: usize, g: usize, buf: usize,
  lr: f32, momentum: f32, oneMinusDampening: f32, weightDecay: f32, sign: f32, flags: i32,
): void {
  sgd<f32>(n, p, g, buf, lr, momentum, oneMinusDampening, weightDecay, sign, flags);
}
export function sgd_f64(
  n: i32, p: usize, g: usize, buf: usize,
  lr: f64, momentum: f64, oneMinusDampening: f64, weightDecay: f64, sign: f64, flags: i32,
): void {
  sgd<f64>(n, p, g, buf, lr, momentum, oneMinusDampening, weightDecay, sign, flags);
}
