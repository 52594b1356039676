/**
 * Adagrad's fused update (torch.optim.Adagrad), one pass over memory, generic over f32/f64:
 *
 *   g  = s·∇f + λθ                  s = -1 with maximize, λ = weightDecay
 *   G  = G + g²                     the running sum of squares (state_sum)
 *   θ  = θ - clr·g / (√G + ε)       clr = lr / (1 + (t - 1)·lrDecay), computed by the caller
 *
 * Reads grad; reads and writes param and sum. The three arrays must not overlap.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

function adagrad<T>(n: i32, param: usize, grad: usize, sum: usize, clr: T, eps: T, wd: T, gsign: T): void {
  const L = lanes<T>();
  const vclr = v128.splat<T>(-clr);
  const veps = v128.splat<T>(eps);
  const vwd = v128.splat<T>(wd);
  const vs = v128.splat<T>(gsign);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const p = v128.load(param + o);
    const g = v128.add<T>(v128.mul<T>(vs, v128.load(grad + o)), v128.mul<T>(vwd, p));
    const G = v128.add<T>(v128.load(sum + o), v128.mul<T>(g, g));
    v128.store(sum + o, G);
    const std = v128.add<T>(v128.sqrt<T>(G), veps);
    v128.store(param + o, v128.add<T>(p, v128.div<T>(v128.mul<T>(vclr, g), std)));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const p = load<T>(param + o);
    const g = gsign * load<T>(grad + o) + wd * p;
    const G = load<T>(sum + o) + g * g;
    store<T>(sum + o, G);
    store<T>(param + o, p + (-clr * g) / (sqrt<T>(G) + eps));
  }
}

export function adagrad_f32(n: i32, param: usize, grad: usize, sum: usize, clr: f32, eps: f32, wd: f32, gsign: f32): void {
  adagrad<f32>(n, param, grad, sum, clr, eps, wd, gsign);
}
export function adagrad_f64(n: i32, param: usize, grad: usize, sum: usize, clr: f64, eps: f64, wd: f64, gsign: f64): void {
  adagrad<f64>(n, param, grad, sum, clr, eps, wd, gsign);
}
