/**
 * 8-bit Adam and AdamW (Dettmers et al. 2022, "8-bit Optimizers via Block-wise Quantization"), as
 * bitsandbytes' blockwise optimizers (Adam8bit / AdamW8bit, kernel kOptimizerStatic8bit2StateBlockwise)
 * define them: the moments are stored as 8-bit codes into the dynamic quantization map
 * (create_dynamic_map: signed for m, unsigned for v), scaled per block of `blockSize` (256) values
 * by the block's largest magnitude. Per step t, per block:
 *
 *   m̃ = code_s[c_m] · absmax_m,  ṽ = code_u[c_v] · absmax_v             dequantize
 *   m = β1 m̃ + (1 - β1) g,        v = β2 ṽ + (1 - β2) g²               (Adam8bit: g += λθ first)
 *   θ ← θ (1 - ηλ)  (AdamW8bit only);   θ ← θ - η √(1-β2^t)/(1-β1^t) · m / (√v + ε √(1-β2^t))
 *   absmax_m = max|m|, absmax_v = max|v| over the block;  c_m = nearest(code_s, m/absmax_m), c_v likewise
 *
 * The update uses the new moments before they are quantized, as bitsandbytes does. The dynamic map
 * (Dettmers 2015) spends its 256 values on a wide exponent range, so small moments keep relative
 * precision. Parameters with fewer than `min8bitSize` (4096) elements keep full-precision moments
 * (expAvg, expAvgSq), as bitsandbytes does. Storage: the codes are packed as exact integers, three
 * per f32 element (six per f64), so the state stays ordinary finite arrays (checked, snapshotted,
 * serialized like any other): 2.7 bytes per f32 parameter instead of Adam's 8 (3x less), 2.7
 * instead of 16 for f64. Deviations from bitsandbytes: the arithmetic runs in f64 (bnb: f32 on the
 * GPU); Adam8bit's weight decay is torch Adam's coupled L2 (bnb's blockwise kernel decays
 * decoupled for both); no percentile clipping, no paged or 'max_unorm' options; ties in the nearest
 * code go to the smaller code.
 */
import type { FloatArray, WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import { ADAM_DEFAULTS, type AdamOptions } from './adam.js';
import {
  type BaseOptions,
  Optimizer,
  type OptimizerBehaviour,
  type ParamGroup,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';
import { checkBetas, checkLr, checkNonNegative, checkPositiveInt } from './validate.js';

export interface Adam8bitOptions extends BaseOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** Values per quantization block, default 256 (bitsandbytes' optimizers). */
  blockSize: number;
  /** Parameters smaller than this keep full-precision moments, default 4096. */
  min8bitSize: number;
}

/**
 * bitsandbytes' create_dynamic_map(signed, max_exponent_bits 7, total_bits 8): 256 values in
 * [-1, 1] (signed) or [0, 1], ascending; for each exponent i = 0..6, the midpoints of an even
 * grid of 2^i (signed, mirrored) or 2^{i+1} (unsigned) intervals over [0.1, 1], times 10^{i-6};
 * plus 0 and 1. Rounded to f32 as bitsandbytes stores it.
 */
export function dynamicQuantizationMap(signed: boolean): Float64Array {
  const data: number[] = [];
  for (let i = 0; i < 7; i++) {
    const items = signed ? 2 ** i + 1 : 2 ** (i + 1) + 1;
    const scale = 10 ** (-6 + i);
    for (let k = 0; k + 1 < items; k++) {
      const lo = 0.1 + (0.9 * k) / (items - 1);
      const hi = 0.1 + (0.9 * (k + 1)) / (items - 1);
      const mean = (lo + hi) / 2;
      data.push(scale * mean);
      if (signed) data.push(-scale * mean);
    }
  }
  data.push(0, 1);
  data.sort((a, b) => a - b);
  return Float64Array.from(data, (x) => Math.fround(x));
}

const SIGNED_MAP = dynamicQuantizationMap(true);
const UNSIGNED_MAP = dynamicQuantizationMap(false);

/** The index of the map value nearest to x (ties: the smaller index), by binary search. */
export function nearestCode(map: Float64Array, x: number): number {
  let lo = 0;
  let hi = map.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (map[mid] <= x) lo = mid;
    else hi = mid;
  }
  return Math.abs(x - map[lo]) <= Math.abs(map[hi] - x) ? lo : hi;
}

/** Codes per state element: three 8-bit codes in an f32 (24-bit integers are exact), six in an f64. */
export const codesPerElement = (p: { dtype: 'f32' | 'f64' }) => (p.dtype === 'f32' ? 3 : 6);

function getCode(packed: FloatArray, per: number, i: number): number {
  const word = packed[Math.floor(i / per)];
  return Math.floor(word / 256 ** (i % per)) % 256;
}

function packCodes(codes: Uint8Array, per: number, out: FloatArray): void {
  out.fill(0);
  for (let i = 0; i < codes.length; i++) out[Math.floor(i / per)] += codes[i] * 256 ** (i % per);
}

/** The 8-bit state of one parameter as plain arrays. */
export interface Adam8bitArrays {
  /** Packed codes of m and v, and their per-block scales. */
  expAvgCodes: FloatArray;
  expAvgSqCodes: FloatArray;
  expAvgAbsmax: FloatArray;
  expAvgSqAbsmax: FloatArray;
}

/** One 8-bit Adam(W) step on one parameter in plain TypeScript (θ and the state updated in place). */
export function adam8bitStep(
  theta: FloatArray,
  grad: FloatArray,
  st: Adam8bitArrays,
  step: number,
  o: Adam8bitOptions,
  decoupled: boolean,
  per: number,
): void {
  const n = theta.length;
  const [b1, b2] = o.betas;
  const c1 = 1 - b1 ** step;
  const c2 = Math.sqrt(1 - b2 ** step);
  const stepSize = (o.lr * c2) / c1;
  const cm = new Uint8Array(n);
  const cv = new Uint8Array(n);
  const m = new Float64Array(o.blockSize);
  const v = new Float64Array(o.blockSize);
  for (let b0 = 0, blk = 0; b0 < n; b0 += o.blockSize, blk++) {
    const len = Math.min(o.blockSize, n - b0);
    let am = 0;
    let av = 0;
    for (let j = 0; j < len; j++) {
      const i = b0 + j;
      let g = grad[i];
      if (!decoupled && o.weightDecay !== 0) g = g + o.weightDecay * theta[i];
      const mOld = SIGNED_MAP[getCode(st.expAvgCodes, per, i)] * st.expAvgAbsmax[blk];
      const vOld = UNSIGNED_MAP[getCode(st.expAvgSqCodes, per, i)] * st.expAvgSqAbsmax[blk];
      m[j] = b1 * mOld + (1 - b1) * g;
      v[j] = b2 * vOld + (1 - b2) * g * g;
      am = Math.max(am, Math.abs(m[j]));
      av = Math.max(av, Math.abs(v[j]));
      let p = theta[i];
      if (decoupled) p = p * (1 - o.lr * o.weightDecay);
      theta[i] = p - stepSize * (m[j] / (Math.sqrt(v[j]) + o.eps * c2));
    }
    for (let j = 0; j < len; j++) {
      cm[b0 + j] = nearestCode(SIGNED_MAP, am === 0 ? 0 : m[j] / am);
      cv[b0 + j] = nearestCode(UNSIGNED_MAP, av === 0 ? 0 : v[j] / av);
    }
    st.expAvgAbsmax[blk] = am;
    st.expAvgSqAbsmax[blk] = av;
  }
  packCodes(cm, per, st.expAvgCodes);
  packCodes(cv, per, st.expAvgSqCodes);
}

/** Full-precision Adam(W) for the small parameters (the same update without quantization). */
function fullPrecisionStep(
  theta: FloatArray,
  grad: FloatArray,
  m: FloatArray,
  v: FloatArray,
  step: number,
  o: Adam8bitOptions,
  decoupled: boolean,
): void {
  const [b1, b2] = o.betas;
  const c2 = Math.sqrt(1 - b2 ** step);
  const stepSize = (o.lr * c2) / (1 - b1 ** step);
  for (let i = 0; i < theta.length; i++) {
    let g = grad[i];
    if (!decoupled && o.weightDecay !== 0) g = g + o.weightDecay * theta[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    let p = theta[i];
    if (decoupled) p = p * (1 - o.lr * o.weightDecay);
    theta[i] = p - stepSize * (m[i] / (Math.sqrt(v[i]) + o.eps * c2));
  }
}

const QUANTIZED_KEYS = ['expAvgCodes', 'expAvgSqCodes', 'expAvgAbsmax', 'expAvgSqAbsmax'] as const;
const FULL_KEYS = ['expAvg', 'expAvgSq'] as const;

export class Adam8bit extends Optimizer<Adam8bitOptions> {
  protected static displayName = 'Adam8bit';
  protected static decoupled = false;
  readonly name: string;

  constructor(
    params: ParamsInput<Adam8bitOptions>,
    options: Partial<Adam8bitOptions> & OptimizerBehaviour = {},
  ) {
    const kind = new.target as typeof Adam8bit;
    const base: AdamOptions = { ...ADAM_DEFAULTS, weightDecay: kind.decoupled ? 1e-2 : 0 };
    const defaults: Adam8bitOptions = {
      lr: base.lr,
      betas: [...base.betas],
      eps: base.eps,
      weightDecay: base.weightDecay,
      blockSize: 256,
      min8bitSize: 4096,
    };
    super(kind.displayName, params, defaults, options);
    this.name = kind.displayName;
  }

  protected validateGroup(o: Adam8bitOptions): void {
    checkLr(o.lr);
    checkBetas(o.betas);
    checkNonNegative('eps', o.eps);
    checkNonNegative('weightDecay', o.weightDecay);
    checkPositiveInt('blockSize', o.blockSize);
    if (!Number.isInteger(o.min8bitSize) || o.min8bitSize < 0) {
      throw new RangeError(`Invalid min8bitSize value: ${String(o.min8bitSize)} (expected an integer >= 0)`);
    }
  }

  /** Whether `p` keeps 8-bit moments under the group's options. */
  isQuantized(p: Param, o: Adam8bitOptions): boolean {
    return p.length >= o.min8bitSize;
  }

  private lengths(p: Param, o: Adam8bitOptions): Record<string, number> {
    if (!this.isQuantized(p, o)) return { expAvg: p.length, expAvgSq: p.length };
    const codes = Math.ceil(p.length / codesPerElement(p));
    const blocks = Math.ceil(p.length / o.blockSize);
    return { expAvgCodes: codes, expAvgSqCodes: codes, expAvgAbsmax: blocks, expAvgSqAbsmax: blocks };
  }

  /** Bytes of state per parameter element of `p` (the moments, their scales; not the step counter). */
  stateBytesPerElement(p: Param): number {
    const group = this.paramGroups.find((g) => g.params.includes(p)) ?? this.defaults;
    const total = Object.values(this.lengths(p, group)).reduce((a, b) => a + b, 0);
    return (total * (p.dtype === 'f32' ? 4 : 8)) / p.length;
  }

  protected override prepareState(p: Param, group: ParamGroup<Adam8bitOptions>): void {
    this.stateOf(p, () => {
      const st: Record<string, number | WasmArray> = { step: 0 };
      for (const [k, len] of Object.entries(this.lengths(p, group))) st[k] = this.stateArray(p.dtype, len);
      return st;
    });
  }

  protected override stateSpec(p: Param, group: ParamGroup<Adam8bitOptions>): StateSpec {
    const spec: StateSpec = { step: { kind: 'number', required: true } };
    for (const k of Object.keys(this.lengths(p, group))) spec[k] = { kind: 'array', required: true };
    return spec;
  }

  protected override stateArrayLength(p: Param, key: string): number | undefined {
    const group = this.paramGroups.find((g) => g.params.includes(p)) ?? this.defaults;
    return this.lengths(p, group)[key];
  }

  protected updateGroup(group: ParamGroup<Adam8bitOptions>): void {
    const decoupled = (this.constructor as typeof Adam8bit).decoupled;
    for (const p of group.params) {
      const st = this.state.get(p) as Record<string, number | WasmArray>;
      const keys = this.isQuantized(p, group) ? QUANTIZED_KEYS : FULL_KEYS;
      const lens = this.lengths(p, group);
      for (const k of keys) {
        if (!(st[k] && (st[k] as WasmArray).length === lens[k])) {
          throw new RangeError(
            `Invalid blockSize/min8bitSize for ${p.name}: its state was built with other values (call resetState() to change them)`,
          );
        }
      }
      const step = (st.step as number) + 1;
      const arrays = Object.fromEntries(keys.map((k) => [k, (st[k] as WasmArray).data])) as Record<
        string,
        FloatArray
      >;
      if (keys === FULL_KEYS) {
        fullPrecisionStep(p.data, p.grad, arrays.expAvg, arrays.expAvgSq, step, group, decoupled);
      } else {
        adam8bitStep(
          p.data,
          p.grad,
          arrays as unknown as Adam8bitArrays,
          step,
          group,
          decoupled,
          codesPerElement(p),
        );
      }
      st.step = step;
    }
  }
}

/** 8-bit AdamW: decoupled weight decay θ(1 - ηλ), default λ 1e-2 (torch's AdamW). */
export class AdamW8bit extends Adam8bit {
  protected static override displayName = 'AdamW8bit';
  protected static override decoupled = true;
}
