/**
 * Adam and AdamW with bfloat16 moments, as torch.optim.Adam/AdamW run with bf16 `exp_avg` and
 * `exp_avg_sq` buffers: each step the moments are updated in higher precision and rounded to bf16
 * (8 exponent bits like f32, 8 significant bits), and the update uses the rounded values:
 *
 *   m = bf16(β1 m + (1 - β1) g),   v = bf16(β2 v + (1 - β2) g²)          (Adam: g += λθ first)
 *   θ ← θ (1 - ηλ) (AdamW);   θ ← θ - η/(1 - β1^t) · m / (√v / √(1 - β2^t) + ε)
 *
 * bf16(x): x rounded to f32, then to bf16 by round-to-nearest-even on the upper 16 bits (torch's
 * float → bfloat16 conversion). Storage: the two bf16 moments of an element share one state word:
 * m's 16 bits in the high half of an f32 (so the word is a finite number whenever m is: its sign,
 * exponent and leading bits are m's), v's in the low half; an f64 parameter packs four bf16 into
 * one f64 (m, v of two elements). 4 bytes of state per f32 parameter instead of Adam's 8 (2x), 4
 * instead of 16 for f64. The relative error of a bf16 moment is at most 2^-9 (0.2%).
 * `impl: 'fused'` (default) runs the kernels' fusedAdamBf16Step, bit-identical to `adamBf16Step`
 * here (the plain reference).
 *
 * The stall, and `stochasticRounding`: bf16 keeps 8 significant bits, so a value moves only if it
 * changes by at least half an ulp, 2^-9 to 2^-8 of itself. v ← β2 v + (1 - β2) g² changes v by
 * (1 - β2)(g²/v - 1), at most 0.001 of v when g² ≪ v (β2 = 0.999): rounded to nearest, bf16(0.999 v)
 * is v again, so v cannot decay below the largest g² it has seen (only grow). Adam still converges
 * (its fixed point is g = 0 whatever v), but AdamW's is η m/√v = ηλθ: with v frozen large, the
 * gradient there stays large too. On Booth from (0, 0), AdamW-bf16 stops at f ≈ 3e-4 (lr 0.5; 9e-4
 * at lr 0.1) where f32 AdamW reaches 5e-6 (1e-5). `stochasticRounding: true` rounds each moment up
 * or down at random with the probabilities that make E[bf16(x)] = x (the remedy of Zamirai et al.
 * 2020, "Revisiting BFloat16 Training", and of torchao's bf16_stochastic_round), so v decays in
 * expectation: AdamW-bf16 then reaches f ≈ 6e-6 (1e-5), the f32 floor. The random bits are a hash
 * of (element, moment, step), so runs are reproducible and resume exactly. Default false: torch's
 * round-to-nearest, as the NumPy fixture transcribes it.
 */
import { type FloatArray, fusedAdamBf16Step, type WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import { ADAM_DEFAULTS, type AdamOptions, validateAdamOptions } from './adam.js';
import {
  Optimizer,
  type OptimizerBehaviour,
  type ParamGroup,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';
import { checkBoolean } from './validate.js';

export interface AdamBf16Options extends Omit<AdamOptions, 'amsgrad'> {
  /**
   * Round the moments to bf16 stochastically, unbiased, instead of to nearest (default false: torch's
   * rounding). See the file's comment: with round-to-nearest v cannot decay by less than half a bf16
   * ulp per step, which stalls AdamW above its minimum.
   */
  stochasticRounding: boolean;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The bf16 bits of x: x rounded to f32, then round-to-nearest-even to its upper 16 bits. */
export function toBf16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The bf16 bits of x rounded stochastically: (bits(f32(x)) + r) >>> 16 for 16 random bits r. */
export function toBf16BitsStochastic(x: number, r: number): number {
  f32[0] = x;
  return ((u32[0] + r) >>> 16) & 0xffff;
}

/**
 * The 16 random bits of stochastic rounding for slot k (2i for m_i, 2i + 1 for v_i) at step t:
 * murmur3's finalizer fmix32 of k ^ (t · 0x9E3779B9), low 16 bits. A hash, not a generator: the
 * same on every path and after a resume (t is in the state), so runs are reproducible.
 */
export function roundingBits(k: number, t: number): number {
  let h = (k ^ Math.imul(t, 0x9e3779b9)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h & 0xffff;
}

/** The value of bf16 bits. */
export function fromBf16Bits(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0];
}

/** x rounded to bf16 (through f32). */
export const roundBf16 = (x: number) => fromBf16Bits(toBf16Bits(x));

/**
 * Reads and writes the packed moments: element i's m and v as bf16 bits in the state word(s).
 * f32: one word per element (m high, v low). f64: one word per two elements (m_i, v_i, m_{i+1},
 * v_{i+1} from the high half down), through a shared byte view.
 */
export class Bf16Moments {
  private readonly halves: Uint16Array;
  private readonly perWord: number;

  constructor(words: FloatArray) {
    this.halves = new Uint16Array(words.buffer, words.byteOffset, words.byteLength / 2);
    this.perWord = words instanceof Float32Array ? 2 : 4;
  }

  /** Little-endian: the high half of a word is the later 16-bit slot. */
  private slot(i: number, which: 0 | 1): number {
    const k = i * 2 + which; // m_i = 0, v_i = 1, m_{i+1} = 2, ...
    const word = Math.floor(k / this.perWord);
    return word * this.perWord + (this.perWord - 1 - (k % this.perWord));
  }

  m(i: number): number {
    return fromBf16Bits(this.halves[this.slot(i, 0)]);
  }

  v(i: number): number {
    return fromBf16Bits(this.halves[this.slot(i, 1)]);
  }

  set(i: number, m: number, v: number): void {
    this.setBits(i, toBf16Bits(m), toBf16Bits(v));
  }

  setBits(i: number, m: number, v: number): void {
    this.halves[this.slot(i, 0)] = m;
    this.halves[this.slot(i, 1)] = v;
  }
}

/** State words for n elements: n for f32, ⌈n/2⌉ for f64. */
export const bf16StateLength = (p: { dtype: 'f32' | 'f64'; length: number }) =>
  p.dtype === 'f32' ? p.length : Math.ceil(p.length / 2);

/** One Adam(W) step with bf16 moments, in place. */
export function adamBf16Step(
  theta: FloatArray,
  grad: FloatArray,
  words: FloatArray,
  step: number,
  o: AdamBf16Options,
  decoupled: boolean,
): void {
  const mv = new Bf16Moments(words);
  const [b1, b2] = o.betas;
  const stepSize = o.lr / (1 - b1 ** step);
  const invBias2Sqrt = 1 / Math.sqrt(1 - b2 ** step);
  for (let i = 0; i < theta.length; i++) {
    let p = theta[i];
    if (decoupled) p = p * (1 - o.lr * o.weightDecay);
    let g = o.maximize ? -grad[i] : grad[i];
    if (!decoupled && o.weightDecay !== 0) g = g + o.weightDecay * p;
    const m = b1 * mv.m(i) + (1 - b1) * g;
    const v = b2 * mv.v(i) + (1 - b2) * g * g;
    if (o.stochasticRounding) {
      mv.setBits(
        i,
        toBf16BitsStochastic(m, roundingBits(2 * i, step)),
        toBf16BitsStochastic(v, roundingBits(2 * i + 1, step)),
      );
    } else {
      mv.set(i, m, v);
    }
    theta[i] = p - stepSize * (mv.m(i) / (Math.sqrt(mv.v(i)) * invBias2Sqrt + o.eps));
  }
}

export class AdamBf16 extends Optimizer<AdamBf16Options> {
  protected static displayName = 'AdamBf16';
  protected static decoupled = false;
  readonly name: string;

  constructor(
    params: ParamsInput<AdamBf16Options>,
    options: Partial<AdamBf16Options> & OptimizerBehaviour = {},
  ) {
    const kind = new.target as typeof AdamBf16;
    const { amsgrad: _none, ...base } = ADAM_DEFAULTS;
    const defaults = {
      ...base,
      betas: [...base.betas] as [number, number],
      weightDecay: kind.decoupled ? 1e-2 : 0,
      stochasticRounding: false,
    };
    super(kind.displayName, params, defaults, options);
    this.name = kind.displayName;
  }

  protected validateGroup(o: AdamBf16Options): void {
    const { stochasticRounding, ...adam } = o;
    validateAdamOptions({ ...adam, amsgrad: false });
    checkBoolean('stochasticRounding', stochasticRounding);
  }

  protected override prepareState(p: Param): void {
    this.stateOf(p, () => ({ step: 0, moments: this.stateArray(p.dtype, bf16StateLength(p)) }));
  }

  protected override stateSpec(): StateSpec {
    return { step: { kind: 'number', required: true }, moments: { kind: 'array', required: true } };
  }

  protected override stateArrayLength(p: Param): number {
    return bf16StateLength(p);
  }

  /** Bytes of state per parameter element (the packed moments). */
  stateBytesPerElement(p: Param): number {
    return (bf16StateLength(p) * (p.dtype === 'f32' ? 4 : 8)) / p.length;
  }

  protected updateGroup(group: ParamGroup<AdamBf16Options>): void {
    const decoupled = (this.constructor as typeof AdamBf16).decoupled;
    const [b1, b2] = group.betas;
    for (const p of group.params) {
      const st = this.state.get(p) as { step: number; moments: WasmArray };
      const step = st.step + 1;
      if (this.impl === 'fused') {
        const finite = fusedAdamBf16Step(
          p.value,
          p.gradient,
          st.moments,
          {
            beta1: b1,
            beta2: b2,
            stepSize: group.lr / (1 - b1 ** step),
            invBias2Sqrt: 1 / Math.sqrt(1 - b2 ** step),
            eps: group.eps,
            weightDecay: group.weightDecay,
            decay: 1 - group.lr * group.weightDecay,
            maximize: group.maximize,
            stochasticRounding: group.stochasticRounding,
            step,
          },
          decoupled,
        );
        this.storedFinite(p, finite);
      } else {
        adamBf16Step(p.data, p.grad, st.moments.data, step, group, decoupled);
      }
      st.step = step;
    }
  }
}

/** AdamW with bf16 moments: decoupled weight decay, default λ 1e-2. */
export class AdamWBf16 extends AdamBf16 {
  protected static override displayName = 'AdamWBf16';
  protected static override decoupled = true;
}
