/**
 * 2-D max and average pooling (torch's max_pool2d / avg_pool2d) over N planes of H x W
 * row-major (an NCHW batch is N = batch · channels planes), f32 or f64 by the arrays' dtype.
 *
 * Output (oh, ow) of a plane pools the window of rows oh strideH - padH + i dilH (i < kH) and
 * columns ow strideW - padW + j dilW (j < kW), with
 *   Hout = floor((H + 2 padH - dilH (kH - 1) - 1 [+ strideH - 1 if ceilMode]) / strideH) + 1,
 * and, with ceilMode, the last window dropped if it would start in the bottom padding
 * ((Hout - 1) strideH >= H + padH); Wout likewise. torch's rules are enforced: pad <= kernel / 2
 * (rounded down) and Hout, Wout >= 1.
 *
 *   max:  out = max over the window (padding counts as -Inf); argmax = h W + w of the winner in its
 *         plane: the first maximum in row-major window order, except that NaN always wins (the
 *         last NaN of the window, as torch's CPU kernel). A window that misses the input (only
 *         possible with dilation) gives -Inf and argmax -1. Backward: dx[p, argmax] += dy.
 *   avg:  out = Σ window / divisor, divisor = kH kW cut at the padded input's far edge (ceil mode)
 *         with countIncludePad (torch's default), else the number of input elements in the window.
 *         Backward: every input element of the window gets dy / divisor.
 */
import type { DType, WasmArray } from './arena.js';
import { checkArray, checkLength, checkNoOverlap } from './checks.js';
import { typedKernel } from './exports.js';
import { POOL_MIN, rangeInParts } from './threads/nn-parts.js';
import { checkField, windowCount } from './window-geometry.js';

export interface Pool2dGeometry {
  /** planes: batch · channels */
  N: number;
  H: number;
  W: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  /** implicit -Inf (max) or zero (avg) padding on each side, at most half the kernel */
  padH: number;
  padW: number;
  /** 1 for avgPool2d (torch's avg_pool2d has no dilation) */
  dilH: number;
  dilW: number;
  /** torch's ceil_mode (default false): round the output size up, see the header */
  ceilMode?: boolean;
}

/**
 * Hout, Wout for the pooling geometry (the header's formula). Throws a RangeError naming the field
 * if one is not an integer in range (N, pads >= 0; the rest >= 1), if a pad exceeds half its
 * kernel, or naming Hout / Wout if they are < 1; a TypeError if ceilMode is not a boolean.
 */
export function pool2dOutputSize(g: Pool2dGeometry): { Hout: number; Wout: number } {
  if (!g || typeof g !== 'object') throw new TypeError('geometry must be a Pool2dGeometry object');
  const f = (name: keyof Pool2dGeometry, min: number, max?: number) =>
    checkField('geometry', name, g[name], min, max);
  const N = f('N', 0, 2 ** 31 - 1);
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
  const { ceilMode = false } = g;
  if (typeof ceilMode !== 'boolean') {
    throw new TypeError(`Invalid geometry.ceilMode: ${String(ceilMode)} (expected a boolean)`);
  }
  for (const [p, pv, k, kv] of [
    ['padH', pH, 'kH', kH],
    ['padW', pW, 'kW', kW],
  ] as const) {
    if (pv > Math.floor(kv / 2)) {
      throw new RangeError(
        `Invalid geometry.${p}: ${pv} (pad should be at most half of kernel size, but got pad=${pv} and ` +
          `kernel_size=${kv}: ${k} = ${kv}, torch's rule)`,
      );
    }
  }
  const Hout = windowCount(H, kH, sH, pH, dH, ceilMode);
  const Wout = windowCount(W, kW, sW, pW, dW, ceilMode);
  if (Hout < 1 || Wout < 1) {
    throw new RangeError(
      `Invalid pool2d geometry: ${Hout < 1 ? 'Hout' : 'Wout'} = ${Hout < 1 ? Hout : Wout} < 1 ` +
        `(input ${N}x${H}x${W}, calculated output ${N}x${Hout}x${Wout}: output size is too small)`,
    );
  }
  return { Hout, Wout };
}

/** The largest plane whose flat indices an f32 represents exactly. */
const F32_INDEX_LIMIT = 2 ** 24;

/**
 * Checks the planes x (N x H x W: the input, or dx) and y (N x Hout x Wout: the output, or dy):
 * one dtype, those lengths, apart in memory. Returns [dtype, Hout, Wout].
 */
function checkPool(
  g: Pool2dGeometry,
  xName: string,
  x: WasmArray,
  yName: string,
  y: WasmArray,
): [DType, number, number] {
  checkArray(xName, x);
  checkArray(yName, y, x.dtype);
  const { Hout, Wout } = pool2dOutputSize(g);
  checkLength(xName, x, g.N * g.H * g.W);
  checkLength(yName, y, g.N * Hout * Wout);
  checkNoOverlap(yName, y, xName, x);
  return [x.dtype, Hout, Wout];
}

/** Checks argmax against y (same dtype and length) and that it lies apart from y and x. */
function checkArgmax(
  g: Pool2dGeometry,
  argmax: WasmArray,
  yName: string,
  y: WasmArray,
  xName: string,
  x: WasmArray,
): void {
  checkArray('argmax', argmax, y.dtype);
  checkLength('argmax', argmax, y.length);
  checkNoOverlap('argmax', argmax, yName, y);
  checkNoOverlap('argmax', argmax, xName, x);
  if (argmax.dtype === 'f32' && g.H * g.W > F32_INDEX_LIMIT) {
    throw new RangeError(
      `argmax is f32, which holds flat indices exactly only up to 2^24; the plane has H * W = ${g.H * g.W}: use f64`,
    );
  }
}

/**
 * Kernel `name` over the N planes on the worker pool, planes apart, when the window work
 * N Hout Wout kH kW >= POOL_MIN and threads are on: `args(p0, p1)` gives the call for planes
 * [p0, p1) (N = p1 - p0 and every plane pointer offset to plane p0). Planes never share an output,
 * so the bits are the single-threaded ones. False (nothing done) otherwise.
 */
function byPlanes(
  name: string,
  dt: DType,
  g: Pool2dGeometry,
  Hout: number,
  Wout: number,
  args: (p0: number, p1: number, inPlane: number, outPlane: number) => number[],
): boolean {
  const work = g.N * Hout * Wout * g.kH * g.kW;
  if (work < POOL_MIN) return false;
  const sz = dt === 'f32' ? 4 : 8;
  const parts = rangeInParts(`${name}_${dt}`, g.N, 1, work, POOL_MIN, (p0, p1) =>
    args(p0, p1, p0 * g.H * g.W * sz, p0 * Hout * Wout * sz),
  );
  return parts !== undefined;
}

/** The geometry's kernel arguments after N (H, W, kH, kW, strides, pads, and dilations when `dil`). */
function poolArgs(g: Pool2dGeometry, dil: boolean): number[] {
  const a = [g.H, g.W, g.kH, g.kW, g.strideH, g.strideW, g.padH, g.padW];
  if (dil) a.push(g.dilH, g.dilW);
  return a;
}

const kMaxPool = typedKernel('maxPool2d');
const kMaxPoolBackward = typedKernel('maxPool2dBackward');
const kAvgPool = typedKernel('avgPool2d');
const kAvgPoolBackward = typedKernel('avgPool2dBackward');

/**
 * out = the maximum of each window of x (N x H x W), argmax = the flat index h W + w of the winner
 * within its plane (stored in x's dtype; see the header for ties, NaN and -1). out and argmax have
 * N Hout Wout elements, x's dtype, and lie apart from x and from each other.
 */
export function maxPool2d(x: WasmArray, g: Pool2dGeometry, out: WasmArray, argmax: WasmArray): void {
  const [dt, Hout, Wout] = checkPool(g, 'x', x, 'out', out);
  checkArgmax(g, argmax, 'out', out, 'x', x);
  const geo = poolArgs(g, true);
  const threaded = byPlanes('maxPool2d', dt, g, Hout, Wout, (p0, p1, i, o) => [
    p1 - p0,
    ...geo,
    Hout,
    Wout,
    x.ptr + i,
    out.ptr + o,
    argmax.ptr + o,
  ]);
  if (!threaded) kMaxPool(dt)(g.N, ...geo, Hout, Wout, x.ptr, out.ptr, argmax.ptr);
}

/**
 * dx[p, argmax[p, q]] += dy[p, q] (dx zeroed by the caller, or accumulated into; argmax -1 is
 * skipped). Throws, leaving dx unchanged, if an argmax entry is not an integer in [-1, H W).
 */
export function maxPool2dBackward(dy: WasmArray, argmax: WasmArray, g: Pool2dGeometry, dx: WasmArray): void {
  const [dt, Hout, Wout] = checkPool(g, 'dx', dx, 'dy', dy);
  checkArgmax(g, argmax, 'dy', dy, 'dx', dx);
  const bad =
    maxPoolBackwardInParts(dt, g, Hout, Wout, dy, argmax, dx) ??
    kMaxPoolBackward(dt)(g.N, g.H * g.W, Hout * Wout, dy.ptr, argmax.ptr, dx.ptr);
  if (bad >= 0) {
    throw new RangeError(
      `argmax[${bad}] = ${argmax.data[bad]} is not a flat index in [0, H * W = ${g.H * g.W}) nor -1; dx is unchanged`,
    );
  }
}

/**
 * maxPool2dBackward on the pool: every argmax entry is checked first (parts over its entries; the
 * first bad one, as the single-threaded kernel finds it), and only if all are good the scatter
 * runs, planes apart. Returns the first bad index or -1, or undefined (nothing done) below the
 * crossover or without threads.
 */
function maxPoolBackwardInParts(
  dt: DType,
  g: Pool2dGeometry,
  Hout: number,
  Wout: number,
  dy: WasmArray,
  argmax: WasmArray,
  dx: WasmArray,
): number | undefined {
  const per = Hout * Wout;
  const work = g.N * per * g.kH * g.kW;
  if (work < POOL_MIN) return undefined;
  const sz = dt === 'f32' ? 4 : 8;
  const HW = g.H * g.W;
  const total = g.N * per;
  const starts: number[] = [];
  const found = rangeInParts(`maxPool2dArgmaxCheck_${dt}`, total, 16, work, POOL_MIN, (s, e) => {
    starts.push(s);
    return [e - s, HW, argmax.ptr + s * sz];
  });
  if (!found) return undefined;
  for (const [i, at] of found.entries()) if (at >= 0) return starts[i] + at;
  const scattered = byPlanes('maxPool2dScatter', dt, g, Hout, Wout, (p0, p1, i, o) => [
    p1 - p0,
    HW,
    per,
    dy.ptr + o,
    argmax.ptr + o,
    dx.ptr + i,
  ]);
  if (!scattered) kMaxPoolScatter(dt)(g.N, HW, per, dy.ptr, argmax.ptr, dx.ptr);
  return -1;
}

const kMaxPoolScatter = typedKernel('maxPool2dScatter');

/** Throws unless the geometry has no dilation and countIncludePad is a boolean. */
function checkAvg(g: Pool2dGeometry, countIncludePad: boolean): void {
  if (g && typeof g === 'object') {
    for (const name of ['dilH', 'dilW'] as const) {
      if (g[name] !== 1) {
        throw new RangeError(
          `Invalid geometry.${name}: ${String(g[name])} (avgPool2d has no dilation, as torch's avg_pool2d: expected 1)`,
        );
      }
    }
  }
  if (typeof countIncludePad !== 'boolean') {
    throw new TypeError(`Invalid countIncludePad: ${String(countIncludePad)} (expected a boolean)`);
  }
}

/**
 * out = the mean of each window of x (N x H x W), out N x Hout x Wout of x's dtype, apart from x.
 * countIncludePad (default true, as torch) counts the zero padding in the divisor.
 */
export function avgPool2d(x: WasmArray, g: Pool2dGeometry, out: WasmArray, countIncludePad = true): void {
  checkAvg(g, countIncludePad);
  const [dt, Hout, Wout] = checkPool(g, 'x', x, 'out', out);
  const geo = [...poolArgs(g, false), Hout, Wout, countIncludePad ? 1 : 0];
  const threaded = byPlanes('avgPool2d', dt, g, Hout, Wout, (p0, p1, i, o) => [
    p1 - p0,
    ...geo,
    x.ptr + i,
    out.ptr + o,
  ]);
  if (!threaded) kAvgPool(dt)(g.N, ...geo, x.ptr, out.ptr);
}

/** dx (zeroed by the caller, or accumulated into) += dy[p, q] / divisor over each window (x's positions only). */
export function avgPool2dBackward(
  dy: WasmArray,
  g: Pool2dGeometry,
  dx: WasmArray,
  countIncludePad = true,
): void {
  checkAvg(g, countIncludePad);
  const [dt, Hout, Wout] = checkPool(g, 'dx', dx, 'dy', dy);
  const geo = [...poolArgs(g, false), Hout, Wout, countIncludePad ? 1 : 0];
  const threaded = byPlanes('avgPool2dBackward', dt, g, Hout, Wout, (p0, p1, i, o) => [
    p1 - p0,
    ...geo,
    dy.ptr + o,
    dx.ptr + i,
  ]);
  if (!threaded) kAvgPoolBackward(dt)(g.N, ...geo, dy.ptr, dx.ptr);
}
