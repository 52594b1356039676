/**
 * Adadelta's fused update (torch.optim.Adadelta), one pass over memory, generic over f32/f64:
 *
 *   g  = s·∇f + λθ                        s = -1 with maximize, λ = weightDecay
 *   v  = ρ·v + (1 - ρ)·g²                 square_avg
 *   δ  = √(u + ε) / √(v + ε) · g          the step, in units of θ
 *   u  = ρ·u + (1 - ρ)·δ²                 acc_delta
 *   θ  = θ - η·δ
 *
 * Reads grad; reads and writes param, sq (v) and acc (u). No two arrays may overlap.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

function adadelta<T>(n: i32, param: usize, grad: usize, sq: usize, acc: usize, lr: T, rho: T, eps: T, wd: T, gsign: T): void {
  const L = lanes<T>();
  const vrho = v128.splat<T>(rho);
  const v1r = v128.splat<T>(1 - rho);
  const veps = v128.splat<T>(eps);
  const vwd = v128.splat<T>(wd);
  const vs = v128.splat<T>(gsign);
  const vnlr = v128.splat<T>(-lr);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const p = v128.load(param + o);
    const g = v128.add<T>(v128.mul<T>(vs, v128.load(grad + o)), v128.mul<T>(vwd, p));
    const v = v128.add<T>(v128.mul<T>(v128.load(sq + o), vrho), v128.mul<T>(v128.mul<T>(v1r, g), g));
    v128.store(sq + o, v);
    const u = v128.load(acc + o);
    const std = v128.sqrt<T>(v128.add<T>(v, veps));
    const delta = v128.mul<T>(v128.div<T>(v128.sqrt<T>(v128.add<T>(u, veps)), std), g);
    v128.store(acc + o, v128.add<T>(v128.mul<T>(u, vrho), v128.mul<T>(v128.mul<T>(v1r, delta), delta)));
    v128.store(param + o, v128.add<T>(p, v128.mul<T>(vnlr, delta)));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const p = load<T>(param + o);
    const g = gsign * load<T>(grad + o) + wd * p;
    const v = load<T>(sq + o) * rho + (1 - rho) * g * g;
    store<T>(sq + o, v);
    const u = load<T>(acc + o);
    const delta = (sqrt<T>(u + eps) / sqrt<T>(v + eps)) * g;
    store<T>(acc + o, u * rho + (1 - rho) * delta * delta);
    store<T>(param + o, p + -lr * delta);
  }
}

export function adadelta_f32(n: i32, param: usize, grad: usize, sq: usize, acc: usize, lr: f32, rho: f32, eps: f32, wd: f32, gsign: f32): void {
  adadelta<f32>(n, param, grad, sq, acc, lr, rho, eps, wd, gsign);
}
export function adadelta_f64(n: i32, param: usize, grad: usize, sq: usize, acc: usize, lr: f64, rho: f64, eps: f64, wd: f64, gsign: f64): void {
  adadelta<f64>(n, param, grad, sq, acc, lr, rho, eps, wd, gsign);
}
