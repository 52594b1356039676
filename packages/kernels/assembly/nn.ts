/**
 * Neural-network primitives, generic over f32/f64: bias add, column sums, activations forward and
 * backward, dropout. Element-wise kernels run a v128 loop, then the tail: the simple ones in plain
 * scalar code, the transcendental ones by pushing the last n % lanes elements through the same
 * vector code (loadTail / storeTail), so every element gets the same arithmetic.
 *
 * Aliasing: every element-wise kernel reads element i before it writes element i, so the output
 * may be the input (forward in place: y == x; backward: dx == dy).
 */
import {
  lanes,
  loadTail,
  madd,
  normalAbs,
  signBits,
  splat,
  storeTail,
  vgaussian,
  vnormalCdf,
  vexp,
  vsigmoid,
  vtanh,
} from './transcendental';

/** Y[i, j] += b[j] for a rows x cols row-major Y. Reads b, updates y. */
function biasAdd<T>(rows: i32, cols: i32, y: usize, b: usize): void {
  const L = lanes<T>();
  for (let i = 0; i < rows; i++) {
    const row = y + <usize>i * <usize>cols * sizeof<T>();
    let j = 0;
    for (; j + L <= cols; j += L) {
      const o = <usize>j * sizeof<T>();
      v128.store(row + o, v128.add<T>(v128.load(row + o), v128.load(b + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j * sizeof<T>();
      store<T>(row + o, load<T>(row + o) + load<T>(b + o));
    }
  }
}

/**
 * out[j] = (accumulate ? out[j] : 0) + Σ_i dY[i, j]  (db of a bias), rows in order, for the `cols`
 * columns of a dY whose rows are `ld` elements apart. Reads dy, writes out.
 */
function columnSums<T>(rows: i32, cols: i32, ld: i32, dy: usize, out: usize, accumulate: i32): void {
  const L = lanes<T>();
  if (!accumulate) memory.fill(out, 0, <usize>cols * sizeof<T>());
  for (let i = 0; i < rows; i++) {
    const row = dy + <usize>i * <usize>ld * sizeof<T>();
    let j = 0;
    for (; j + L <= cols; j += L) {
      const o = <usize>j * sizeof<T>();
      v128.store(out + o, v128.add<T>(v128.load(out + o), v128.load(row + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j * sizeof<T>();
      store<T>(out + o, load<T>(out + o) + load<T>(row + o));
    }
  }
}

/**
 * ReLU y = max(x, 0). Backward (from the input x): dx = x > 0 ? dy : 0 (0 at x = 0, as torch).
 * Reads x, writes y. Kept apart from LeakyReLU so that relu(-inf) = 0 and dy = inf gives 0, not NaN.
 */
function relu<T>(n: i32, x: usize, y: usize): void {
  const L = lanes<T>();
  const zero = splat<T>(0);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    v128.store(y + o, v128.max<T>(v128.load(x + o), zero));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    store<T>(y + o, max<T>(load<T>(x + o), 0));
  }
}

function reluBackward<T>(n: i32, x: usize, dy: usize, dx: usize): void {
  const L = lanes<T>();
  const zero = splat<T>(0);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    v128.store(dx + o, v128.and(v128.load(dy + o), v128.gt<T>(v128.load(x + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    store<T>(dx + o, load<T>(x + o) > 0 ? load<T>(dy + o) : 0);
  }
}

/**
 * LeakyReLU y = x > 0 ? x : slope x. Reads x, writes y.
 * Backward (from the input x): dx = x > 0 ? dy : slope dy, as torch (gradient slope at x = 0).
 */
function leakyRelu<T>(n: i32, x: usize, y: usize, slope: T): void {
  const L = lanes<T>();
  const zero = splat<T>(0);
  const vs = v128.splat<T>(slope);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const v = v128.load(x + o);
    v128.store(y + o, v128.bitselect(v, v128.mul<T>(v, vs), v128.gt<T>(v, zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const v = load<T>(x + o);
    store<T>(y + o, v > 0 ? v : v * slope);
  }
}

function leakyReluBackward<T>(n: i32, x: usize, dy: usize, dx: usize, slope: T): void {
  const L = lanes<T>();
  const zero = splat<T>(0);
  const vs = v128.splat<T>(slope);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const g = v128.load(dy + o);
    v128.store(dx + o, v128.bitselect(g, v128.mul<T>(g, vs), v128.gt<T>(v128.load(x + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const g = load<T>(dy + o);
    store<T>(dx + o, load<T>(x + o) > 0 ? g : g * slope);
  }
}

/** sigmoid y = 1 / (1 + e^{-x}) (stable: see vsigmoid). Reads x, writes y. */
function sigmoid<T>(n: i32, x: usize, y: usize): void {
  const L = lanes<T>();
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    v128.store(y + o, vsigmoid<T>(v128.load(x + o)));
  }
  if (i < n) {
    const o = <usize>i * sizeof<T>();
    storeTail<T>(y + o, vsigmoid<T>(loadTail<T>(x + o, n - i)), n - i);
  }
}

/** tanh y = sign(x) (1 - e^{-2|x|}) / (1 + e^{-2|x|}) (see vtanh). Reads x, writes y. */
function tanh<T>(n: i32, x: usize, y: usize): void {
  const L = lanes<T>();
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    v128.store(y + o, vtanh<T>(v128.load(x + o)));
  }
  if (i < n) {
    const o = <usize>i * sizeof<T>();
    storeTail<T>(y + o, vtanh<T>(loadTail<T>(x + o, n - i)), n - i);
  }
}

/**
 * Backward of sigmoid and tanh from their saved OUTPUT y:
 *   sigmoid: dx = dy y (1 - y);   tanh: dx = dy (1 - y²).
 */
function sigmoidBackward<T>(n: i32, y: usize, dy: usize, dx: usize): void {
  const L = lanes<T>();
  const one = splat<T>(1);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const v = v128.load(y + o);
    v128.store(dx + o, v128.mul<T>(v128.load(dy + o), v128.mul<T>(v, v128.sub<T>(one, v))));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const v = load<T>(y + o);
    store<T>(dx + o, load<T>(dy + o) * (v * (1 - v)));
  }
}

function tanhBackward<T>(n: i32, y: usize, dy: usize, dx: usize): void {
  const L = lanes<T>();
  const one = splat<T>(1);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const v = v128.load(y + o);
    v128.store(dx + o, v128.mul<T>(v128.load(dy + o), v128.sub<T>(one, v128.mul<T>(v, v))));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const v = load<T>(y + o);
    store<T>(dx + o, load<T>(dy + o) * (1 - v * v));
  }
}

/**
 * GELU, exact (torch approximate='none'): y = x Φ(x), Φ(x) = (1 + erf(x/√2))/2.
 * Backward (from the input x): dx = dy (Φ(x) + x φ(x)), φ(x) = e^{-x²/2}/√(2π).
 */
// @ts-ignore: decorator
@inline function geluV<T>(x: v128): v128 {
  return v128.mul<T>(x, vnormalCdf<T>(x, normalAbs<T>(x)));
}

// @ts-ignore: decorator
@inline function geluGradV<T>(x: v128, dy: v128): v128 {
  const a = normalAbs<T>(x);
  const g = vgaussian<T>(a);
  const pdf = v128.mul<T>(g, splat<T>(0.3989422804014327));
  return v128.mul<T>(dy, madd<T>(x, pdf, vnormalCdf<T>(x, a)));
}

/**
 * GELU, tanh form (torch approximate='tanh'): y = x (1 + tanh u)/2, u = √(2/π)(x + 0.044715 x³),
 * evaluated as y = x σ(2u) (the same function: (1 + tanh u)/2 = σ(2u)) so the tail x << 0 has
 * no cancellation. Backward (from x): dx = dy (σ(2u) + x σ(2u) σ(-2u) 2u'), u' = √(2/π)(1 + 3·0.044715 x²).
 */
// @ts-ignore: decorator
@inline function twoU<T>(x: v128): v128 {
  const x2 = v128.mul<T>(x, x);
  const inner = madd<T>(v128.mul<T>(x2, x), splat<T>(0.044715), x);
  return v128.mul<T>(inner, splat<T>(1.5957691216057308)); // 2 √(2/π)
}

// @ts-ignore: decorator
@inline function geluTanhV<T>(x: v128): v128 {
  return v128.mul<T>(x, vsigmoid<T>(twoU<T>(x)));
}

// @ts-ignore: decorator
@inline function geluTanhGradV<T>(x: v128, dy: v128): v128 {
  const w = twoU<T>(x);
  // σ(w) and σ(-w) from one e = exp(-|w|): {1, e} / (1 + e), swapped by the sign of w
  const e = vexp<T>(v128.neg<T>(v128.abs<T>(w)));
  const d = v128.div<T>(splat<T>(1), v128.add<T>(splat<T>(1), e));
  const ed = v128.mul<T>(e, d);
  const pos = v128.ge<T>(w, splat<T>(0));
  const sp = v128.bitselect(d, ed, pos);
  const sm = v128.bitselect(ed, d, pos);
  const x2 = v128.mul<T>(x, x);
  const dw = madd<T>(x2, splat<T>(0.21406444881780073), splat<T>(1.5957691216057308)); // 2u'
  const inner = v128.mul<T>(v128.mul<T>(x, sp), v128.mul<T>(sm, dw));
  return v128.mul<T>(dy, v128.add<T>(sp, inner));
}

function gelu<T>(n: i32, x: usize, y: usize, tanhForm: i32): void {
  const L = lanes<T>();
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const v = v128.load(x + o);
    v128.store(y + o, tanhForm ? geluTanhV<T>(v) : geluV<T>(v));
  }
  if (i < n) {
    const o = <usize>i * sizeof<T>();
    const v = loadTail<T>(x + o, n - i);
    storeTail<T>(y + o, tanhForm ? geluTanhV<T>(v) : geluV<T>(v), n - i);
  }
}

function geluBackward<T>(n: i32, x: usize, dy: usize, dx: usize, tanhForm: i32): void {
  const L = lanes<T>();
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const v = v128.load(x + o);
    const g = v128.load(dy + o);
    v128.store(dx + o, tanhForm ? geluTanhGradV<T>(v, g) : geluGradV<T>(v, g));
  }
  if (i < n) {
    const o = <usize>i * sizeof<T>();
    const v = loadTail<T>(x + o, n - i);
    const g = loadTail<T>(dy + o, n - i);
    storeTail<T>(dx + o, tanhForm ? geluTanhGradV<T>(v, g) : geluGradV<T>(v, g), n - i);
  }
}

/**
 * Dropout with a given mask: y = x * mask * scale, scale = 1/(1 - p) (inverted dropout; mask
 * holds 0 or 1). Its backward is the same call on dy. Reads x, mask; writes y (may alias x).
 */
function dropout<T>(n: i32, x: usize, mask: usize, y: usize, scale: T): void {
  const L = lanes<T>();
  const vs = v128.splat<T>(scale);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    v128.store(y + o, v128.mul<T>(v128.mul<T>(v128.load(x + o), v128.load(mask + o)), vs));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    store<T>(y + o, load<T>(x + o) * load<T>(mask + o) * scale);
  }
}

export function biasAdd_f32(r: i32, c: i32, y: usize, b: usize): void { biasAdd<f32>(r, c, y, b); }
export function biasAdd_f64(r: i32, c: i32, y: usize, b: usize): void { biasAdd<f64>(r, c, y, b); }
export function columnSums_f32(r: i32, c: i32, dy: usize, out: usize, acc: i32): void { columnSums<f32>(r, c, c, dy, out, acc); }
export function columnSums_f64(r: i32, c: i32, dy: usize, out: usize, acc: i32): void { columnSums<f64>(r, c, c, dy, out, acc); }
/**
 * Columns j0 <= j < j1 of columnSums over a dY with `cols` columns, a part for threads: each column
 * is summed over the rows in the same order as the whole call. The part sums into `scratch`, its
 * own cache-line-aligned block of j1 - j0 elements, and writes its columns of `out` once at the end
 * (summing in `out` itself, two threads would write one cache line at every row wherever the
 * boundary falls inside a line).
 */
function columnSumsPart<T>(rows: i32, cols: i32, j0: i32, j1: i32, dy: usize, out: usize, accumulate: i32, scratch: usize): void {
  const bytes = <usize>(j1 - j0) * sizeof<T>();
  const o = out + <usize>j0 * sizeof<T>();
  if (accumulate) memory.copy(scratch, o, bytes);
  else memory.fill(scratch, 0, bytes);
  columnSums<T>(rows, j1 - j0, cols, dy + <usize>j0 * sizeof<T>(), scratch, 1);
  memory.copy(o, scratch, bytes);
}
export function columnSums_cols_f32(r: i32, cols: i32, j0: i32, j1: i32, dy: usize, out: usize, acc: i32, scratch: usize): void {
  columnSumsPart<f32>(r, cols, j0, j1, dy, out, acc, scratch);
}
export function columnSums_cols_f64(r: i32, cols: i32, j0: i32, j1: i32, dy: usize, out: usize, acc: i32, scratch: usize): void {
  columnSumsPart<f64>(r, cols, j0, j1, dy, out, acc, scratch);
}
export function relu_f32(n: i32, x: usize, y: usize): void { relu<f32>(n, x, y); }
export function relu_f64(n: i32, x: usize, y: usize): void { relu<f64>(n, x, y); }
export function reluBackward_f32(n: i32, x: usize, dy: usize, dx: usize): void { reluBackward<f32>(n, x, dy, dx); }
export function reluBackward_f64(n: i32, x: usize, dy: usize, dx: usize): void { reluBackward<f64>(n, x, dy, dx); }
export function leakyRelu_f32(n: i32, x: usize, y: usize, s: f32): void { leakyRelu<f32>(n, x, y, s); }
export function leakyRelu_f64(n: i32, x: usize, y: usize, s: f64): void { leakyRelu<f64>(n, x, y, s); }
export function leakyReluBackward_f32(n: i32, x: usize, dy: usize, dx: usize, s: f32): void { leakyReluBackward<f32>(n, x, dy, dx, s); }
export function leakyReluBackward_f64(n: i32, x: usize, dy: usize, dx: usize, s: f64): void { leakyReluBackward<f64>(n, x, dy, dx, s); }
export function sigmoid_f32(n: i32, x: usize, y: usize): void { sigmoid<f32>(n, x, y); }
export function sigmoid_f64(n: i32, x: usize, y: usize): void { sigmoid<f64>(n, x, y); }
export function sigmoidBackward_f32(n: i32, y: usize, dy: usize, dx: usize): void { sigmoidBackward<f32>(n, y, dy, dx); }
export function sigmoidBackward_f64(n: i32, y: usize, dy: usize, dx: usize): void { sigmoidBackward<f64>(n, y, dy, dx); }
export function tanh_f32(n: i32, x: usize, y: usize): void { tanh<f32>(n, x, y); }
export function tanh_f64(n: i32, x: usize, y: usize): void { tanh<f64>(n, x, y); }
export function tanhBackward_f32(n: i32, y: usize, dy: usize, dx: usize): void { tanhBackward<f32>(n, y, dy, dx); }
export function tanhBackward_f64(n: i32, y: usize, dy: usize, dx: usize): void { tanhBackward<f64>(n, y, dy, dx); }
export function gelu_f32(n: i32, x: usize, y: usize, t: i32): void { gelu<f32>(n, x, y, t); }
export function gelu_f64(n: i32, x: usize, y: usize, t: i32): void { gelu<f64>(n, x, y, t); }
export function geluBackward_f32(n: i32, x: usize, dy: usize, dx: usize, t: i32): void { geluBackward<f32>(n, x, dy, dx, t); }
export function geluBackward_f64(n: i32, x: usize, dy: usize, dx: usize, t: i32): void { geluBackward<f64>(n, x, dy, dx, t); }
export function dropout_f32(n: i32, x: usize, m: usize, y: usize, s: f32): void { dropout<f32>(n, x, m, y, s); }
export function dropout_f64(n: i32, x: usize, m: usize, y: usize, s: f64): void { dropout<f64>(n, x, m, y, s); }
