/**
 * Muon's element-wise kernels (torch.optim.Muon), generic over f32/f64. The orthogonalization
 * between them (Newton-Schulz) is matrix products, done with gemm by the caller.
 *
 *   B = lerp(B, g, 1 - μ)                          momentum buffer (torch: buf.lerp_(grad, 1 - momentum))
 *   M = nesterov ? lerp(g, B, μ) : B               what gets orthogonalized
 *   θ = θ·(1 - ηλ) - η'·O                          O = NS(M), η' the adjusted learning rate
 *
 * torch's lerp(a, b, w) is `w < 0.5 ? a + w·(b - a) : b - (b - a)·(1 - w)`; `high` = 1 selects
 * the second form (written b + (-(1 - w))·(b - a)).
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

/** B = lerp(B, g, w1); out = nesterov ? lerp(g, B, w2) : B. Reads grad; writes buf and out (none overlap). */
function muonMomentum<T>(n: i32, grad: usize, buf: usize, out: usize, w1: T, high1: i32, w2: T, high2: i32, nesterov: i32): void {
  const L = lanes<T>();
  const k1 = high1 ? -(<T>1 - w1) : w1;
  const k2 = high2 ? -(<T>1 - w2) : w2;
  const vk1 = v128.splat<T>(k1);
  const vk2 = v128.splat<T>(k2);
  const m1 = high1 ? v128.splat<i32>(-1) : v128.splat<i32>(0);
  const m2 = high2 ? v128.splat<i32>(-1) : v128.splat<i32>(0);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const g = v128.load(grad + o);
    const b0 = v128.load(buf + o);
    // lerp(b0, g, w1): base = high1 ? g : b0
    const b = v128.add<T>(v128.bitselect(g, b0, m1), v128.mul<T>(vk1, v128.sub<T>(g, b0)));
    v128.store(buf + o, b);
    if (nesterov) {
      // lerp(g, b, w2): base = high2 ? b : g
      v128.store(out + o, v128.add<T>(v128.bitselect(b, g, m2), v128.mul<T>(vk2, v128.sub<T>(b, g))));
    } else {
      v128.store(out + o, b);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const g = load<T>(grad + o);
    const b0 = load<T>(buf + o);
    const b = (high1 ? g : b0) + k1 * (g - b0);
    store<T>(buf + o, b);
    store<T>(out + o, nesterov ? (high2 ? b : g) + k2 * (b - g) : b);
  }
}

/** θ = θ·decay + negLr·O. Reads update; reads and writes param (they must not overlap). */
function muonApply<T>(n: i32, param: usize, update: usize, decay: T, negLr: T): void {
  const L = lanes<T>();
  const vd = v128.splat<T>(decay);
  const vl = v128.splat<T>(negLr);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    v128.store(param + o, v128.add<T>(v128.mul<T>(v128.load(param + o), vd), v128.mul<T>(vl, v128.load(update + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    store<T>(param + o, load<T>(param + o) * decay + negLr * load<T>(update + o));
  }
}

export function muonMomentum_f32(n: i32, grad: usize, buf: usize, out: usize, w1: f32, high1: i32, w2: f32, high2: i32, nesterov: i32): void {
  muonMomentum<f32>(n, grad, buf, out, w1, high1, w2, high2, nesterov);
}
export function muonMomentum_f64(n: i32, grad: usize, buf: usize, out: usize, w1: f64, high1: i32, w2: f64, high2: i32, nesterov: i32): void {
  muonMomentum<f64>(n, grad, buf, out, w1, high1, w2, high2, nesterov);
}
export function muonApply_f32(n: i32, param: usize, update: usize, decay: f32, negLr: f32): void {
  muonApply<f32>(n, param, update, decay, negLr);
}
export function muonApply_f64(n: i32, param: usize, update: usize, decay: f64, negLr: f64): void {
  muonApply<f64>(n, param, update, decay, negLr);
}
