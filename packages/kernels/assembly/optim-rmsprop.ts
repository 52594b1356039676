/**
 * RMSprop's fused update (torch.optim.RMSprop), one pass over memory, generic over f32/f64:
 *
 *   g  = s·∇f + λθ                     s = -1 with maximize, λ = weightDecay
 *   v  = α·v + (1 - α)·g²              square_avg
 *   centered:  ḡ = α·ḡ + (1 - α)·g,  d = √(v - ḡ²) + ε       else  d = √v + ε
 *   momentum:  b = μ·b + g / d,  θ = θ - η·b                  else  θ = θ - η·g / d
 *
 * `flags`: bit 0 = centered (gradAvg is read and written), bit 1 = momentum > 0 (buf is read and
 * written); pointers of unused state are ignored. Reads grad; reads and writes param and the state
 * arrays. No two arrays may overlap. Each flag combination is its own loop (no branch inside).
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

// @ts-ignore: decorator
@inline function rmspropLoop<T>(
  n: i32, param: usize, grad: usize, sq: usize, gavg: usize, buf: usize,
  lr: T, alpha: T, eps: T, wd: T, mom: T, gsign: T, CENTERED: bool, MOMENTUM: bool,
): void {
  const L = lanes<T>();
  const va = v128.splat<T>(alpha);
  const v1a = v128.splat<T>(1 - alpha);
  const veps = v128.splat<T>(eps);
  const vwd = v128.splat<T>(wd);
  const vs = v128.splat<T>(gsign);
  const vmom = v128.splat<T>(mom);
  const vnlr = v128.splat<T>(-lr);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const p = v128.load(param + o);
    const g = v128.add<T>(v128.mul<T>(vs, v128.load(grad + o)), v128.mul<T>(vwd, p));
    const v = v128.add<T>(v128.mul<T>(v128.load(sq + o), va), v128.mul<T>(v128.mul<T>(v1a, g), g));
    v128.store(sq + o, v);
    let d: v128;
    if (CENTERED) {
      const ga = v128.add<T>(v128.mul<T>(v128.load(gavg + o), va), v128.mul<T>(v1a, g));
      v128.store(gavg + o, ga);
      d = v128.add<T>(v128.sqrt<T>(v128.sub<T>(v, v128.mul<T>(ga, ga))), veps);
    } else {
      d = v128.add<T>(v128.sqrt<T>(v), veps);
    }
    if (MOMENTUM) {
      const b = v128.add<T>(v128.mul<T>(v128.load(buf + o), vmom), v128.div<T>(g, d));
      v128.store(buf + o, b);
      v128.store(param + o, v128.add<T>(p, v128.mul<T>(vnlr, b)));
    } else {
      v128.store(param + o, v128.add<T>(p, v128.div<T>(v128.mul<T>(vnlr, g), d)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const p = load<T>(param + o);
    const g = gsign * load<T>(grad + o) + wd * p;
    const v = load<T>(sq + o) * alpha + (1 - alpha) * g * g;
    store<T>(sq + o, v);
    let d: T;
    if (CENTERED) {
      const ga = load<T>(gavg + o) * alpha + (1 - alpha) * g;
      store<T>(gavg + o, ga);
      d = sqrt<T>(v - ga * ga) + eps;
    } else {
      d = sqrt<T>(v) + eps;
    }
    if (MOMENTUM) {
      const b = load<T>(buf + o) * mom + g / d;
      store<T>(buf + o, b);
      store<T>(param + o, p + -lr * b);
    } else {
      store<T>(param + o, p + (-lr * g) / d);
    }
  }
}

function rmsprop<T>(
  n: i32, param: usize, grad: usize, sq: usize, gavg: usize, buf: usize,
  lr: T, alpha: T, eps: T, wd: T, mom: T, gsign: T, flags: i32,
): void {
  if (flags == 0) rmspropLoop<T>(n, param, grad, sq, gavg, buf, lr, alpha, eps, wd, mom, gsign, false, false);
  else if (flags == 1) rmspropLoop<T>(n, param, grad, sq, gavg, buf, lr, alpha, eps, wd, mom, gsign, true, false);
  else if (flags == 2) rmspropLoop<T>(n, param, grad, sq, gavg, buf, lr, alpha, eps, wd, mom, gsign, false, true);
  else rmspropLoop<T>(n, param, grad, sq, gavg, buf, lr, alpha, eps, wd, mom, gsign, true, true);
}

export function rmsprop_f32(
  n: i32, param: usize, grad: usize, sq: usize, gavg: usize, buf: usize,
  lr: f32, alpha: f32, eps: f32, wd: f32, mom: f32, gsign: f32, flags: i32,
): void {
  rmsprop<f32>(n, param, grad, sq, gavg, buf, lr, alpha, eps, wd, mom, gsign, flags);
}
export function rmsprop_f64(
  n: i32, param: usize, grad: usize, sq: usize, gavg: usize, buf: usize,
  lr: f64, alpha: f64, eps: f64, wd: f64, mom: f64, gsign: f64, flags: i32,
): void {
  rmsprop<f64>(n, param, grad, sq, gavg, buf, lr, alpha, eps, wd, mom, gsign, flags);
}
