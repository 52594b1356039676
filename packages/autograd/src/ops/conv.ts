/**
 * Convolution and pooling over NCHW tensors (torch.nn.functional's conventions and output sizes,
 * Hout = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1):
 *
 *   conv2d(x, w, b)  y[n, o] = Σ_c w[o, c] ⋆ x[n, c] + b[o], computed as im2col + gemm:
 *                    cols = im2col(x): [N, C·kH·kW, Hout·Wout],  y = reshape(W [O, C·kH·kW] @ cols)
 *                    so its gradient is matmul's and im2col's (col2im, the adjoint scatter-add),
 *                    and col2im's gradient is im2col again: conv nets have Hessians too.
 *   conv1d           conv2d on [N, C, 1, L].
 *   maxPool2d        y = max over each window (padding is −∞); x̄ = ḡ scattered to each window's
 *                    first maximum (torch's rule).
 *   avgPool2d        y = mean over each window (countIncludePad: divide by the full window, torch's
 *                    default); x̄ = the adjoint spread, whose gradient is avgPool2d again.
 */
import {
  type Conv2dGeometry,
  conv2dOutputSize,
  avgPool2d as kAvgPool2d,
  avgPool2dBackward as kAvgPool2dBackward,
  col2im as kCol2im,
  im2col as kIm2col,
  maxPool2d as kMaxPool2d,
  maxPool2dBackward as kMaxPool2dBackward,
  type Pool2dGeometry,
  pool2dOutputSize,
} from '@descent/kernels';
import { record } from '../graph.js';
import { isGradEnabled } from '../scope.js';
import { empty, type Tensor } from '../tensor.js';
import { add, binaryRaw } from './elementwise.js';
import { matmul } from './matmul.js';
import { concat, indexAddInto, reshape, slice } from './shape.js';

type Pair = number | readonly [number, number];
const pair = (op: string, name: string, v: Pair, min: number): [number, number] => {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  for (const x of p)
    if (!Number.isInteger(x) || x < min)
      throw new RangeError(`${op}: invalid ${name} ${String(v)} (integers ≥ ${min})`);
  return p;
};
const text = (t: Tensor) => `[${t.shape.join(', ')}]`;

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  /** split channels into this many independent groups (torch's groups; default 1) */
  groups?: number;
}

function im2col(x: Tensor, g: Conv2dGeometry, L: number): Tensor {
  const [N, C, H, W] = x.shape;
  const rows = C * g.kH * g.kW;
  const out = empty([N, rows, L], x.dtype);
  for (let n = 0; n < N; n++) kIm2col(x.buffer, n * C * H * W, g, out.buffer, n * rows * L);
  return record(out, 'im2col', [x], (gr) => [col2im(gr, g, x.shape)]);
}

function col2im(cols: Tensor, g: Conv2dGeometry, shape: readonly number[]): Tensor {
  const [N, C, H, W] = shape;
  const rows = C * g.kH * g.kW;
  const L = cols.shape[2];
  const dx = empty(shape, cols.dtype);
  dx.data.fill(0);
  for (let n = 0; n < N; n++) kCol2im(cols.buffer, g, dx.buffer, n * C * H * W, n * rows * L);
  return record(dx, 'col2im', [cols], (gg) => [im2col(gg, g, L)]);
}

/** 2-D convolution (cross-correlation, as torch): x [N, C, H, W], w [O, C/groups, kH, kW], b [O]. */
export function conv2d(x: Tensor, w: Tensor, b?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  if (x.rank !== 4) throw new RangeError(`conv2d: input must be [N, C, H, W], got ${text(x)}`);
  if (w.rank !== 4) throw new RangeError(`conv2d: weight must be [O, C/groups, kH, kW], got ${text(w)}`);
  const groups = options.groups ?? 1;
  const [N, C, H, W] = x.shape;
  const [O, Cg, kH, kW] = w.shape;
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0 || O % groups !== 0)
    throw new RangeError(`conv2d: groups ${groups} must divide in channels ${C} and out channels ${O}`);
  if (Cg !== C / groups)
    throw new RangeError(
      `conv2d: ${text(x)} x weight ${text(w)} (expected ${C / groups} input channels per group)`,
    );
  if (b && (b.rank !== 1 || b.shape[0] !== O)) throw new RangeError(`conv2d: bias ${text(b)} must be [${O}]`);
  if (x.dtype !== w.dtype || (b && b.dtype !== x.dtype))
    throw new TypeError('conv2d: input, weight and bias must share a dtype');
  const [strideH, strideW] = pair('conv2d', 'stride', options.stride ?? 1, 1);
  const [padH, padW] = pair('conv2d', 'padding', options.padding ?? 0, 0);
  const [dilH, dilW] = pair('conv2d', 'dilation', options.dilation ?? 1, 1);
  const g: Conv2dGeometry = { C: C / groups, H, W, kH, kW, strideH, strideW, padH, padW, dilH, dilW };
  const { Hout, Wout } = conv2dOutputSize(g);
  const one = (xg: Tensor, wg: Tensor) => {
    const cols = im2col(xg, g, Hout * Wout);
    return matmul(reshape(wg, [wg.shape[0], -1]), cols); // [N, O/groups, L]
  };
  let y: Tensor;
  if (groups === 1) y = one(x, w);
  else {
    const parts: Tensor[] = [];
    const cg = C / groups;
    const og = O / groups;
    for (let k = 0; k < groups; k++)
      parts.push(
        one(slice(x, [0, k * cg, 0, 0], [N, cg, H, W]), slice(w, [k * og, 0, 0, 0], [og, Cg, kH, kW])),
      );
    y = concat(parts, 1);
  }
  y = reshape(y, [N, O, Hout, Wout]);
  return b ? add(y, reshape(b, [1, O, 1, 1])) : y;
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
}

/** 1-D convolution: x [N, C, L], w [O, C/groups, k], b [O]. */
export function conv1d(x: Tensor, w: Tensor, b?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  if (x.rank !== 3) throw new RangeError(`conv1d: input must be [N, C, L], got ${text(x)}`);
  if (w.rank !== 3) throw new RangeError(`conv1d: weight must be [O, C/groups, k], got ${text(w)}`);
  const y = conv2d(
    reshape(x, [x.shape[0], x.shape[1], 1, x.shape[2]]),
    reshape(w, [w.shape[0], w.shape[1], 1, w.shape[2]]),
    b,
    {
      stride: [1, options.stride ?? 1],
      padding: [0, options.padding ?? 0],
      dilation: [1, options.dilation ?? 1],
      groups: options.groups ?? 1,
    },
  );
  return reshape(y, [y.shape[0], y.shape[1], y.shape[3]]);
}

export interface Pool2dOptions {
  /** default: the kernel size */
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

function poolGeometry(op: string, x: Tensor, kernelSize: Pair, options: Pool2dOptions): Pool2dGeometry {
  if (x.rank !== 4 && x.rank !== 3)
    throw new RangeError(`${op}: input must be [N, C, H, W] or [C, H, W], got ${text(x)}`);
  const [kH, kW] = pair(op, 'kernelSize', kernelSize, 1);
  const [strideH, strideW] = pair(op, 'stride', options.stride ?? [kH, kW], 1);
  const [padH, padW] = pair(op, 'padding', options.padding ?? 0, 0);
  const [dilH, dilW] = pair(op, 'dilation', options.dilation ?? 1, 1);
  const [H, W] = x.shape.slice(-2);
  const planes = x.size / (H * W || 1);
  return {
    N: planes,
    H,
    W,
    kH,
    kW,
    strideH,
    strideW,
    padH,
    padW,
    dilH,
    dilW,
    ceilMode: options.ceilMode ?? false,
  };
}

/** Max pooling (torch's max_pool2d). */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  const g = poolGeometry('maxPool2d', x, kernelSize, options);
  const { Hout, Wout } = pool2dOutputSize(g);
  const shape = [...x.shape.slice(0, -2), Hout, Wout];
  const out = empty(shape, x.dtype);
  const argmax = empty(shape, x.dtype);
  kMaxPool2d(x.buffer, g, out.buffer, argmax.buffer);
  return record(
    out,
    'maxPool2d',
    [x],
    (gr) => {
      if (!isGradEnabled()) {
        const dx = empty(x.shape, x.dtype);
        dx.data.fill(0);
        kMaxPool2dBackward(gr.buffer, argmax.buffer, g, dx.buffer);
        return [dx];
      }
      // differentiable form: scatter-add ḡ at the flat positions plane·H·W + argmax
      const planeStart = empty([g.N, 1], x.dtype);
      const ps = planeStart.data;
      for (let p = 0; p < g.N; p++) ps[p] = p * g.H * g.W;
      const flat = binaryRaw('add', 'maxPool2d', reshape(argmax, [g.N, Hout * Wout]), planeStart);
      const dx = indexAddInto(reshape(gr, [gr.size]), [x.size], 0, reshape(flat, [flat.size]));
      return [reshape(dx, x.shape)];
    },
    [argmax],
  );
}

export interface AvgPool2dOptions extends Pool2dOptions {
  /** divide by the whole window, padding included (torch's default true) */
  countIncludePad?: boolean;
}

/** Average pooling (torch's avg_pool2d). */
export function avgPool2d(x: Tensor, kernelSize: Pair, options: AvgPool2dOptions = {}): Tensor {
  const g = poolGeometry('avgPool2d', x, kernelSize, options);
  const include = options.countIncludePad ?? true;
  return avgPoolWith(x, g, include);
}

function avgPoolWith(x: Tensor, g: Pool2dGeometry, include: boolean): Tensor {
  const { Hout, Wout } = pool2dOutputSize(g);
  const out = empty([...x.shape.slice(0, -2), Hout, Wout], x.dtype);
  kAvgPool2d(x.buffer, g, out.buffer, include);
  return record(out, 'avgPool2d', [x], (gr) => [avgPoolAdjoint(gr, g, include, x.shape)]);
}

function avgPoolAdjoint(gr: Tensor, g: Pool2dGeometry, include: boolean, shape: readonly number[]): Tensor {
  const dx = empty(shape, gr.dtype);
  dx.data.fill(0);
  kAvgPool2dBackward(gr.buffer, g, dx.buffer, include);
  return record(dx, 'avgPool2dBackward', [gr], (gg) => [avgPoolWith(gg, g, include)]);
}
