/**
 * Penalty and proximal kernels for @descent/regularizers, generic over f32/f64. Each reads x (the
 * parameter) and writes either g (the gradient, accumulated) or x itself (in place); x and g must
 * not alias.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

// @ts-ignore: decorator
@inline function hsum<T>(v: v128): f64 {
  if (sizeof<T>() == 4) {
    return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) +
      <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
  }
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

// @ts-ignore: decorator
@inline function signOf<T>(v: v128): v128 {
  // sign(x) in {-1, 0, 1}: (x > 0) - (x < 0), built from the comparison masks
  const one = v128.splat<T>(1);
  const pos = v128.and(v128.gt<T>(v, v128.splat<T>(0)), one);
  const neg = v128.and(v128.lt<T>(v, v128.splat<T>(0)), one);
  return v128.sub<T>(pos, neg);
}

/**
 * Ω(x) = l1 Σ|x_i| + a Σx_i²;  g_i += l1 sign(x_i) + b x_i.  Returns Ω(x). Reads x, updates g.
 * L1: (l1, 0, 0); notes' L2 λΣθ²: (0, λ, 2λ); torch's λ/2 ||θ||²: (0, λ/2, λ); elastic net: both.
 * sign(0) = 0 (the subgradient torch and scikit-learn use).
 */
function penaltyL1L2<T>(n: i32, x: usize, g: usize, l1: T, a: T, b: T, withGrad: bool): f64 {
  const L = lanes<T>();
  const vl1 = v128.splat<T>(l1);
  const vb = v128.splat<T>(b);
  let sAbs = v128.splat<T>(0);
  let sSq = v128.splat<T>(0);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const v = v128.load(x + o);
    sAbs = v128.add<T>(sAbs, v128.abs<T>(v));
    sSq = v128.add<T>(sSq, v128.mul<T>(v, v));
    if (withGrad) {
      const d = v128.add<T>(v128.mul<T>(vl1, signOf<T>(v)), v128.mul<T>(vb, v));
      v128.store(g + o, v128.add<T>(v128.load(g + o), d));
    }
  }
  let abs = hsum<T>(sAbs);
  let sq = hsum<T>(sSq);
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const v = load<T>(x + o);
    abs += <f64>Math.abs(v);
    sq += <f64>(v * v);
    if (withGrad) {
      const s: T = v > 0 ? 1 : v < 0 ? -1 : 0;
      store<T>(g + o, load<T>(g + o) + l1 * s + b * v);
    }
  }
  return <f64>l1 * abs + <f64>a * sq;
}

export function penalty_l1l2_f32(n: i32, x: usize, g: usize, l1: f32, a: f32, b: f32, withGrad: bool): f64 {
  return penaltyL1L2<f32>(n, x, g, l1, a, b, withGrad);
}
export function penalty_l1l2_f64(n: i32, x: usize, g: usize, l1: f64, a: f64, b: f64, withGrad: bool): f64 {
  return penaltyL1L2<f64>(n, x, g, l1, a, b, withGrad);
}

/**
 * In place: x_i <- scale * sign(x_i) max(|x_i| - t, 0).
 * scale = 1: soft-thresholding, the prox of t‖·‖₁; scale = 1/(1 + 2 t λ2): the prox of the
 * elastic net t(λ1‖x‖₁ + λ2‖x‖²) with t = step * λ1.
 */
function softThreshold<T>(n: i32, x: usize, t: T, scale: T): void {
  const L = lanes<T>();
  const vt = v128.splat<T>(t);
  const vs = v128.splat<T>(scale);
  const zero = v128.splat<T>(0);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const v = v128.load(x + o);
    const shrunk = v128.max<T>(v128.sub<T>(v128.abs<T>(v), vt), zero);
    v128.store(x + o, v128.mul<T>(vs, v128.mul<T>(signOf<T>(v), shrunk)));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const v = load<T>(x + o);
    const m = <T>Math.abs(v) - t;
    const s: T = v > 0 ? 1 : v < 0 ? -1 : 0;
    store<T>(x + o, m > 0 ? scale * s * m : <T>0);
  }
}

export function soft_threshold_f32(n: i32, x: usize, t: f32, scale: f32): void {
  softThreshold<f32>(n, x, t, scale);
}
export function soft_threshold_f64(n: i32, x: usize, t: f64, scale: f64): void {
  softThreshold<f64>(n, x, t, scale);
}

/**
 * Group norms of a rows x cols row-major matrix: out[k] = ‖group k‖₂ where the groups are rows
 * (byRows) or columns. Reads x, writes out (f64, length rows or cols).
 */
function groupNorms<T>(rows: i32, cols: i32, x: usize, byRows: bool, out: usize): void {
  const groups = byRows ? rows : cols;
  for (let k = 0; k < groups; k++) store<f64>(out + (<usize>k << 3), 0);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = <f64>load<T>(x + (<usize>(i * cols + j)) * sizeof<T>());
      const k = byRows ? i : j;
      const p = out + (<usize>k << 3);
      store<f64>(p, load<f64>(p) + v * v);
    }
  }
  for (let k = 0; k < groups; k++) {
    const p = out + (<usize>k << 3);
    store<f64>(p, Math.sqrt(load<f64>(p)));
  }
}

export function group_norms_f32(rows: i32, cols: i32, x: usize, byRows: bool, out: usize): void {
  groupNorms<f32>(rows, cols, x, byRows, out);
}
export function group_norms_f64(rows: i32, cols: i32, x: usize, byRows: bool, out: usize): void {
  groupNorms<f64>(rows, cols, x, byRows, out);
}

/**
 * In place: every group (row or column) k is multiplied by factor[k] (f64). Group soft-thresholding
 * uses factor = max(0, 1 - t/‖x_k‖), the max-norm constraint min(1, c/‖x_k‖).
 */
function scaleGroups<T>(rows: i32, cols: i32, x: usize, byRows: bool, factor: usize): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = byRows ? i : j;
      const p = x + (<usize>(i * cols + j)) * sizeof<T>();
      store<T>(p, <T>(<f64>load<T>(p) * load<f64>(factor + (<usize>k << 3))));
    }
  }
}

export function scale_groups_f32(rows: i32, cols: i32, x: usize, byRows: bool, factor: usize): void {
  scaleGroups<f32>(rows, cols, x, byRows, factor);
}
export function scale_groups_f64(rows: i32, cols: i32, x: usize, byRows: bool, factor: usize): void {
  scaleGroups<f64>(rows, cols, x, byRows, factor);
}
