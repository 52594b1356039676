/**
 * Rprop's and ASGD's fused updates (torch.optim.Rprop, torch.optim.ASGD), one pass over memory
 * each, generic over f32/f64. Reads grad; reads and writes param and the state arrays; no two
 * arrays may overlap.
 *
 * Rprop (Riedmiller & Braun 1993, torch's variant without weight backtracking):
 *   g  = s·∇f                                   s = -1 with maximize
 *   q  = g·g_prev
 *   Δ  = clamp(Δ·(q > 0 ? η+ : q < 0 ? η- : 1), Δmin, Δmax)
 *   g  = q < 0 ? 0 : g                          a sign flip skips this coordinate once
 *   θ  = θ - sign(g)·Δ,   g_prev = g
 *
 * ASGD (Polyak & Juditsky 1992 averaging of SGD with decay, torch's form):
 *   g  = s·∇f + λθ
 *   θ  = θ·(1 - λ_d η_t) - η_t·g                decay = 1 - lambd·eta, from the caller
 *   ax = μ_t = 1 ? θ : ax + (θ - ax)·μ_t        (copy = 1 selects the first form)
 * η_t = lr / (1 + lambd·lr·t)^alpha and μ_t = 1 / max(1, t - t0) are computed by the caller.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

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

function rprop<T>(
  n: i32, param: usize, grad: usize, prev: usize, stepSize: usize,
  etaMinus: T, etaPlus: T, stepMin: T, stepMax: T, gsign: T,
): void {
  const L = lanes<T>();
  const vs = v128.splat<T>(gsign);
  const vzero = v128.splat<T>(0);
  const vone = v128.splat<T>(1);
  const vminus = v128.splat<T>(etaMinus);
  const vplus = v128.splat<T>(etaPlus);
  const vlo = v128.splat<T>(stepMin);
  const vhi = v128.splat<T>(stepMax);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const g = v128.mul<T>(vs, v128.load(grad + o));
    const q = v128.mul<T>(g, v128.load(prev + o));
    const up = v128.gt<T>(q, vzero);
    const down = v128.lt<T>(q, vzero);
    const factor = v128.bitselect(vplus, v128.bitselect(vminus, vone, down), up);
    const step = v128.min<T>(v128.max<T>(v128.mul<T>(v128.load(stepSize + o), factor), vlo), vhi);
    v128.store(stepSize + o, step);
    const gk = v128.andnot(g, down);
    v128.store(param + o, v128.sub<T>(v128.load(param + o), v128.mul<T>(vsign<T>(gk), step)));
    v128.store(prev + o, gk);
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    let g = gsign * load<T>(grad + o);
    const q = g * load<T>(prev + o);
    const factor = q > 0 ? etaPlus : q < 0 ? etaMinus : <T>1;
    const step = min<T>(max<T>(load<T>(stepSize + o) * factor, stepMin), stepMax);
    store<T>(stepSize + o, step);
    if (q < 0) g = 0;
    store<T>(param + o, load<T>(param + o) - sign<T>(g) * step);
    store<T>(prev + o, g);
  }
}

// @ts-ignore: decorator
@inline function asgdLoop<T>(
  n: i32, param: usize, grad: usize, ax: usize, eta: T, decay: T, mu: T, wd: T, gsign: T, COPY: bool,
): void {
  const L = lanes<T>();
  const vs = v128.splat<T>(gsign);
  const vwd = v128.splat<T>(wd);
  const vdecay = v128.splat<T>(decay);
  const vneta = v128.splat<T>(-eta);
  const vmu = v128.splat<T>(mu);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const p0 = v128.load(param + o);
    const g = v128.add<T>(v128.mul<T>(vs, v128.load(grad + o)), v128.mul<T>(vwd, p0));
    const p = v128.add<T>(v128.mul<T>(p0, vdecay), v128.mul<T>(vneta, g));
    v128.store(param + o, p);
    if (COPY) {
      v128.store(ax + o, p);
    } else {
      const a = v128.load(ax + o);
      v128.store(ax + o, v128.add<T>(a, v128.mul<T>(v128.sub<T>(p, a), vmu)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const p0 = load<T>(param + o);
    const g = gsign * load<T>(grad + o) + wd * p0;
    const p = p0 * decay + -eta * g;
    store<T>(param + o, p);
    if (COPY) {
      store<T>(ax + o, p);
    } else {
      const a = load<T>(ax + o);
      store<T>(ax + o, a + (p - a) * mu);
    }
  }
}

function asgd<T>(n: i32, param: usize, grad: usize, ax: usize, eta: T, decay: T, mu: T, wd: T, gsign: T, copy: i32): void {
  if (copy) asgdLoop<T>(n, param, grad, ax, eta, decay, mu, wd, gsign, true);
  else asgdLoop<T>(n, param, grad, ax, eta, decay, mu, wd, gsign, false);
}

export function rprop_f32(n: i32, param: usize, grad: usize, prev: usize, stepSize: usize, etaMinus: f32, etaPlus: f32, stepMin: f32, stepMax: f32, gsign: f32): void {
  rprop<f32>(n, param, grad, prev, stepSize, etaMinus, etaPlus, stepMin, stepMax, gsign);
}
export function rprop_f64(n: i32, param: usize, grad: usize, prev: usize, stepSize: usize, etaMinus: f64, etaPlus: f64, stepMin: f64, stepMax: f64, gsign: f64): void {
  rprop<f64>(n, param, grad, prev, stepSize, etaMinus, etaPlus, stepMin, stepMax, gsign);
}
export function asgd_f32(n: i32, param: usize, grad: usize, ax: usize, eta: f32, decay: f32, mu: f32, wd: f32, gsign: f32, copy: i32): void {
  asgd<f32>(n, param, grad, ax, eta, decay, mu, wd, gsign, copy);
}
export function asgd_f64(n: i32, param: usize, grad: usize, ax: usize, eta: f64, decay: f64, mu: f64, wd: f64, gsign: f64, copy: i32): void {
  asgd<f64>(n, param, grad, ax, eta, decay, mu, wd, gsign, copy);
}
