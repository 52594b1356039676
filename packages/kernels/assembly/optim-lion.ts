/**
 * Lion's fused update (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms",
 * Algorithm 2, as lucidrains/lion-pytorch orders it), one pass over memory, generic over f32/f64:
 *
 *   g  = s·∇f                          s = -1 with maximize
 *   θ  = θ·(1 - ηλ)                    decoupled weight decay (decay = 1 - ηλ, from the caller)
 *   c  = β1·m + (1 - β1)·g
 *   θ  = θ - η·sign(c)                 sign(0) = 0
 *   m  = β2·m + (1 - β2)·g
 *
 * Reads grad; reads and writes param and m (exp_avg). No two arrays may overlap.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

/** sign(x) lane-wise: 1, -1 or 0 (±0 stays 0). */
// @ts-ignore: decorator
@inline function vsign<T>(x: v128): v128 {
  const zero = v128.splat<T>(0);
  const pos = v128.and(v128.gt<T>(x, zero), v128.splat<T>(1));
  const neg = v128.and(v128.lt<T>(x, zero), v128.splat<T>(-1));
  return v128.or(pos, neg);
}

// @ts-ignore: decorator
@inline function sign<T>(x: T): T {
  return x > 0 ? <T>1 : x < 0 ? <T>-1 : <T>0;
}

function lion<T>(n: i32, param: usize, grad: usize, m: usize, lr: T, beta1: T, beta2: T, decay: T, gsign: T): void {
  const L = lanes<T>();
  const vb1 = v128.splat<T>(beta1);
  const v1b1 = v128.splat<T>(1 - beta1);
  const vb2 = v128.splat<T>(beta2);
  const v1b2 = v128.splat<T>(1 - beta2);
  const vdecay = v128.splat<T>(decay);
  const vs = v128.splat<T>(gsign);
  const vnlr = v128.splat<T>(-lr);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const g = v128.mul<T>(vs, v128.load(grad + o));
    const mo = v128.load(m + o);
    const c = v128.add<T>(v128.mul<T>(mo, vb1), v128.mul<T>(v1b1, g));
    const p = v128.mul<T>(v128.load(param + o), vdecay);
    v128.store(param + o, v128.add<T>(p, v128.mul<T>(vnlr, vsign<T>(c))));
    v128.store(m + o, v128.add<T>(v128.mul<T>(mo, vb2), v128.mul<T>(v1b2, g)));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const g = gsign * load<T>(grad + o);
    const mo = load<T>(m + o);
    const c = mo * beta1 + (1 - beta1) * g;
    store<T>(param + o, load<T>(param + o) * decay + -lr * sign<T>(c));
    store<T>(m + o, mo * beta2 + (1 - beta2) * g);
  }
}

export function lion_f32(n: i32, param: usize, grad: usize, m: usize, lr: f32, beta1: f32, beta2: f32, decay: f32, gsign: f32): void {
  lion<f32>(n, param, grad, m, lr, beta1, beta2, decay, gsign);
}
export function lion_f64(n: i32, param: usize, grad: usize, m: usize, lr: f64, beta1: f64, beta2: f64, decay: f64, gsign: f64): void {
  lion<f64>(n, param, grad, m, lr, beta1, beta2, decay, gsign);
}
