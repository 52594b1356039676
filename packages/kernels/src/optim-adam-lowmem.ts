/**
 * Fused Adam / AdamW steps with memory-light moments (assembly/optim-adam-lowmem.ts), f32 or f64 by
 * the parameter's dtype. Bit-identical to core's plain TypeScript references (adam-8bit.ts,
 * adam-bf16.ts): the kernels run the same f64 operations in the same order.
 *
 * 8-bit (bitsandbytes' blockwise dynamic quantization): the moments are one byte per value, stored
 * in the bytes of a state array of the parameter's dtype (⌈n/4⌉ f32 or ⌈n/8⌉ f64 words; byte i of
 * the array is value i's code), with one absmax per block of `blockSize` values:
 *   m = β1 mapS[c_m] absmax_m + (1 - β1) d,  v = β2 mapU[c_v] absmax_v + (1 - β2) d²
 *   θ ← decay θ;  θ ← θ - stepSize m / (√v + epsC2);  then each block's codes and absmax anew
 * bf16: m and v rounded to bf16 and packed two per f32 word (m high, v low), four per f64 word:
 *   m = bf16(β1 m + (1 - β1) d),  v = bf16(β2 v + (1 - β2) d²),
 *   θ ← θ - stepSize m / (√v · invBias2Sqrt + eps)
 * or, with `stochasticRounding`, m and v rounded to bf16 up or down at random (unbiased).
 */
import { alloc, type WasmArray } from './arena.js';
import { checkArray, checkLength, checkNoOverlap, checkPair, checkScalar } from './checks.js';
import { typedKernel } from './exports.js';

/** Scalars shared by both steps (computed once per step by the optimizer). */
export interface LowMemAdamScalars {
  beta1: number;
  beta2: number;
  /** Coupled (L2) weight decay λ: d = g + λ θ (0 for none or for decoupled decay). */
  weightDecay: number;
  /** Decoupled decay factor 1 - η λ applied to θ first (1 for none). */
  decay: number;
}

export interface Adam8bitScalars extends LowMemAdamScalars {
  /** η √(1 - β2^t) / (1 - β1^t) */
  stepSize: number;
  /** ε √(1 - β2^t) */
  epsC2: number;
  /** Values per quantization block (a positive integer). */
  blockSize: number;
  /** The signed map (for m) and the unsigned map (for v): 256 ascending values each. */
  signedMap: Float64Array;
  unsignedMap: Float64Array;
}

const k8bit = typedKernel('adam8bit');
const kBf16 = typedKernel('adam_bf16');

/** State words that hold n one-byte codes in an array of the dtype: ⌈n/4⌉ (f32) or ⌈n/8⌉ (f64). */
export function byteCodesLength(dtype: 'f32' | 'f64', n: number): number {
  return Math.ceil(n / (dtype === 'f32' ? 4 : 8));
}

/** param and grad alike; each state array of their dtype and its length; no two overlapping. */
function checkArrays(param: WasmArray, grad: WasmArray, state: Record<string, [WasmArray, number]>) {
  const dt = checkPair('param', param, 'grad', grad);
  checkNoOverlap('param', param, 'grad', grad);
  const names = Object.keys(state);
  names.forEach((name, i) => {
    const [a, len] = state[name];
    checkArray(name, a, dt);
    checkLength(name, a, len);
    checkNoOverlap('param', param, name, a);
    checkNoOverlap('grad', grad, name, a);
    for (let j = 0; j < i; j++) checkNoOverlap(names[j], state[names[j]][0], name, a);
  });
  return dt;
}

function checkCommon(s: LowMemAdamScalars): void {
  checkScalar('beta1', s.beta1);
  checkScalar('beta2', s.beta2);
  checkScalar('weightDecay', s.weightDecay);
  checkScalar('decay', s.decay);
}

const tablesOf = new WeakMap<Float64Array, Uint8Array>();

/** The largest k <= 254 with map[k] <= x (0 if none): the plain binary search's lower end. */
function lowerCode(map: Float64Array, x: number): number {
  let lo = 0;
  let hi = 255;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (map[mid] <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The kernel's start table for the nearest-code search: for each bin of 2^-32 <= |x| < 1 (sign,
 * binary exponent, 5 leading mantissa bits: 2048 bins), lowerCode at the bin's smallest value, a
 * lower bound for every x in it (lowerCode is monotone). Built once per map.
 */
function binTable(map: Float64Array): Uint8Array {
  let t = tablesOf.get(map);
  if (t) return t;
  t = new Uint8Array(2048);
  for (let bin = 0; bin < 2048; bin++) {
    const scale = 2 ** (((bin >> 5) & 31) + 991 - 1023);
    const frac = bin & 31;
    const smallest = bin >> 10 ? -scale * (1 + (frac + 1) / 32) : scale * (1 + frac / 32);
    t[bin] = lowerCode(map, smallest);
  }
  tablesOf.set(map, t);
  return t;
}

/**
 * One 8-bit Adam(W) step of `param` in place. expAvgCodes / expAvgSqCodes: byteCodesLength words;
 * expAvgAbsmax / expAvgSqAbsmax: ⌈n / blockSize⌉ values; all of the parameter's dtype.
 * `decoupled` applies `decay` to θ; otherwise a non-zero weightDecay is added to the gradient.
 * Returns true if every θ and absmax stored is finite.
 */
export function fusedAdam8bitStep(
  param: WasmArray,
  grad: WasmArray,
  state: {
    expAvgCodes: WasmArray;
    expAvgSqCodes: WasmArray;
    expAvgAbsmax: WasmArray;
    expAvgSqAbsmax: WasmArray;
  },
  s: Adam8bitScalars,
  decoupled: boolean,
): boolean {
  if (!Number.isInteger(s.blockSize) || s.blockSize < 1) {
    throw new RangeError(`Invalid blockSize: ${s.blockSize} (a positive integer)`);
  }
  checkArray('param', param);
  const n = param.length;
  const codes = byteCodesLength(param.dtype, n);
  const blocks = Math.ceil(n / s.blockSize);
  const dt = checkArrays(param, grad, {
    expAvgCodes: [state.expAvgCodes, codes],
    expAvgSqCodes: [state.expAvgSqCodes, codes],
    expAvgAbsmax: [state.expAvgAbsmax, blocks],
    expAvgSqAbsmax: [state.expAvgSqAbsmax, blocks],
  });
  checkCommon(s);
  checkScalar('stepSize', s.stepSize);
  checkScalar('epsC2', s.epsC2);
  if (s.signedMap.length !== 256 || s.unsignedMap.length !== 256) {
    throw new RangeError('signedMap and unsignedMap must have 256 values each');
  }
  // maps (512 f64), their bin tables (2 x 2048 bytes = 512 f64), then 2 x blockSize f64 of scratch
  const work = alloc('f64', 1024 + 2 * Math.min(s.blockSize, Math.max(n, 1)));
  try {
    const w = work.data;
    w.set(s.signedMap, 0);
    w.set(s.unsignedMap, 256);
    const tables = new Uint8Array(w.buffer, w.byteOffset + 512 * 8, 4096);
    tables.set(binTable(s.signedMap), 0);
    tables.set(binTable(s.unsignedMap), 2048);
    const flags = (decoupled ? 1 : 0) | (!decoupled && s.weightDecay !== 0 ? 2 : 0);
    const ok = k8bit(dt)(
      n,
      param.ptr,
      grad.ptr,
      state.expAvgCodes.ptr,
      state.expAvgSqCodes.ptr,
      state.expAvgAbsmax.ptr,
      state.expAvgSqAbsmax.ptr,
      s.blockSize,
      s.beta1,
      1 - s.beta1,
      s.beta2,
      1 - s.beta2,
      s.stepSize,
      s.epsC2,
      s.weightDecay,
      s.decay,
      flags,
      work.ptr,
      work.ptr + 1024 * 8,
    );
    return ok === 1;
  } finally {
    work.free();
  }
}

export interface AdamBf16Scalars extends LowMemAdamScalars {
  /** η / (1 - β1^t) */
  stepSize: number;
  /** 1 / √(1 - β2^t) */
  invBias2Sqrt: number;
  eps: number;
  maximize: boolean;
  /**
   * Round the moments to bf16 stochastically (unbiased: E[bf16(x)] = x) instead of to nearest,
   * with random bits hashed from the element, the moment and `step` (default false).
   */
  stochasticRounding?: boolean;
  /** The step number t (a non-negative integer), seeding the stochastic rounding. */
  step?: number;
}

/** State words for n elements' bf16 m and v: n (f32) or ⌈n/2⌉ (f64). */
export function bf16WordsLength(dtype: 'f32' | 'f64', n: number): number {
  return dtype === 'f32' ? n : Math.ceil(n / 2);
}

/**
 * One Adam(W) step with bf16 moments packed in `words`, θ in place. Returns true if every θ, m and
 * v stored is finite.
 */
export function fusedAdamBf16Step(
  param: WasmArray,
  grad: WasmArray,
  words: WasmArray,
  s: AdamBf16Scalars,
  decoupled: boolean,
): boolean {
  checkArray('param', param);
  const dt = checkArrays(param, grad, { moments: [words, bf16WordsLength(param.dtype, param.length)] });
  checkCommon(s);
  checkScalar('stepSize', s.stepSize);
  checkScalar('invBias2Sqrt', s.invBias2Sqrt);
  checkScalar('eps', s.eps);
  const step = s.step ?? 0;
  if (!Number.isInteger(step) || step < 0)
    throw new RangeError(`Invalid step: ${step} (a non-negative integer)`);
  const flags =
    (decoupled ? 1 : 0) |
    (!decoupled && s.weightDecay !== 0 ? 2 : 0) |
    (s.maximize ? 4 : 0) |
    (s.stochasticRounding ? 8 : 0);
  const ok = kBf16(dt)(
    param.length,
    param.ptr,
    grad.ptr,
    words.ptr,
    s.beta1,
    1 - s.beta1,
    s.beta2,
    1 - s.beta2,
    s.stepSize,
    s.invBias2Sqrt,
    s.eps,
    s.weightDecay,
    s.decay,
    flags,
    step | 0,
  );
  return ok === 1;
}
