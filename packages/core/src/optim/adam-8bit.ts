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
 * (expAvg, expAvgSq), as bitsandbytes does. Storage: one byte per code, in the bytes of a state
 * array of the parameter's dtype (⌈n/4⌉ f32 or ⌈n/8⌉ f64 words, byte i = value i's code), so 2.03
 * bytes per f32 parameter instead of Adam's 8 (3.9x less), 2.06 instead of 16 for f64. Those words
 * are raw bytes, not numbers (some are NaN patterns): the step vouches for them (storedFinite) when
 * θ and the absmax are finite, and `stateDict()` translates the codes to the layout earlier versions
 * stored (three codes per f32 as an exact integer, six per f64), which `loadStateDict` reads back:
 * state dicts stay finite numbers, old ones load, and a resume is exact. `impl: 'fused'` (default)
 * runs the kernels' fusedAdam8bitStep, bit-identical to `adam8bitStep` here (the reference).
 * Deviations from bitsandbytes: the arithmetic runs in f64 (bnb: f32 on the
 * GPU); Adam8bit's weight decay is torch Adam's coupled L2 (bnb's blockwise kernel decays
 * decoupled for both); no percentile clipping, no paged or 'max_unorm' options; ties in the nearest
 * code go to the smaller code.
 */
import { byteCodesLength, type FloatArray, fusedAdam8bitStep, type WasmArray } from '@descent/kernels';
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
import type { OptimizerStateDict } from './state-dict.js';
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

/** The legacy state-dict layout: three 8-bit codes per f32 (24-bit integers are exact), six per f64. */
export const codesPerElement = (p: { dtype: 'f32' | 'f64' }) => (p.dtype === 'f32' ? 3 : 6);

/** The live codes' bytes: byte i of the state array is value i's code. */
const bytesOf = (a: FloatArray, n: number) => new Uint8Array(a.buffer, a.byteOffset, n);

/** n codes (bytes) packed the legacy way: `per` codes as an exact integer per element. */
export function packLegacyCodes(codes: Uint8Array, per: number, out: FloatArray): void {
  out.fill(0);
  for (let i = 0; i < codes.length; i++) out[Math.floor(i / per)] += codes[i] * 256 ** (i % per);
}

/** The inverse of packLegacyCodes: n codes into `out`'s bytes. */
export function unpackLegacyCodes(packed: FloatArray, per: number, n: number, out: Uint8Array): void {
  for (let i = 0; i < n; i++) out[i] = Math.floor(packed[Math.floor(i / per)] / 256 ** (i % per)) % 256;
}

/** The 8-bit state of one parameter as plain arrays (codes: byteCodesLength words of raw bytes). */
export interface Adam8bitArrays {
  /** The codes of m and v (one byte each), and their per-block scales. */
  expAvgCodes: FloatArray;
  expAvgSqCodes: FloatArray;
  expAvgAbsmax: FloatArray;
  expAvgSqAbsmax: FloatArray;
}

/** The per-step scalars, computed once per step as the fused kernel receives them. */
function stepScalars(step: number, o: Adam8bitOptions) {
  const [b1, b2] = o.betas;
  const c1 = 1 - b1 ** step;
  const c2 = Math.sqrt(1 - b2 ** step);
  return { stepSize: (o.lr * c2) / c1, epsC2: o.eps * c2, decay: 1 - o.lr * o.weightDecay };
}

/**
 * One 8-bit Adam(W) step on one parameter in plain TypeScript (θ and the state updated in place);
 * returns true if every θ and absmax stored is finite.
 */
export function adam8bitStep(
  theta: FloatArray,
  grad: FloatArray,
  st: Adam8bitArrays,
  step: number,
  o: Adam8bitOptions,
  decoupled: boolean,
): boolean {
  const n = theta.length;
  const [b1, b2] = o.betas;
  const { stepSize, epsC2, decay } = stepScalars(step, o);
  const cm = bytesOf(st.expAvgCodes, n);
  const cv = bytesOf(st.expAvgSqCodes, n);
  const m = new Float64Array(o.blockSize);
  const v = new Float64Array(o.blockSize);
  let finite = true;
  for (let b0 = 0, blk = 0; b0 < n; b0 += o.blockSize, blk++) {
    const len = Math.min(o.blockSize, n - b0);
    let am = 0;
    let av = 0;
    for (let j = 0; j < len; j++) {
      const i = b0 + j;
      let g = grad[i];
      if (!decoupled && o.weightDecay !== 0) g = g + o.weightDecay * theta[i];
      const mOld = SIGNED_MAP[cm[i]] * st.expAvgAbsmax[blk];
      const vOld = UNSIGNED_MAP[cv[i]] * st.expAvgSqAbsmax[blk];
      m[j] = b1 * mOld + (1 - b1) * g;
      v[j] = b2 * vOld + (1 - b2) * g * g;
      am = Math.max(am, Math.abs(m[j]));
      av = Math.max(av, Math.abs(v[j]));
      let p = theta[i];
      if (decoupled) p = p * decay;
      theta[i] = p - stepSize * (m[j] / (Math.sqrt(v[j]) + epsC2));
      finite &&= Number.isFinite(theta[i]);
    }
    for (let j = 0; j < len; j++) {
      cm[b0 + j] = nearestCode(SIGNED_MAP, am === 0 ? 0 : m[j] / am);
      cv[b0 + j] = nearestCode(UNSIGNED_MAP, av === 0 ? 0 : v[j] / av);
    }
    st.expAvgAbsmax[blk] = am;
    st.expAvgSqAbsmax[blk] = av;
    finite &&= Number.isFinite(st.expAvgAbsmax[blk]) && Number.isFinite(st.expAvgSqAbsmax[blk]);
  }
  return finite;
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
    const codes = byteCodesLength(p.dtype, p.length);
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
      if (keys === FULL_KEYS) {
        const [m, v] = [st.expAvg, st.expAvgSq] as WasmArray[];
        fullPrecisionStep(p.data, p.grad, m.data, v.data, step, group, decoupled);
      } else {
        const state = Object.fromEntries(keys.map((k) => [k, st[k] as WasmArray])) as Record<
          (typeof QUANTIZED_KEYS)[number],
          WasmArray
        >;
        let finite: boolean;
        if (this.impl === 'fused') {
          finite = fusedAdam8bitStep(
            p.value,
            p.gradient,
            state,
            {
              ...stepScalars(step, group),
              beta1: group.betas[0],
              beta2: group.betas[1],
              weightDecay: group.weightDecay,
              blockSize: group.blockSize,
              signedMap: SIGNED_MAP,
              unsignedMap: UNSIGNED_MAP,
            },
            decoupled,
          );
        } else {
          const arrays = Object.fromEntries(keys.map((k) => [k, state[k as keyof typeof state].data]));
          finite = adam8bitStep(p.data, p.grad, arrays as unknown as Adam8bitArrays, step, group, decoupled);
        }
        // the codes are raw bytes (NaN patterns among them): vouch when θ and the scales are finite
        this.storedFinite(p, finite);
      }
      st.step = step;
    }
  }

  /** The state dict with the codes in the legacy layout (finite exact integers; see the file's comment). */
  override stateDict(): OptimizerStateDict {
    const sd = super.stateDict();
    this.params().forEach((p, i) => {
      const s = sd.state[i];
      for (const k of CODE_KEYS) {
        const bytes = s?.[k];
        if (!(bytes instanceof Float32Array || bytes instanceof Float64Array)) continue;
        const out = p.dtype === 'f32' ? new Float32Array(legacyLength(p)) : new Float64Array(legacyLength(p));
        packLegacyCodes(bytesOf(bytes, p.length), codesPerElement(p), out);
        s[k] = out;
      }
    });
    return sd;
  }

  /** Reads a state dict written by `stateDict()` (legacy code layout), then checks and loads it. */
  override loadStateDict(sd: OptimizerStateDict): void {
    if (!sd || typeof sd !== 'object' || !sd.state || typeof sd.state !== 'object') {
      super.loadStateDict(sd); // refused there, with the message for what it is
      return;
    }
    const all = this.params();
    const state: OptimizerStateDict['state'] = {};
    for (const [key, s] of Object.entries(sd.state)) {
      const p = all[Number(key)];
      const copy = { ...s };
      for (const k of CODE_KEYS) {
        const packed = copy[k];
        if (!p || !(packed instanceof Float32Array || packed instanceof Float64Array)) continue;
        if (packed.length !== legacyLength(p) || packed instanceof Float32Array !== (p.dtype === 'f32'))
          continue;
        const words = byteCodesLength(p.dtype, p.length);
        const out = p.dtype === 'f32' ? new Float32Array(words) : new Float64Array(words);
        unpackLegacyCodes(packed, codesPerElement(p), p.length, bytesOf(out, p.length));
        copy[k] = out;
      }
      state[Number(key)] = copy;
    }
    super.loadStateDict({ ...sd, state });
  }
}

const CODE_KEYS = ['expAvgCodes', 'expAvgSqCodes'] as const;
const legacyLength = (p: Param) => Math.ceil(p.length / codesPerElement(p));

/** 8-bit AdamW: decoupled weight decay θ(1 - ηλ), default λ 1e-2 (torch's AdamW). */
export class AdamW8bit extends Adam8bit {
  protected static override displayName = 'AdamW8bit';
  protected static override decoupled = true;
}
