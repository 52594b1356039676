/**
 * Reductions over the middle axis of x viewed as [outer, n, inner], generic over f32/f64:
 *
 *   out[o, i] = op_k x[o, k, i],   op = sum | max | min,   out is [outer, inner].
 *
 * inner = 1 (row reductions): a v128 loop along each row. inner > 1 (column reductions): a v128
 * loop across inner, adding row k of the slab into the output row. f32 sums accumulate in f64
 * (rows: f64x2 accumulators; columns: a block of 256 f64 partial sums in static scratch), so a
 * 1e6-element f32 sum keeps ~1e-7 relative accuracy. max/min propagate NaN (wasm min/max do);
 * n = 0 gives 0 (sum), -Inf (max), +Inf (min). Reads x, writes out (they must not overlap).
 */
import { addWide, hmax, hsum, lanes } from './transcendental';

const SUM = 0;
const MAX = 1;
const MIN = 2;

const BLOCK = 256;
const COLUMN_SUMS = memory.data(BLOCK * 8, 16); // f64 partial sums for f32 column sums

/** The smallest lane (NaN if any lane is NaN). */
// @ts-ignore: decorator
@inline function hmin<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    return <T>min(min(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), min(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
  }
  return <T>min(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
}

/** Σ_k row[k], k < n, accumulated in f64 (two f64x2 accumulators), rounded once to T. */
function rowSum<T>(n: i32, row: usize): T {
  const L = lanes<T>();
  const sz = <usize>sizeof<T>();
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let k = 0;
  for (; k + 2 * L <= n; k += 2 * L) {
    const o = <usize>k * sz;
    acc0 = addWide<T>(acc0, v128.load(row + o));
    acc1 = addWide<T>(acc1, v128.load(row + o + 16));
  }
  let s = hsum<f64>(f64x2.add(acc0, acc1));
  for (; k < n; k++) s += <f64>load<T>(row + <usize>k * sz);
  return <T>s;
}

/** max (or min) of row[k], k < n; -Inf (+Inf) for n = 0. */
// @ts-ignore: decorator
@inline function rowExtreme<T>(isMax: bool, n: i32, row: usize): T {
  const L = lanes<T>();
  const sz = <usize>sizeof<T>();
  const init: T = isMax ? <T>-Infinity : <T>Infinity;
  let acc0 = v128.splat<T>(init);
  let acc1 = acc0;
  let k = 0;
  for (; k + 2 * L <= n; k += 2 * L) {
    const o = <usize>k * sz;
    if (isMax) {
      acc0 = v128.max<T>(acc0, v128.load(row + o));
      acc1 = v128.max<T>(acc1, v128.load(row + o + 16));
    } else {
      acc0 = v128.min<T>(acc0, v128.load(row + o));
      acc1 = v128.min<T>(acc1, v128.load(row + o + 16));
    }
  }
  let m: T = isMax ? hmax<T>(v128.max<T>(acc0, acc1)) : hmin<T>(v128.min<T>(acc0, acc1));
  for (; k < n; k++) {
    const v = load<T>(row + <usize>k * sz);
    m = isMax ? max<T>(m, v) : min<T>(m, v);
  }
  return m;
}

/** out[j] (op)= src[j] for j < len: the step of a column reduction. */
// @ts-ignore: decorator
@inline function combineRow<T>(op: i32, len: i32, src: usize, out: usize): void {
  const L = lanes<T>();
  const sz = <usize>sizeof<T>();
  let j = 0;
  for (; j + L <= len; j += L) {
    const o = <usize>j * sz;
    const a = v128.load(out + o);
    const b = v128.load(src + o);
    v128.store(out + o, op == SUM ? v128.add<T>(a, b) : op == MAX ? v128.max<T>(a, b) : v128.min<T>(a, b));
  }
  for (; j < len; j++) {
    const o = <usize>j * sz;
    const a = load<T>(out + o);
    const b = load<T>(src + o);
    store<T>(out + o, op == SUM ? a + b : op == MAX ? max<T>(a, b) : min<T>(a, b));
  }
}

/** out[i] = op_k slab[k, i] for a [n, inner] slab, directly in T. */
// @ts-ignore: decorator
@inline function columnReduce<T>(op: i32, n: i32, inner: i32, slab: usize, out: usize): void {
  const sz = <usize>sizeof<T>();
  const init: T = op == SUM ? <T>0 : op == MAX ? <T>-Infinity : <T>Infinity;
  const vinit = v128.splat<T>(init);
  let j = 0;
  for (; j + lanes<T>() <= inner; j += lanes<T>()) v128.store(out + <usize>j * sz, vinit);
  for (; j < inner; j++) store<T>(out + <usize>j * sz, init);
  const rowBytes = <usize>inner * sz;
  for (let k = 0; k < n; k++) combineRow<T>(op, inner, slab + <usize>k * rowBytes, out);
}

/** out[i] = Σ_k slab[k, i] for an f32 [n, inner] slab, in blocks of 256 columns summed in f64. */
function columnSumF32(n: i32, inner: i32, slab: usize, out: usize): void {
  const rowBytes = <usize>inner << 2;
  for (let j0 = 0; j0 < inner; j0 += BLOCK) {
    const len = min(BLOCK, inner - j0);
    memory.fill(COLUMN_SUMS, 0, <usize>len << 3);
    const base = slab + (<usize>j0 << 2);
    for (let k = 0; k < n; k++) {
      const src = base + <usize>k * rowBytes;
      let j = 0;
      for (; j + 4 <= len; j += 4) {
        const v = v128.load(src + (<usize>j << 2));
        const acc = COLUMN_SUMS + (<usize>j << 3);
        v128.store(acc, f64x2.add(v128.load(acc), f64x2.promote_low_f32x4(v)));
        v128.store(acc + 16, f64x2.add(v128.load(acc + 16), f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1))));
      }
      for (; j < len; j++) {
        const acc = COLUMN_SUMS + (<usize>j << 3);
        store<f64>(acc, load<f64>(acc) + <f64>load<f32>(src + (<usize>j << 2)));
      }
    }
    const dst = out + (<usize>j0 << 2);
    let j = 0;
    for (; j + 4 <= len; j += 4) {
      const acc = COLUMN_SUMS + (<usize>j << 3);
      const lo = f32x4.demote_f64x2_zero(v128.load(acc));
      const hi = f32x4.demote_f64x2_zero(v128.load(acc + 16));
      v128.store(dst + (<usize>j << 2), v128.shuffle<i32>(lo, hi, 0, 1, 4, 5));
    }
    for (; j < len; j++) store<f32>(dst + (<usize>j << 2), <f32>load<f64>(COLUMN_SUMS + (<usize>j << 3)));
  }
}

// @ts-ignore: decorator
@inline function reduceAs<T>(op: i32, x: usize, outer: i32, n: i32, inner: i32, out: usize): void {
  const sz = <usize>sizeof<T>();
  const slabBytes = <usize>n * <usize>inner * sz;
  for (let o = 0; o < outer; o++) {
    const slab = x + <usize>o * slabBytes;
    if (inner == 1) {
      const r: T = op == SUM ? rowSum<T>(n, slab) : rowExtreme<T>(op == MAX, n, slab);
      store<T>(out + <usize>o * sz, r);
    } else if (op == SUM && sizeof<T>() == 4) {
      columnSumF32(n, inner, slab, out + <usize>o * <usize>inner * sz);
    } else {
      columnReduce<T>(op, n, inner, slab, out + <usize>o * <usize>inner * sz);
    }
  }
}

// One wasm function per op (V8 optimizes small functions' loops better, see elementwise.ts).
function reduceSum<T>(x: usize, outer: i32, n: i32, inner: i32, out: usize): void { reduceAs<T>(SUM, x, outer, n, inner, out); }
function reduceMax<T>(x: usize, outer: i32, n: i32, inner: i32, out: usize): void { reduceAs<T>(MAX, x, outer, n, inner, out); }
function reduceMin<T>(x: usize, outer: i32, n: i32, inner: i32, out: usize): void { reduceAs<T>(MIN, x, outer, n, inner, out); }

/** out[o, i] = op_k x[o, k, i] (op 0 = sum, 1 = max, 2 = min). Reads x, writes out. */
function reduce<T>(op: i32, x: usize, outer: i32, n: i32, inner: i32, out: usize): void {
  if (op == SUM) reduceSum<T>(x, outer, n, inner, out);
  else if (op == MAX) reduceMax<T>(x, outer, n, inner, out);
  else reduceMin<T>(x, outer, n, inner, out);
}

export function reduce_f32(op: i32, x: usize, outer: i32, n: i32, inner: i32, out: usize): void { reduce<f32>(op, x, outer, n, inner, out); }
export function reduce_f64(op: i32, x: usize, outer: i32, n: i32, inner: i32, out: usize): void { reduce<f64>(op, x, outer, n, inner, out); }
