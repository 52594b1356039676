/**
 * Naive convolution and pooling in plain TypeScript (f64, NCHW), written from the definitions:
 * every window is enumerated offset by offset, positions outside the input are tested one by one,
 * and output sizes are counted window by window, not computed from the closed form.
 */

export interface Geometry {
  H: number;
  W: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilH: number;
  dilW: number;
  ceilMode?: boolean;
}

/**
 * Output positions along one axis, counted: a window starting at o s - p is kept while its last
 * tap fits in the padded input (o s - p + d (k - 1) <= n - 1 + p); with ceil mode, also the first
 * window past that, provided it starts inside the input or the left padding (o s - p < n).
 */
export function countWindows(n: number, k: number, s: number, p: number, d: number, ceil = false): number {
  let o = 0;
  while (o * s - p + d * (k - 1) <= n - 1 + p) o++;
  if (
    ceil &&
    o * s - p + d * (k - 1) > n - 1 + p &&
    (o - 1) * s - p + d * (k - 1) < n - 1 + p &&
    o * s - p < n
  )
    o++;
  return o;
}

export function outputSize(g: Geometry): { Hout: number; Wout: number } {
  return {
    Hout: countWindows(g.H, g.kH, g.strideH, g.padH, g.dilH, g.ceilMode),
    Wout: countWindows(g.W, g.kW, g.strideW, g.padW, g.dilW, g.ceilMode),
  };
}

/** The input positions (h, w) of output (oh, ow)'s window, in row-major tap order; null = padding. */
function taps(g: Geometry, oh: number, ow: number): ({ h: number; w: number } | null)[] {
  const out: ({ h: number; w: number } | null)[] = [];
  for (let i = 0; i < g.kH; i++) {
    for (let j = 0; j < g.kW; j++) {
      const h = oh * g.strideH - g.padH + i * g.dilH;
      const w = ow * g.strideW - g.padW + j * g.dilW;
      out.push(h >= 0 && h < g.H && w >= 0 && w < g.W ? { h, w } : null);
    }
  }
  return out;
}

/** y[n, co, oh, ow] = Σ_{c, ki, kj} weight[co, c, ki, kj] x[n, c, ih, iw]: the 7-loop convolution. */
export function conv2dNaive(
  x: ArrayLike<number>,
  weight: ArrayLike<number>,
  N: number,
  C: number,
  Cout: number,
  g: Geometry,
): Float64Array {
  const { Hout, Wout } = outputSize(g);
  const y = new Float64Array(N * Cout * Hout * Wout);
  for (let n = 0; n < N; n++)
    for (let co = 0; co < Cout; co++)
      for (let oh = 0; oh < Hout; oh++)
        for (let ow = 0; ow < Wout; ow++) {
          let s = 0;
          for (let c = 0; c < C; c++)
            for (let ki = 0; ki < g.kH; ki++)
              for (let kj = 0; kj < g.kW; kj++) {
                const ih = oh * g.strideH - g.padH + ki * g.dilH;
                const iw = ow * g.strideW - g.padW + kj * g.dilW;
                if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                s += weight[((co * C + c) * g.kH + ki) * g.kW + kj] * x[((n * C + c) * g.H + ih) * g.W + iw];
              }
          y[((n * Cout + co) * Hout + oh) * Wout + ow] = s;
        }
  return y;
}

/** cols[(c, ki, kj), (oh, ow)] for one image x[C, H, W], 0 in the padding. */
export function im2colNaive(x: ArrayLike<number>, C: number, g: Geometry): Float64Array {
  const { Hout, Wout } = outputSize(g);
  const cols = new Float64Array(C * g.kH * g.kW * Hout * Wout);
  for (let c = 0; c < C; c++)
    for (let oh = 0; oh < Hout; oh++)
      for (let ow = 0; ow < Wout; ow++)
        taps(g, oh, ow).forEach((t, r) => {
          if (t) cols[(c * g.kH * g.kW + r) * Hout * Wout + oh * Wout + ow] = x[(c * g.H + t.h) * g.W + t.w];
        });
  return cols;
}

/** dx[C, H, W] += the scatter of cols (im2colNaive's transpose), into a copy of dx0. */
export function col2imNaive(
  cols: ArrayLike<number>,
  C: number,
  g: Geometry,
  dx0: ArrayLike<number>,
): Float64Array {
  const { Hout, Wout } = outputSize(g);
  const dx = Float64Array.from(dx0);
  for (let c = 0; c < C; c++)
    for (let oh = 0; oh < Hout; oh++)
      for (let ow = 0; ow < Wout; ow++)
        taps(g, oh, ow).forEach((t, r) => {
          if (t)
            dx[(c * g.H + t.h) * g.W + t.w] += cols[(c * g.kH * g.kW + r) * Hout * Wout + oh * Wout + ow];
        });
  return dx;
}

/**
 * Max pooling of N planes: each window's maximum over its input taps (padding never wins), the
 * first in tap order, except that NaN beats everything and a later NaN beats an earlier one
 * (torch's CPU rule). The index is h W + w, or -1 for a window with no input tap; -Inf if so.
 */
export function maxPoolNaive(
  x: ArrayLike<number>,
  N: number,
  g: Geometry,
): { out: Float64Array; argmax: Float64Array } {
  const { Hout, Wout } = outputSize(g);
  const out = new Float64Array(N * Hout * Wout);
  const argmax = new Float64Array(N * Hout * Wout);
  for (let p = 0; p < N; p++)
    for (let oh = 0; oh < Hout; oh++)
      for (let ow = 0; ow < Wout; ow++) {
        let best = Number.NEGATIVE_INFINITY;
        let at = -1;
        for (const t of taps(g, oh, ow)) {
          if (!t) continue;
          const v = x[(p * g.H + t.h) * g.W + t.w];
          if (at < 0 || Number.isNaN(v) || (!Number.isNaN(best) && v > best)) {
            best = v;
            at = t.h * g.W + t.w;
          }
        }
        const q = (p * Hout + oh) * Wout + ow;
        out[q] = best;
        argmax[q] = at;
      }
  return { out, argmax };
}

/**
 * Average pooling of N planes: Σ input taps / divisor, divisor = the taps inside the padded input
 * [-pad, n + pad) (countIncludePad) or inside the input itself.
 */
export function avgPoolNaive(
  x: ArrayLike<number>,
  N: number,
  g: Geometry,
  includePad: boolean,
): Float64Array {
  const { Hout, Wout } = outputSize(g);
  const out = new Float64Array(N * Hout * Wout);
  for (let p = 0; p < N; p++)
    for (let oh = 0; oh < Hout; oh++)
      for (let ow = 0; ow < Wout; ow++) {
        out[(p * Hout + oh) * Wout + ow] = avgWindow(
          g,
          oh,
          ow,
          includePad,
          (h, w) => x[(p * g.H + h) * g.W + w],
        );
      }
  return out;
}

/** The divisor of window (oh, ow) and Σ f(h, w) over its input taps, divided. */
export function avgWindow(
  g: Geometry,
  oh: number,
  ow: number,
  includePad: boolean,
  f: (h: number, w: number) => number,
): number {
  let sum = 0;
  let inside = 0;
  let padded = 0;
  for (let i = 0; i < g.kH; i++)
    for (let j = 0; j < g.kW; j++) {
      const h = oh * g.strideH - g.padH + i;
      const w = ow * g.strideW - g.padW + j;
      if (h < g.H + g.padH && w < g.W + g.padW) padded++;
      if (h >= 0 && h < g.H && w >= 0 && w < g.W) {
        inside++;
        sum += f(h, w);
      }
    }
  return sum / (includePad ? padded : inside);
}
