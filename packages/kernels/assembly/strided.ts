/**
 * General strided copy, generic over f32/f64: for every index i of a shape (up to 8 merged dims in
 * the scratch area of strides.ts, innermost first; operand 0 = src, operand 1 = dst)
 *
 *   dst[Σ i_d dstStride_d] = src[Σ i_d srcStride_d]     (or += with `accumulate`).
 *
 * The pointers already include the offsets. An inner run with both strides 1 is a memory.copy
 * (or a v128 add loop when accumulating); other runs are scalar loads and stores. Strides may be
 * negative or 0 (a broadcast source). src and dst must not overlap (checked by the wrapper).
 */
import { dimSize, nextRun, offset0, offset1, runCount, startRuns, strideOf } from './strides';
import { lanes } from './transcendental';

function stridedCopy<T>(rank: i32, src: usize, dst: usize, accumulate: i32): void {
  const L = lanes<T>();
  const sz = <i32>sizeof<T>();
  const n = dimSize(0);
  const ss = strideOf(0, 0);
  const ds = strideOf(1, 0);
  const runs = runCount(rank);
  startRuns(rank);
  for (let r = 0; r < runs; r++) {
    const s = src + <usize>(offset0 * sz);
    const d = dst + <usize>(offset1 * sz);
    let i = 0;
    if (ss == 1 && ds == 1) {
      if (!accumulate) {
        memory.copy(d, s, <usize>(n * sz));
        i = n;
      } else {
        for (; i + L <= n; i += L) {
          const o = <usize>(i * sz);
          v128.store(d + o, v128.add<T>(v128.load(d + o), v128.load(s + o)));
        }
      }
    }
    if (accumulate) {
      for (; i < n; i++) {
        const p = d + <usize>(i * ds * sz);
        store<T>(p, load<T>(p) + load<T>(s + <usize>(i * ss * sz)));
      }
    } else {
      for (; i < n; i++) store<T>(d + <usize>(i * ds * sz), load<T>(s + <usize>(i * ss * sz)));
    }
    nextRun(rank, 2);
  }
}

/** Copies (accumulate = 0) or adds (1) src into dst over the shape in the scratch area. */
export function stridedCopy_f32(rank: i32, src: usize, dst: usize, acc: i32): void { stridedCopy<f32>(rank, src, dst, acc); }
export function stridedCopy_f64(rank: i32, src: usize, dst: usize, acc: i32): void { stridedCopy<f64>(rank, src, dst, acc); }
