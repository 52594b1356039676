/**
 * Row-wise softmax, log-softmax and the fused softmax + cross-entropy, generic over f32/f64, on a
 * rows x cols row-major matrix. Every row is shifted by its maximum m first (stable: every
 * exponent is <= 0, so logits of ±1000 give no Inf or NaN):
 *
 *   softmax(x)_j = e^{x_j - m} / Σ_k e^{x_k - m}
 *   logSoftmax(x)_j = (x_j - m) - log Σ_k e^{x_k - m}
 *
 * The mean squared error and binary cross-entropy losses live in losses.ts (re-exported here).
 */
import { hmax, hsum, lanes, loadTail, splat, storeTail, tailMask, vexp } from './transcendental';

export * from './losses';

/** max_j x[j] over one row of `cols` elements (-Inf for an empty row, NaN if any is NaN). */
function rowMax<T>(cols: i32, x: usize): T {
  const L = lanes<T>();
  let acc = splat<T>(-Infinity);
  let j = 0;
  for (; j + L <= cols; j += L) acc = v128.max<T>(acc, v128.load(x + <usize>j * sizeof<T>()));
  let m = hmax<T>(acc);
  for (; j < cols; j++) m = max<T>(m, load<T>(x + <usize>j * sizeof<T>()));
  return m;
}

/**
 * e_j = exp(x_j - m) for one row, written to `e` when e != 0; returns Σ_j e_j. The tail runs
 * through the same vector exp with its padding lanes masked out of the sum.
 */
function rowExpSum<T>(cols: i32, x: usize, m: T, e: usize): T {
  const L = lanes<T>();
  const mv = v128.splat<T>(m);
  let acc = splat<T>(0);
  let j = 0;
  for (; j + L <= cols; j += L) {
    const o = <usize>j * sizeof<T>();
    const v = vexp<T>(v128.sub<T>(v128.load(x + o), mv));
    if (e) v128.store(e + o, v);
    acc = v128.add<T>(acc, v);
  }
  if (j < cols) {
    const o = <usize>j * sizeof<T>();
    const v = v128.and(vexp<T>(v128.sub<T>(loadTail<T>(x + o, cols - j), mv)), tailMask<T>(cols - j));
    if (e) storeTail<T>(e + o, v, cols - j);
    acc = v128.add<T>(acc, v);
  }
  return hsum<T>(acc);
}

/** y[j] = x[j] * s over one row (the normalization pass). */
function rowScale<T>(cols: i32, x: usize, y: usize, s: T): void {
  const L = lanes<T>();
  const sv = v128.splat<T>(s);
  let j = 0;
  for (; j + L <= cols; j += L) {
    const o = <usize>j * sizeof<T>();
    v128.store(y + o, v128.mul<T>(v128.load(x + o), sv));
  }
  for (; j < cols; j++) {
    const o = <usize>j * sizeof<T>();
    store<T>(y + o, load<T>(x + o) * s);
  }
}

/** y[j] = (x[j] - m) - lse over one row: x - m first, exact for x near m even when |m| is large. */
function rowShift2<T>(cols: i32, x: usize, y: usize, m: T, lse: T): void {
  const L = lanes<T>();
  const mv = v128.splat<T>(m);
  const lv = v128.splat<T>(lse);
  let j = 0;
  for (; j + L <= cols; j += L) {
    const o = <usize>j * sizeof<T>();
    v128.store(y + o, v128.sub<T>(v128.sub<T>(v128.load(x + o), mv), lv));
  }
  for (; j < cols; j++) {
    const o = <usize>j * sizeof<T>();
    store<T>(y + o, load<T>(x + o) - m - lse);
  }
}

/** Row-wise softmax (log = 0) or log-softmax (log = 1) of x into y. y may be x. */
function softmaxRows<T>(rows: i32, cols: i32, x: usize, y: usize, log: i32): void {
  const rowBytes = <usize>cols * sizeof<T>();
  for (let i = 0; i < rows; i++) {
    const xr = x + <usize>i * rowBytes;
    const yr = y + <usize>i * rowBytes;
    const m = rowMax<T>(cols, xr);
    if (log) {
      const lse = <T>Math.log(<f64>rowExpSum<T>(cols, xr, m, 0));
      rowShift2<T>(cols, xr, yr, m, lse);
    } else {
      const sum = rowExpSum<T>(cols, xr, m, yr);
      rowScale<T>(cols, yr, yr, <T>1 / sum);
    }
  }
}

/** Σ_j a[j] b[j] over one row, or Σ_j a[j] when b == 0. */
function rowDotOrSum<T>(cols: i32, a: usize, b: usize): T {
  const L = lanes<T>();
  let acc = splat<T>(0);
  let j = 0;
  for (; j + L <= cols; j += L) {
    const o = <usize>j * sizeof<T>();
    const v = v128.load(a + o);
    acc = v128.add<T>(acc, b ? v128.mul<T>(v, v128.load(b + o)) : v);
  }
  let s = hsum<T>(acc);
  for (; j < cols; j++) {
    const o = <usize>j * sizeof<T>();
    s += b ? load<T>(a + o) * load<T>(b + o) : load<T>(a + o);
  }
  return s;
}

/**
 * Backward of the row-wise softmax (log = 0) and log-softmax (log = 1) from their saved OUTPUT y:
 *   softmax:     dx_j = y_j (dy_j - Σ_k dy_k y_k)
 *   logSoftmax:  dx_j = dy_j - e^{y_j} Σ_k dy_k
 * dx may be dy or y.
 */
function softmaxBackwardRows<T>(rows: i32, cols: i32, y: usize, dy: usize, dx: usize, log: i32): void {
  const L = lanes<T>();
  const rowBytes = <usize>cols * sizeof<T>();
  for (let i = 0; i < rows; i++) {
    const o = <usize>i * rowBytes;
    const yr = y + o;
    const gr = dy + o;
    const xr = dx + o;
    const sv = v128.splat<T>(rowDotOrSum<T>(cols, gr, log ? 0 : yr));
    let j = 0;
    for (; j + L <= cols; j += L) {
      const p = <usize>j * sizeof<T>();
      const yv = v128.load(yr + p);
      const gv = v128.load(gr + p);
      const d = log ? v128.sub<T>(gv, v128.mul<T>(vexp<T>(yv), sv)) : v128.mul<T>(yv, v128.sub<T>(gv, sv));
      v128.store(xr + p, d);
    }
    if (j < cols) {
      const p = <usize>j * sizeof<T>();
      const m = cols - j;
      const yv = loadTail<T>(yr + p, m);
      const gv = loadTail<T>(gr + p, m);
      const d = log ? v128.sub<T>(gv, v128.mul<T>(vexp<T>(yv), sv)) : v128.mul<T>(yv, v128.sub<T>(gv, sv));
      storeTail<T>(xr + p, d, m);
    }
  }
}

/**
 * Fused softmax + cross-entropy with integer class labels (stored as f32/f64 values of the
 * logits' type), mean over rows:
 *
 *   loss = (1/R) Σ_i [ m_i + log Σ_j e^{x_ij - m_i} - x_{i, y_i} ]
 *   dLogits_ij = (softmax(x_i)_j - [j = y_i]) / R          (written only when g != 0)
 *
 * One pass per row (the row stays in cache); the loss is accumulated in f64. Labels must be
 * integers in [0, cols): the TS wrapper checks them. g may be x (logits overwritten by dLogits).
 */
function softmaxCrossEntropy<T>(rows: i32, cols: i32, x: usize, labels: usize, g: usize): f64 {
  const invR = 1.0 / <f64>rows;
  let loss = 0.0;
  for (let i = 0; i < rows; i++) loss += crossEntropyRow<T>(i, cols, x, labels, g, invR);
  return loss * invR;
}

/**
 * Row i of softmaxCrossEntropy: writes its dLogits row (when g != 0) and returns its term
 * m_i + log Σ_j e^{x_ij - m_i} - x_{i, y_i}.
 */
// @ts-ignore: decorator
@inline function crossEntropyRow<T>(i: i32, cols: i32, x: usize, labels: usize, g: usize, invR: f64): f64 {
  const rowBytes = <usize>cols * sizeof<T>();
  const xr = x + <usize>i * rowBytes;
  const gr = g ? g + <usize>i * rowBytes : 0;
  const label = <usize>(<i32>load<T>(labels + <usize>i * sizeof<T>()));
  const target = <f64>load<T>(xr + label * sizeof<T>()); // read before g may overwrite it
  const m = rowMax<T>(cols, xr);
  const sum = rowExpSum<T>(cols, xr, m, gr);
  if (g) {
    rowScale<T>(cols, gr, gr, <T>(invR / <f64>sum));
    const p = gr + label * sizeof<T>();
    store<T>(p, load<T>(p) - <T>invR);
  }
  return (<f64>m - target) + Math.log(<f64>sum);
}

/**
 * Rows r0 <= i < r1 of softmaxCrossEntropy over `rows` rows (a part for threads): dLogits as the
 * whole call writes them, and each row's term in terms[i] (f64); the caller sums the terms in row
 * order and multiplies by 1/rows, the whole call's arithmetic, so the loss has the same bits.
 */
function softmaxCrossEntropyRows<T>(r0: i32, r1: i32, rows: i32, cols: i32, x: usize, labels: usize, g: usize, terms: usize): void {
  const invR = 1.0 / <f64>rows;
  for (let i = r0; i < r1; i++) store<f64>(terms + (<usize>i << 3), crossEntropyRow<T>(i, cols, x, labels, g, invR));
}

export function softmax_f32(r: i32, c: i32, x: usize, y: usize): void { softmaxRows<f32>(r, c, x, y, 0); }
export function softmax_f64(r: i32, c: i32, x: usize, y: usize): void { softmaxRows<f64>(r, c, x, y, 0); }
export function logSoftmax_f32(r: i32, c: i32, x: usize, y: usize): void { softmaxRows<f32>(r, c, x, y, 1); }
export function logSoftmax_f64(r: i32, c: i32, x: usize, y: usize): void { softmaxRows<f64>(r, c, x, y, 1); }
export function softmaxBackward_f32(r: i32, c: i32, y: usize, dy: usize, dx: usize): void {
  softmaxBackwardRows<f32>(r, c, y, dy, dx, 0);
}
export function softmaxBackward_f64(r: i32, c: i32, y: usize, dy: usize, dx: usize): void {
  softmaxBackwardRows<f64>(r, c, y, dy, dx, 0);
}
export function logSoftmaxBackward_f32(r: i32, c: i32, y: usize, dy: usize, dx: usize): void {
  softmaxBackwardRows<f32>(r, c, y, dy, dx, 1);
}
export function logSoftmaxBackward_f64(r: i32, c: i32, y: usize, dy: usize, dx: usize): void {
  softmaxBackwardRows<f64>(r, c, y, dy, dx, 1);
}
export function softmaxCrossEntropy_f32(r: i32, c: i32, x: usize, labels: usize, g: usize): f64 {
  return softmaxCrossEntropy<f32>(r, c, x, labels, g);
}
export function softmaxCrossEntropy_f64(r: i32, c: i32, x: usize, labels: usize, g: usize): f64 {
  return softmaxCrossEntropy<f64>(r, c, x, labels, g);
}
export function softmaxCrossEntropy_rows_f32(r0: i32, r1: i32, r: i32, c: i32, x: usize, labels: usize, g: usize, terms: usize): void {
  softmaxCrossEntropyRows<f32>(r0, r1, r, c, x, labels, g, terms);
}
export function softmaxCrossEntropy_rows_f64(r0: i32, r1: i32, r: i32, c: i32, x: usize, labels: usize, g: usize, terms: usize): void {
  softmaxCrossEntropyRows<f64>(r0, r1, r, c, x, labels, g, terms);
}
