/**
 * Sophia (Liu et al. 2024, "Sophia: A Scalable Stochastic Second-order Optimizer"), the SophiaH
 * step of Liuhong99/Sophia (sophia.py, _single_tensor_sophiah), generic over f32/f64:
 *
 *   sophia:         p = decay p                                    decay = 1 - η λ
 *                   m = β1 m + (1 - β1) d                          d = sign g
 *                   p = p + negStep sign(m) min(|m| / (γ max(h, 0) + 1e-12), 1)
 *                                                                   negStep = -η / (1 - β1^t)
 *   sophiaHessian:  h = β2 h + (1 - β2) u (H u)    the Hutchinson estimate of diag(H), probe u
 *
 * sign(0) = 0. sophia reads g and h and writes p, m; sophiaHessian reads u, hu and writes h.
 * No two arrays may overlap.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

/** sign(x) lane-wise: 1, -1 or 0. */
// @ts-ignore: decorator
@inline function vsign<T>(x: v128): v128 {
  const zero = v128.splat<T>(0);
  return v128.or(v128.and(v128.gt<T>(x, zero), v128.splat<T>(1)), v128.and(v128.lt<T>(x, zero), v128.splat<T>(-1)));
}

function sophia<T>(n: i32, p: usize, g: usize, m: usize, h: usize, beta1: T, gamma: T, decay: T, negStep: T, sign: T): void {
  const L = lanes<T>();
  const vb1 = v128.splat<T>(beta1);
  const v1b1 = v128.splat<T>(1 - beta1);
  const vgamma = v128.splat<T>(gamma);
  const vdecay = v128.splat<T>(decay);
  const vstep = v128.splat<T>(negStep);
  const vs = v128.splat<T>(sign);
  const zero = v128.splat<T>(0);
  const one = v128.splat<T>(1);
  const tiny = v128.splat<T>(<T>1e-12);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const pv = v128.mul<T>(vdecay, v128.load(p + o));
    const d = v128.mul<T>(vs, v128.load(g + o));
    const mv = v128.add<T>(v128.mul<T>(vb1, v128.load(m + o)), v128.mul<T>(v1b1, d));
    v128.store(m + o, mv);
    const denom = v128.add<T>(v128.mul<T>(vgamma, v128.max<T>(v128.load(h + o), zero)), tiny);
    const ratio = v128.min<T>(v128.div<T>(v128.abs<T>(mv), denom), one);
    v128.store(p + o, v128.add<T>(pv, v128.mul<T>(vstep, v128.mul<T>(vsign<T>(mv), ratio))));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const pv: T = decay * load<T>(p + o);
    const d: T = sign * load<T>(g + o);
    const mv: T = beta1 * load<T>(m + o) + (1 - beta1) * d;
    store<T>(m + o, mv);
    const ratio = min<T>(abs<T>(mv) / (gamma * max<T>(load<T>(h + o), 0) + <T>1e-12), 1);
    const s: T = mv > 0 ? <T>1 : mv < 0 ? <T>-1 : <T>0;
    store<T>(p + o, pv + negStep * (s * ratio));
  }
}

function sophiaHessian<T>(n: i32, h: usize, u: usize, hu: usize, beta2: T): void {
  const L = lanes<T>();
  const vb2 = v128.splat<T>(beta2);
  const v1b2 = v128.splat<T>(1 - beta2);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const est = v128.mul<T>(v128.load(u + o), v128.load(hu + o));
    v128.store(h + o, v128.add<T>(v128.mul<T>(vb2, v128.load(h + o)), v128.mul<T>(v1b2, est)));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    store<T>(h + o, beta2 * load<T>(h + o) + (1 - beta2) * (load<T>(u + o) * load<T>(hu + o)));
  }
}

export function sophia_f32(n: i32, p: usize, g: usize, m: usize, h: usize, beta1: f32, gamma: f32, decay: f32, negStep: f32, sign: f32): void {
  sophia<f32>(n, p, g, m, h, beta1, gamma, decay, negStep, sign);
}
export function sophia_f64(n: i32, p: usize, g: usize, m: usize, h: usize, beta1: f64, gamma: f64, decay: f64, negStep: f64, sign: f64): void {
  sophia<f64>(n, p, g, m, h, beta1, gamma, decay, negStep, sign);
}
export function sophiaHessian_f32(n: i32, h: usize, u: usize, hu: usize, beta2: f32): void {
  sophiaHessian<f32>(n, h, u, hu, beta2);
}
export function sophiaHessian_f64(n: i32, h: usize, u: usize, hu: usize, beta2: f64): void {
  sophiaHessian<f64>(n, h, u, hu, beta2);
}
