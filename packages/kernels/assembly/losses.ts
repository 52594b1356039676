/**
 * Element-wise losses with their gradients in the same pass, generic over f32/f64, mean over the
 * n elements (torch's reduction='mean'); sums accumulate in f64. Each returns the loss and, when
 * g != 0, writes the gradient w.r.t. the prediction / logits (g may alias it).
 */
import { addWide, lanes, loadTail, splat, storeTail, tailMask, vexp, vlog1pUnit } from './transcendental';

/** Mean squared error: L = (1/n) Σ (p - t)², dL/dp = 2 (p - t) / n. */
function mse<T>(n: i32, p: usize, t: usize, g: usize): f64 {
  const L = lanes<T>();
  const k = splat<T>(2.0 / <f64>n);
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const d = v128.sub<T>(v128.load(p + o), v128.load(t + o));
    acc = addWide<T>(acc, v128.mul<T>(d, d));
    if (g) v128.store(g + o, v128.mul<T>(d, k));
  }
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  const kk = <T>(2.0 / <f64>n);
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const d = load<T>(p + o) - load<T>(t + o);
    sum += <f64>(d * d);
    if (g) store<T>(g + o, d * kk);
  }
  return sum / <f64>n;
}

/**
 * Binary cross-entropy with logits x and targets y in [0, 1], in the stable form
 *   ℓ = max(x, 0) - x y + log(1 + e^{-|x|}),   dℓ/dx = σ(x) - y,
 * with σ(x) = 1/(1+e) for x >= 0 and e/(1+e) for x < 0, e = e^{-|x|} (shared with ℓ).
 * L = (1/n) Σ ℓ, dL/dx = (σ(x) - y)/n.
 */
// @ts-ignore: decorator
@inline function bceTerms<T>(x: v128, y: v128, invN: v128, g: usize, at: usize, tail: i32): v128 {
  const zero = splat<T>(0);
  const e = vexp<T>(v128.neg<T>(v128.abs<T>(x)));
  const loss = v128.add<T>(v128.sub<T>(v128.max<T>(x, zero), v128.mul<T>(x, y)), vlog1pUnit<T>(e));
  if (g) {
    const num = v128.bitselect(splat<T>(1), e, v128.ge<T>(x, zero));
    const s = v128.div<T>(num, v128.add<T>(splat<T>(1), e));
    const grad = v128.mul<T>(v128.sub<T>(s, y), invN);
    if (tail) storeTail<T>(at, grad, tail);
    else v128.store(at, grad);
  }
  return loss;
}

function bceWithLogits<T>(n: i32, x: usize, y: usize, g: usize): f64 {
  const L = lanes<T>();
  const invN = splat<T>(1.0 / <f64>n);
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    acc = addWide<T>(acc, bceTerms<T>(v128.load(x + o), v128.load(y + o), invN, g, g + o, 0));
  }
  if (i < n) {
    const o = <usize>i * sizeof<T>();
    const m = n - i;
    const terms = bceTerms<T>(loadTail<T>(x + o, m), loadTail<T>(y + o, m), invN, g, g + o, m);
    acc = addWide<T>(acc, v128.and(terms, tailMask<T>(m)));
  }
  return (f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1)) / <f64>n;
}

/**
 * A chunk of bceWithLogits for threads: n elements of an array of `total`, the gradient (1/total
 * for the mean) written when g != 0, and the loss terms ℓ stored to `terms` (T, n elements).
 * bceMeanOfTerms then sums all of them as bceWithLogits does, so the loss has its bits.
 */
function bceChunk<T>(n: i32, x: usize, y: usize, g: usize, terms: usize, total: i32): void {
  const L = lanes<T>();
  const invN = splat<T>(1.0 / <f64>total);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    v128.store(terms + o, bceTerms<T>(v128.load(x + o), v128.load(y + o), invN, g, g + o, 0));
  }
  if (i < n) {
    const o = <usize>i * sizeof<T>();
    const m = n - i;
    storeTail<T>(terms + o, bceTerms<T>(loadTail<T>(x + o, m), loadTail<T>(y + o, m), invN, g, g + o, m), m);
  }
}

/** (1/n) Σ terms, summed in bceWithLogits' order: f64 lanes over the vectors, the tail masked, lane 0 + lane 1. */
function bceMeanOfTerms<T>(n: i32, terms: usize): f64 {
  const L = lanes<T>();
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + L <= n; i += L) acc = addWide<T>(acc, v128.load(terms + <usize>i * sizeof<T>()));
  if (i < n) {
    const m = n - i;
    acc = addWide<T>(acc, v128.and(loadTail<T>(terms + <usize>i * sizeof<T>(), m), tailMask<T>(m)));
  }
  return (f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1)) / <f64>n;
}

export function bceWithLogitsChunk_f32(n: i32, x: usize, y: usize, g: usize, t: usize, total: i32): void { bceChunk<f32>(n, x, y, g, t, total); }
export function bceWithLogitsChunk_f64(n: i32, x: usize, y: usize, g: usize, t: usize, total: i32): void { bceChunk<f64>(n, x, y, g, t, total); }
export function bceMeanOfTerms_f32(n: i32, t: usize): f64 { return bceMeanOfTerms<f32>(n, t); }
export function bceMeanOfTerms_f64(n: i32, t: usize): f64 { return bceMeanOfTerms<f64>(n, t); }
export function mseLoss_f32(n: i32, p: usize, t: usize, g: usize): f64 { return mse<f32>(n, p, t, g); }
export function mseLoss_f64(n: i32, p: usize, t: usize, g: usize): f64 { return mse<f64>(n, p, t, g); }
export function bceWithLogits_f32(n: i32, x: usize, y: usize, g: usize): f64 { return bceWithLogits<f32>(n, x, y, g); }
export function bceWithLogits_f64(n: i32, x: usize, y: usize, g: usize): f64 { return bceWithLogits<f64>(n, x, y, g); }
