/**
 * 2-D max and average pooling over N planes of H x W (row-major), generic over f32/f64, with
 * torch's windows: output (oh, ow) looks at rows oh strideH - padH + i dilH (i < kH) and columns
 * ow strideW - padW + j dilW (j < kW); Hout, Wout come from the caller (src/pool.ts, torch's
 * formula with its ceil_mode rule).
 *
 * max:  out = max of the window's input elements (the padding is -Inf, so it never wins unless
 *       the window is all -Inf); argmax = h W + w of the winner, the first maximum in row-major
 *       window order, except that a NaN always wins (the last NaN, as torch's CPU kernel:
 *       `if (val > maxval || isnan(val))`). A window that misses the input entirely (possible
 *       only with dilation) gives -Inf and argmax -1. Backward: dx[plane, argmax] += dy.
 * avg:  out = Σ window / divisor, with the window [h0, h0 + kH) clipped to [-padH, H + padH) and
 *       divisor = its area (countIncludePad) or the area of its part inside the input; windows
 *       never miss the input (pad <= kernel / 2). Backward: dx[window] += dy / divisor.
 * The argmax indices are stored as floats of the array's dtype (exact up to 2^24 in f32).
 */

/** The first of h0, h0 + d, h0 + 2d, ... that is >= 0. */
// @ts-ignore: decorator
@inline function firstInside(h0: i32, d: i32): i32 {
  return h0 >= 0 ? h0 : h0 + ((-h0 + d - 1) / d) * d;
}

function maxPool2d<T>(N: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, Hout: i32, Wout: i32, x: usize, out: usize, argmax: usize): void {
  const sz = sizeof<T>();
  const planeBytes = <usize>H * <usize>W * sz;
  let o = <usize>0;
  for (let p = 0; p < N; p++) {
    const xp = x + <usize>p * planeBytes;
    for (let oh = 0; oh < Hout; oh++) {
      const hs = oh * sH - pH;
      const h1 = min(hs + (kH - 1) * dH + 1, H);
      const h0 = firstInside(hs, dH);
      for (let ow = 0; ow < Wout; ow++) {
        const ws = ow * sW - pW;
        const w1 = min(ws + (kW - 1) * dW + 1, W);
        const w0 = firstInside(ws, dW);
        let best = <T>-Infinity;
        let at = h0 < h1 && w0 < w1 ? h0 * W + w0 : -1;
        for (let h = h0; h < h1; h += dH) {
          const row = xp + <usize>h * <usize>W * sz;
          for (let w = w0; w < w1; w += dW) {
            const v = load<T>(row + <usize>w * sz);
            if (v > best || v != v) {
              best = v;
              at = h * W + w;
            }
          }
        }
        store<T>(out + o, best);
        store<T>(argmax + o, <T>at);
        o += sz;
      }
    }
  }
}

/**
 * dx[p, argmax[p, q]] += dy[p, q] for every plane p and output q (argmax -1: skipped). Checks
 * every index first and, if one is not an integer in [-1, HW), returns its position without
 * writing anything; returns -1 when done.
 */
function maxPool2dBackward<T>(N: i32, HW: i32, outPerPlane: i32, dy: usize, argmax: usize, dx: usize): i32 {
  const bad = argmaxCheck<T>(N * outPerPlane, HW, argmax);
  if (bad >= 0) return bad;
  maxPool2dScatter<T>(N, HW, outPerPlane, dy, argmax, dx);
  return -1;
}

/** The first i < total whose argmax[i] is not an integer in [-1, HW), or -1. */
function argmaxCheck<T>(total: i32, HW: i32, argmax: usize): i32 {
  const sz = sizeof<T>();
  for (let i = 0; i < total; i++) {
    const a = load<T>(argmax + <usize>i * sz);
    if (!(a >= -1 && a < <T>HW && a == floor<T>(a))) return i;
  }
  return -1;
}

/** dx[p, argmax[p, q]] += dy[p, q] (indices already checked). */
function maxPool2dScatter<T>(N: i32, HW: i32, outPerPlane: i32, dy: usize, argmax: usize, dx: usize): void {
  const sz = sizeof<T>();
  let q = 0;
  for (let p = 0; p < N; p++) {
    const plane = dx + <usize>p * <usize>HW * sz;
    for (let j = 0; j < outPerPlane; j++, q++) {
      const at = <i32>load<T>(argmax + <usize>q * sz);
      if (at >= 0) {
        const ptr = plane + <usize>at * sz;
        store<T>(ptr, load<T>(ptr) + load<T>(dy + <usize>q * sz));
      }
    }
  }
}

/** Length of the window [start, start + k) cut at the padded input's end n + pad (torch's pool_size). */
// @ts-ignore: decorator
@inline function padSpan(start: i32, k: i32, n: i32, pad: i32): i32 {
  return min(start + k, n + pad) - start;
}

function avgPool2d<T>(N: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, Hout: i32, Wout: i32, includePad: i32, x: usize, out: usize): void {
  const sz = sizeof<T>();
  const planeBytes = <usize>H * <usize>W * sz;
  let o = <usize>0;
  for (let p = 0; p < N; p++) {
    const xp = x + <usize>p * planeBytes;
    for (let oh = 0; oh < Hout; oh++) {
      const hs = oh * sH - pH;
      const spanH = padSpan(hs, kH, H, pH);
      const h0 = max(hs, 0);
      const h1 = min(hs + kH, H);
      for (let ow = 0; ow < Wout; ow++) {
        const ws = ow * sW - pW;
        const spanW = padSpan(ws, kW, W, pW);
        const w0 = max(ws, 0);
        const w1 = min(ws + kW, W);
        let sum = <T>0;
        for (let h = h0; h < h1; h++) {
          const row = xp + <usize>h * <usize>W * sz;
          for (let w = w0; w < w1; w++) sum += load<T>(row + <usize>w * sz);
        }
        const divisor = includePad ? spanH * spanW : (h1 - h0) * (w1 - w0);
        store<T>(out + o, sum / <T>divisor);
        o += sz;
      }
    }
  }
}

function avgPool2dBackward<T>(N: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, Hout: i32, Wout: i32, includePad: i32, dy: usize, dx: usize): void {
  const sz = sizeof<T>();
  const planeBytes = <usize>H * <usize>W * sz;
  let o = <usize>0;
  for (let p = 0; p < N; p++) {
    const dxp = dx + <usize>p * planeBytes;
    for (let oh = 0; oh < Hout; oh++) {
      const hs = oh * sH - pH;
      const spanH = padSpan(hs, kH, H, pH);
      const h0 = max(hs, 0);
      const h1 = min(hs + kH, H);
      for (let ow = 0; ow < Wout; ow++) {
        const ws = ow * sW - pW;
        const spanW = padSpan(ws, kW, W, pW);
        const w0 = max(ws, 0);
        const w1 = min(ws + kW, W);
        const divisor = includePad ? spanH * spanW : (h1 - h0) * (w1 - w0);
        const g = load<T>(dy + o) / <T>divisor;
        for (let h = h0; h < h1; h++) {
          const row = dxp + <usize>h * <usize>W * sz;
          for (let w = w0; w < w1; w++) {
            const ptr = row + <usize>w * sz;
            store<T>(ptr, load<T>(ptr) + g);
          }
        }
        o += sz;
      }
    }
  }
}

export function maxPool2d_f32(N: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, Hout: i32, Wout: i32, x: usize, out: usize, argmax: usize): void {
  maxPool2d<f32>(N, H, W, kH, kW, sH, sW, pH, pW, dH, dW, Hout, Wout, x, out, argmax);
}
export function maxPool2d_f64(N: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, Hout: i32, Wout: i32, x: usize, out: usize, argmax: usize): void {
  maxPool2d<f64>(N, H, W, kH, kW, sH, sW, pH, pW, dH, dW, Hout, Wout, x, out, argmax);
}
export function maxPool2dBackward_f32(N: i32, HW: i32, outPerPlane: i32, dy: usize, argmax: usize, dx: usize): i32 {
  return maxPool2dBackward<f32>(N, HW, outPerPlane, dy, argmax, dx);
}
export function maxPool2dBackward_f64(N: i32, HW: i32, outPerPlane: i32, dy: usize, argmax: usize, dx: usize): i32 {
  return maxPool2dBackward<f64>(N, HW, outPerPlane, dy, argmax, dx);
}
/*
 * Parts for threads (the wrapper offsets the pointers to a range of planes or of argmax entries):
 * the check of the backward's indices, then its scatter, which never writes outside its planes.
 */
export function maxPool2dArgmaxCheck_f32(total: i32, HW: i32, argmax: usize): i32 {
  return argmaxCheck<f32>(total, HW, argmax);
}
export function maxPool2dArgmaxCheck_f64(total: i32, HW: i32, argmax: usize): i32 {
  return argmaxCheck<f64>(total, HW, argmax);
}
export function maxPool2dScatter_f32(N: i32, HW: i32, outPerPlane: i32, dy: usize, argmax: usize, dx: usize): void {
  maxPool2dScatter<f32>(N, HW, outPerPlane, dy, argmax, dx);
}
export function maxPool2dScatter_f64(N: i32, HW: i32, outPerPlane: i32, dy: usize, argmax: usize, dx: usize): void {
  maxPool2dScatter<f64>(N, HW, outPerPlane, dy, argmax, dx);
}
export function avgPool2d_f32(N: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, Hout: i32, Wout: i32, inc: i32, x: usize, out: usize): void {
  avgPool2d<f32>(N, H, W, kH, kW, sH, sW, pH, pW, Hout, Wout, inc, x, out);
}
export function avgPool2d_f64(N: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, Hout: i32, Wout: i32, inc: i32, x: usize, out: usize): void {
  avgPool2d<f64>(N, H, W, kH, kW, sH, sW, pH, pW, Hout, Wout, inc, x, out);
}
export function avgPool2dBackward_f32(N: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, Hout: i32, Wout: i32, inc: i32, dy: usize, dx: usize): void {
  avgPool2dBackward<f32>(N, H, W, kH, kW, sH, sW, pH, pW, Hout, Wout, inc, dy, dx);
}
export function avgPool2dBackward_f64(N: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, Hout: i32, Wout: i32, inc: i32, dy: usize, dx: usize): void {
  avgPool2dBackward<f64>(N, H, W, kH, kW, sH, sW, pH, pW, Hout, Wout, inc, dy, dx);
}
