/**
 * 2-D convolution as im2col + gemm (NCHW, torch's layout and geometry), f32 or f64 by the arrays'
 * dtype. For one image x[C, H, W]:
 *
 *   Hout = floor((H + 2 padH - dilH (kH - 1) - 1) / strideH) + 1   (Wout likewise),
 *   cols[(c, ki, kj), (oh, ow)] = x[c, oh strideH - padH + ki dilH, ow strideW - padW + kj dilW]
 *                                 (0 where that falls in the padding),
 *
 * cols being [C kH kW, Hout Wout] row-major. Then, with weight [Cout, C kH kW] (torch's
 * [Cout, C, kH, kW] flattened) and gemm (gemm.ts):
 *   forward   y[Cout, Hout Wout] = weight · cols                       (+ bias per row)
 *   backward  dweight += dy · colsᵀ,   dcols = weightᵀ · dy,   dx += col2im(dcols)
 * col2im is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>.
 */
import { bytesPer, type WasmArray } from './arena.js';
import { checkArray, checkDim, checkLength, checkNoOverlap } from './checks.js';
import { typedKernel } from './exports.js';
import { CONV_MIN, rangeInParts } from './threads/nn-parts.js';
import { checkField, windowCount } from './window-geometry.js';

export interface Conv2dGeometry {
  /** input channels, height, width */
  C: number;
  H: number;
  W: number;
  /** kernel height and width */
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  /** zero padding on each side (top and bottom, left and right) */
  padH: number;
  padW: number;
  dilH: number;
  dilW: number;
}

/**
 * Hout, Wout for the geometry (torch's Conv2d formula, above). Throws a RangeError naming the
 * field if one is not an integer in range (C, H, W, kH, kW, strides, dilations >= 1; pads >= 0),
 * or naming Hout / Wout if the dilated kernel does not fit in the padded input.
 */
export function conv2dOutputSize(g: Conv2dGeometry): { Hout: number; Wout: number } {
  if (!g || typeof g !== 'object') throw new TypeError('geometry must be a Conv2dGeometry object');
  const f = (name: keyof Conv2dGeometry, min: number) => checkField('geometry', name, g[name], min);
  f('C', 1);
  const H = f('H', 1);
  const W = f('W', 1);
  const kH = f('kH', 1);
  const kW = f('kW', 1);
  const sH = f('strideH', 1);
  const sW = f('strideW', 1);
  const pH = f('padH', 0);
  const pW = f('padW', 0);
  const dH = f('dilH', 1);
  const dW = f('dilW', 1);
  const Hout = windowCount(H, kH, sH, pH, dH, false);
  const Wout = windowCount(W, kW, sW, pW, dW, false);
  if (Hout < 1) throw tooSmall('H', g, Hout);
  if (Wout < 1) throw tooSmall('W', g, Wout);
  return { Hout, Wout };
}

/** The RangeError for an output size < 1 along axis H or W, with the numbers that made it. */
function tooSmall(axis: 'H' | 'W', g: Conv2dGeometry, out: number): RangeError {
  const names =
    axis === 'H'
      ? (['H', 'padH', 'dilH', 'kH', 'strideH'] as const)
      : (['W', 'padW', 'dilW', 'kW', 'strideW'] as const);
  const [n, p, d, k, s] = names;
  const values = names.map((name) => `${name} = ${g[name]}`).join(', ');
  return new RangeError(
    `Invalid conv2d geometry: ${axis}out = floor((${n} + 2 ${p} - ${d} (${k} - 1) - 1) / ${s}) + 1 = ${out} < 1 ` +
      `(${values}: the dilated kernel spans ${g[d] * (g[k] - 1) + 1}, the padded input ${g[n] + 2 * g[p]})`,
  );
}

/** Throws unless [offset, offset + n) lies inside `a`, naming the offset; `size` says what n is. */
function checkSpan(
  offsetName: string,
  offset: number,
  n: number,
  size: string,
  arrayName: string,
  a: WasmArray,
): void {
  checkDim(offsetName, offset);
  if (offset + n > a.length) {
    throw new RangeError(
      `${offsetName} = ${offset} plus one image (${size} = ${n} elements) exceeds ${arrayName}'s length ${a.length}`,
    );
  }
}

/**
 * Checks cols for one image's [C kH kW, Hout Wout] (n elements): exactly n elements without a
 * colsOffset, or n elements from colsOffset on (a batch's cols [N, C kH kW, Hout Wout]).
 * Returns the offset.
 */
function checkCols(cols: WasmArray, n: number, colsOffset: number | undefined): number {
  if (colsOffset === undefined) {
    checkLength('cols', cols, n);
    return 0;
  }
  checkSpan('colsOffset', colsOffset, n, 'C * kH * kW * Hout * Wout', 'cols', cols);
  return colsOffset;
}

/** The kernel's 13 integer arguments for a checked geometry. */
function geometryArgs(g: Conv2dGeometry, Hout: number, Wout: number): number[] {
  return [g.C, g.H, g.W, g.kH, g.kW, g.strideH, g.strideW, g.padH, g.padW, g.dilH, g.dilW, Hout, Wout];
}

/**
 * im2col or col2im of one image (pointers `image` and `cols` already at the image): channels
 * apart on the worker pool when its cols has >= CONV_MIN elements and threads are on. Channel c
 * reads (im2col) or writes (col2im) only plane c of the image and rows c kH kW ... (c + 1) kH kW of
 * cols, in the single-threaded order, so each part is the kernel on its channels: the same bits.
 */
function byChannels(
  name: 'im2col' | 'col2im',
  dt: 'f32' | 'f64',
  g: Conv2dGeometry,
  Hout: number,
  Wout: number,
  image: number,
  cols: number,
): void {
  // im2col(geometry, x, cols); col2im(geometry, cols, dx)
  const ptrs = (i: number, c: number) => (name === 'im2col' ? [i, c] : [c, i]);
  const geo = geometryArgs(g, Hout, Wout);
  const planeBytes = g.H * g.W * bytesPer(dt);
  const colsBytes = g.kH * g.kW * Hout * Wout * bytesPer(dt);
  const n = g.C * g.kH * g.kW * Hout * Wout;
  const parts =
    n >= CONV_MIN &&
    rangeInParts(`${name}_${dt}`, g.C, 1, n, CONV_MIN, (c0, c1) => [
      c1 - c0,
      ...geo.slice(1),
      ...ptrs(image + c0 * planeBytes, cols + c0 * colsBytes),
    ]);
  if (!parts) (name === 'im2col' ? kIm2col : kCol2im)(dt)(...geo, ...ptrs(image, cols));
}

const kIm2col = typedKernel('im2col');
const kCol2im = typedKernel('col2im');

/**
 * im2col for ONE image: x[C, H, W] starts at element `xOffset` of `x` (image n of an NCHW batch:
 * xOffset = n C H W); `cols` (x's dtype, not overlapping x) gets [C kH kW, Hout Wout]: row
 * (c, ki, kj), column (oh, ow), 0 in the padding. Without `colsOffset`, cols has exactly
 * C kH kW Hout Wout elements; with it, the image's block starts there (image n of a batch's
 * [N, C kH kW, Hout Wout]: colsOffset = n C kH kW Hout Wout) and the rest of cols is untouched.
 */
export function im2col(
  x: WasmArray,
  xOffset: number,
  g: Conv2dGeometry,
  cols: WasmArray,
  colsOffset?: number,
): void {
  checkArray('x', x);
  checkArray('cols', cols, x.dtype);
  const { Hout, Wout } = conv2dOutputSize(g);
  checkSpan('xOffset', xOffset, g.C * g.H * g.W, 'C * H * W', 'x', x);
  const at = checkCols(cols, g.C * g.kH * g.kW * Hout * Wout, colsOffset);
  checkNoOverlap('cols', cols, 'x', x);
  const sz = bytesPer(x.dtype);
  byChannels('im2col', x.dtype, g, Hout, Wout, x.ptr + xOffset * sz, cols.ptr + at * sz);
}

/**
 * col2im, the adjoint of im2col: dx[C, H, W] (starting at element `dxOffset` of `dx`) += the
 * scatter of cols [C kH kW, Hout Wout] (starting at `colsOffset`, with im2col's rule). It
 * accumulates: overlapping windows add up, entries that fall in the padding are dropped; zero dx
 * first for a plain gradient. cols must not overlap dx.
 */
export function col2im(
  cols: WasmArray,
  g: Conv2dGeometry,
  dx: WasmArray,
  dxOffset: number,
  colsOffset?: number,
): void {
  checkArray('cols', cols);
  checkArray('dx', dx, cols.dtype);
  const { Hout, Wout } = conv2dOutputSize(g);
  checkSpan('dxOffset', dxOffset, g.C * g.H * g.W, 'C * H * W', 'dx', dx);
  const at = checkCols(cols, g.C * g.kH * g.kW * Hout * Wout, colsOffset);
  checkNoOverlap('cols', cols, 'dx', dx);
  const sz = bytesPer(dx.dtype);
  byChannels('col2im', dx.dtype, g, Hout, Wout, dx.ptr + dxOffset * sz, cols.ptr + at * sz);
}
