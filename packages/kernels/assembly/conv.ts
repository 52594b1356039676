/**
 * im2col and col2im for 2-D convolution (NCHW, one image per call), generic over f32/f64.
 *
 * With Hout = floor((H + 2 padH - dilH (kH - 1) - 1) / strideH) + 1 (Wout likewise),
 *
 *   cols[r, q] = x[c, oh strideH - padH + ki dilH, ow strideW - padW + kj dilW]   (0 in the padding)
 *
 * for row r = (c kH + ki) kW + kj and column q = oh Wout + ow: cols is [C kH kW, Hout Wout], so a
 * convolution is one gemm, y[Cout, Hout Wout] = weight[Cout, C kH kW] cols. col2im is the adjoint
 * (transpose) of that linear map: dx[c, ih, iw] += Σ cols[r, q] over the (r, q) that read
 * (c, ih, iw); entries that read the padding are dropped.
 *
 * For a row (c, ki, kj) the output columns ow whose input column iw = ow strideW - a, with
 * a = padW - kj dilW, lies in [0, W) form one range [lo, hi):
 *   lo = ceil(a / strideW),  hi = floor((W - 1 + a) / strideW) + 1,  both clipped to [0, Wout].
 * So each (row, oh) is a zero run, a copy (a memory.copy / SIMD add when strideW = 1, else a
 * strided gather / scatter) and a zero run, with no bounds test per element.
 */

import { lanes } from './transcendental';

/** floor(a / b) for b > 0 and any sign of a. */
// @ts-ignore: decorator
@inline function floorDiv(a: i32, b: i32): i32 {
  const q = a / b;
  return a % b != 0 && a < 0 ? q - 1 : q;
}

/** The output columns [lo, hi) of a row whose input column is iw = ow s - a, clipped to [0, Wout]. */
// @ts-ignore: decorator
@inline function rangeLo(a: i32, s: i32, Wout: i32): i32 {
  return min(max(-floorDiv(-a, s), 0), Wout);
}
// @ts-ignore: decorator
@inline function rangeHi(a: i32, s: i32, W: i32, Wout: i32, lo: i32): i32 {
  return max(min(floorDiv(W - 1 + a, s) + 1, Wout), lo);
}

/** cols[C kH kW, Hout Wout] = the windows of x[C, H, W] (see the header). Reads x, writes cols. */
function im2col<T>(C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, Hout: i32, Wout: i32, x: usize, cols: usize): void {
  const sz = sizeof<T>();
  const rowBytes = <usize>Wout * sz;
  let dst = cols;
  for (let c = 0; c < C; c++) {
    const plane = x + <usize>c * <usize>H * <usize>W * sz;
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++) {
        const a = pW - kj * dW;
        const lo = rangeLo(a, sW, Wout);
        const hi = rangeHi(a, sW, W, Wout, lo);
        for (let oh = 0; oh < Hout; oh++) {
          const ih = oh * sH - pH + ki * dH;
          if (ih < 0 || ih >= H || lo == hi) {
            memory.fill(dst, 0, rowBytes);
          } else {
            const src = plane + <usize>ih * <usize>W * sz;
            memory.fill(dst, 0, <usize>lo * sz);
            if (sW == 1) {
              memory.copy(dst + <usize>lo * sz, src + <usize>(lo - a) * sz, <usize>(hi - lo) * sz);
            } else {
              for (let ow = lo; ow < hi; ow++) {
                store<T>(dst + <usize>ow * sz, load<T>(src + <usize>(ow * sW - a) * sz));
              }
            }
            memory.fill(dst + <usize>hi * sz, 0, <usize>(Wout - hi) * sz);
          }
          dst += rowBytes;
        }
      }
    }
  }
}

/** p[0:n] += q[0:n] (unaligned, SIMD). */
// @ts-ignore: decorator
@inline function addInto<T>(p: usize, q: usize, n: i32): void {
  const sz = sizeof<T>();
  const L = lanes<T>();
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sz;
    v128.store(p + o, v128.add<T>(v128.load(p + o), v128.load(q + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i * sz;
    store<T>(p + o, load<T>(p + o) + load<T>(q + o));
  }
}

/** dx[C, H, W] += the scatter of cols[C kH kW, Hout Wout] (the adjoint of im2col). Reads cols, updates dx. */
function col2im<T>(C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, Hout: i32, Wout: i32, cols: usize, dx: usize): void {
  const sz = sizeof<T>();
  const rowBytes = <usize>Wout * sz;
  let src = cols;
  for (let c = 0; c < C; c++) {
    const plane = dx + <usize>c * <usize>H * <usize>W * sz;
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++) {
        const a = pW - kj * dW;
        const lo = rangeLo(a, sW, Wout);
        const hi = rangeHi(a, sW, W, Wout, lo);
        for (let oh = 0; oh < Hout; oh++) {
          const ih = oh * sH - pH + ki * dH;
          if (ih >= 0 && ih < H && lo < hi) {
            const row = plane + <usize>ih * <usize>W * sz;
            if (sW == 1) {
              addInto<T>(row + <usize>(lo - a) * sz, src + <usize>lo * sz, hi - lo);
            } else {
              for (let ow = lo; ow < hi; ow++) {
                const p = row + <usize>(ow * sW - a) * sz;
                store<T>(p, load<T>(p) + load<T>(src + <usize>ow * sz));
              }
            }
          }
          src += rowBytes;
        }
      }
    }
  }
}

export function im2col_f32(C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, Hout: i32, Wout: i32, x: usize, cols: usize): void {
  im2col<f32>(C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, Hout, Wout, x, cols);
}
export function im2col_f64(C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, Hout: i32, Wout: i32, x: usize, cols: usize): void {
  im2col<f64>(C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, Hout, Wout, x, cols);
}
export function col2im_f32(C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, Hout: i32, Wout: i32, cols: usize, dx: usize): void {
  col2im<f32>(C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, Hout, Wout, cols, dx);
}
export function col2im_f64(C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, Hout: i32, Wout: i32, cols: usize, dx: usize): void {
  col2im<f64>(C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, Hout, Wout, cols, dx);
}
