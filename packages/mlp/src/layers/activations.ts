/**
 * Element-wise activation layers, each a thin layer over the kernels' SIMD forward and backward:
 *
 *   ReLU        y = max(x, 0)                      dx = dy [x > 0]
 *   LeakyReLU   y = x > 0 ? x : s x   (s = 0.01)   dx = dy (x > 0 ? 1 : s)
 *   Sigmoid     y = 1 / (1 + e^{-x})               dx = dy y (1 - y)      (from the saved output)
 *   Tanh        y = tanh x                         dx = dy (1 - y²)       (from the saved output)
 *   GELU        y = x Φ(x)  (or the tanh form)     dx = dy (Φ(x) + x φ(x))
 *
 * ReLU, LeakyReLU and GELU save their input; Sigmoid and Tanh their output (cheaper derivative).
 */
import type { Param } from '@descent/core';
import {
  type DType,
  gelu,
  geluBackward,
  leakyRelu,
  leakyReluBackward,
  relu,
  reluBackward,
  sigmoid,
  sigmoidBackward,
  tanh,
  tanhBackward,
  type WasmArray,
  type WasmMatrix,
} from '@descent/kernels';
import {
  BatchBuffers,
  checkDtype,
  checkFeatures,
  checkInput,
  checkOutputGrad,
  type Layer,
  type LayerConfig,
  type LayerReplica,
} from './layer.js';

export type ActivationName = 'relu' | 'leakyRelu' | 'sigmoid' | 'tanh' | 'gelu';

export interface ActivationOptions {
  dtype?: DType;
  name?: string;
  /** LeakyReLU's slope for x <= 0 (default 0.01, torch's). */
  negativeSlope?: number;
  /** GELU: 'none' (exact, default) or 'tanh'. */
  approximate?: 'none' | 'tanh';
}

interface Rule {
  /** Whether backward needs the input (true) or the output (false). */
  savesInput: boolean;
  forward(x: WasmArray, y: WasmArray, o: ActivationOptions): void;
  backward(saved: WasmArray, dy: WasmArray, dx: WasmArray, o: ActivationOptions): void;
}

const RULES: Record<ActivationName, Rule> = {
  relu: { savesInput: true, forward: (x, y) => relu(x, y), backward: (s, dy, dx) => reluBackward(s, dy, dx) },
  leakyRelu: {
    savesInput: true,
    forward: (x, y, o) => leakyRelu(x, y, o),
    backward: (s, dy, dx, o) => leakyReluBackward(s, dy, dx, o),
  },
  sigmoid: {
    savesInput: false,
    forward: (x, y) => sigmoid(x, y),
    backward: (s, dy, dx) => sigmoidBackward(s, dy, dx),
  },
  tanh: {
    savesInput: false,
    forward: (x, y) => tanh(x, y),
    backward: (s, dy, dx) => tanhBackward(s, dy, dx),
  },
  gelu: {
    savesInput: true,
    forward: (x, y, o) => gelu(x, y, o),
    backward: (s, dy, dx, o) => geluBackward(s, dy, dx, o),
  },
};

/** Throws a RangeError unless `name` is a known activation. */
export function checkActivation(name: unknown): ActivationName {
  if (typeof name !== 'string' || !Object.hasOwn(RULES, name)) {
    throw new RangeError(
      `Invalid activation: ${String(name)} (expected one of ${Object.keys(RULES).join(', ')})`,
    );
  }
  return name as ActivationName;
}

export class Activation implements Layer {
  readonly dtype: DType;
  name: string;
  readonly outFeatures: number;
  private readonly rule: Rule;
  private readonly options: ActivationOptions;
  private readonly out: BatchBuffers;
  private readonly dx: BatchBuffers;
  private saved: WasmMatrix | undefined;

  constructor(
    readonly type: ActivationName,
    readonly inFeatures: number,
    options: ActivationOptions = {},
  ) {
    this.rule = RULES[checkActivation(type)];
    checkFeatures('features', inFeatures);
    this.dtype = checkDtype(options.dtype ?? 'f32');
    const { negativeSlope, approximate } = options;
    if (
      negativeSlope !== undefined &&
      (typeof negativeSlope !== 'number' || !Number.isFinite(negativeSlope))
    ) {
      throw new RangeError(`Invalid negativeSlope: ${String(negativeSlope)} (expected a finite number)`);
    }
    if (approximate !== undefined && approximate !== 'none' && approximate !== 'tanh') {
      throw new RangeError(`Invalid approximate: ${String(approximate)} (expected 'none' or 'tanh')`);
    }
    this.options = {};
    if (type === 'leakyRelu') this.options.negativeSlope = negativeSlope ?? 0.01;
    if (type === 'gelu') this.options.approximate = approximate ?? 'none';
    this.name = options.name ?? type;
    this.outFeatures = inFeatures;
    this.out = new BatchBuffers(this.dtype, inFeatures);
    this.dx = new BatchBuffers(this.dtype, inFeatures);
  }

  forward(x: WasmMatrix, _training = false): WasmMatrix {
    checkInput(this, x);
    const y = this.out.get(x.rows);
    this.rule.forward(x.data, y.data, this.options);
    this.saved = this.rule.savesInput ? x : y;
    return y;
  }

  backward(dy: WasmMatrix): WasmMatrix {
    checkOutputGrad(this, dy, this.saved?.rows);
    const dx = this.dx.get(dy.rows);
    this.rule.backward((this.saved as WasmMatrix).data, dy.data, dx.data, this.options);
    return dx;
  }

  parameters(): Param[] {
    return [];
  }

  /** A replica: the same activation with buffers of its own (it has no gradients). */
  replicate(): LayerReplica {
    const a = new Activation(this.type, this.inFeatures, {
      ...this.options,
      dtype: this.dtype,
      name: this.name,
    });
    return {
      forward: (x, training) => a.forward(x, training),
      backward: (dy) => a.backward(dy),
      gradients: [],
      free: () => a.free(),
    };
  }

  config(): LayerConfig {
    return { type: this.type, name: this.name, features: this.inFeatures, ...this.options };
  }

  free(): void {
    this.out.free();
    this.dx.free();
  }
}

type Options = Omit<ActivationOptions, 'negativeSlope' | 'approximate'>;

/** torch.nn.ReLU */
export const ReLU = (features: number, options: Options = {}) => new Activation('relu', features, options);
/** torch.nn.LeakyReLU(negativeSlope) */
export const LeakyReLU = (features: number, options: Options & { negativeSlope?: number } = {}) =>
  new Activation('leakyRelu', features, options);
/** torch.nn.Sigmoid */
export const Sigmoid = (features: number, options: Options = {}) =>
  new Activation('sigmoid', features, options);
/** torch.nn.Tanh */
export const Tanh = (features: number, options: Options = {}) => new Activation('tanh', features, options);
/** torch.nn.GELU(approximate) */
export const GELU = (features: number, options: Options & { approximate?: 'none' | 'tanh' } = {}) =>
  new Activation('gelu', features, options);
