/**
 * Gather and scatter-add along the middle axis, generic over f32/f64. x is viewed as
 * [outer, V, inner]; indices (m of them, stored as T, integers in [0, V)) pick rows of that axis:
 *
 *   indexSelect:  out[o, j, i] = x[o, indices[j], i]        (embedding lookup, gather)
 *   indexAdd:     dst[o, indices[j], i] += src[o, j, i]     (its backward; repeated indices add up)
 *
 * Each picked row of `inner` elements is a memory.copy (select) or a v128 add loop with a scalar
 * tail (add). The wrapper first calls indexCheck, so the kernels never see a bad index.
 */
import { lanes } from './transcendental';

/** The first j < m whose indices[j] is not an integer in [0, V) (NaN included), or -1. */
function indexCheck<T>(m: i32, indices: usize, V: i32): i32 {
  const sz = <usize>sizeof<T>();
  for (let j = 0; j < m; j++) {
    const v = load<T>(indices + <usize>j * sz);
    if (!(v >= 0 && v < <T>V && floor<T>(v) == v)) return j;
  }
  return -1;
}

/** out[o, j, :] = x[o, indices[j], :]. Reads x, indices; writes out (no overlap). */
function indexSelect<T>(x: usize, outer: i32, V: i32, inner: i32, indices: usize, m: i32, out: usize): void {
  const sz = <usize>sizeof<T>();
  const rowBytes = <usize>inner * sz;
  for (let o = 0; o < outer; o++) {
    const slab = x + <usize>o * <usize>V * rowBytes;
    const dst = out + <usize>o * <usize>m * rowBytes;
    for (let j = 0; j < m; j++) {
      const k = <usize>(<i32>load<T>(indices + <usize>j * sz));
      if (inner == 1) store<T>(dst + <usize>j * sz, load<T>(slab + k * sz));
      else memory.copy(dst + <usize>j * rowBytes, slab + k * rowBytes, rowBytes);
    }
  }
}

/**
 * indexCheck, then indexSelect if every index is good: 0, or j + 1 for the first bad indices[j]
 * (then nothing is written). One export call, so a kernel program can record it.
 */
function indexSelectChecked<T>(x: usize, outer: i32, V: i32, inner: i32, indices: usize, m: i32, out: usize): i32 {
  const bad = indexCheck<T>(m, indices, V);
  if (bad >= 0) return bad + 1;
  indexSelect<T>(x, outer, V, inner, indices, m, out);
  return 0;
}

/** dst[o, indices[j], :] += src[o, j, :]. Reads src, indices; updates dst (no overlap). */
function indexAdd<T>(src: usize, outer: i32, m: i32, inner: i32, indices: usize, dst: usize, V: i32): void {
  const L = lanes<T>();
  const sz = <usize>sizeof<T>();
  const rowBytes = <usize>inner * sz;
  for (let o = 0; o < outer; o++) {
    const from = src + <usize>o * <usize>m * rowBytes;
    const slab = dst + <usize>o * <usize>V * rowBytes;
    for (let j = 0; j < m; j++) {
      const s = from + <usize>j * rowBytes;
      const d = slab + <usize>(<i32>load<T>(indices + <usize>j * sz)) * rowBytes;
      let i = 0;
      for (; i + L <= inner; i += L) {
        const p = <usize>i * sz;
        v128.store(d + p, v128.add<T>(v128.load(d + p), v128.load(s + p)));
      }
      for (; i < inner; i++) {
        const p = <usize>i * sz;
        store<T>(d + p, load<T>(d + p) + load<T>(s + p));
      }
    }
  }
}

export function indexCheck_f32(m: i32, idx: usize, V: i32): i32 { return indexCheck<f32>(m, idx, V); }
export function indexCheck_f64(m: i32, idx: usize, V: i32): i32 { return indexCheck<f64>(m, idx, V); }
export function indexSelect_f32(x: usize, outer: i32, V: i32, inner: i32, idx: usize, m: i32, out: usize): void { indexSelect<f32>(x, outer, V, inner, idx, m, out); }
export function indexSelect_f64(x: usize, outer: i32, V: i32, inner: i32, idx: usize, m: i32, out: usize): void { indexSelect<f64>(x, outer, V, inner, idx, m, out); }
export function indexSelectChecked_f32(x: usize, outer: i32, V: i32, inner: i32, idx: usize, m: i32, out: usize): i32 { return indexSelectChecked<f32>(x, outer, V, inner, idx, m, out); }
export function indexSelectChecked_f64(x: usize, outer: i32, V: i32, inner: i32, idx: usize, m: i32, out: usize): i32 { return indexSelectChecked<f64>(x, outer, V, inner, idx, m, out); }
export function indexAdd_f32(src: usize, outer: i32, m: i32, inner: i32, idx: usize, dst: usize, V: i32): void { indexAdd<f32>(src, outer, m, inner, idx, dst, V); }
export function indexAdd_f64(src: usize, outer: i32, m: i32, inner: i32, idx: usize, dst: usize, V: i32): void { indexAdd<f64>(src, outer, m, inner, idx, dst, V); }
