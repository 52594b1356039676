/**
 * First and second derivatives of the activations, for saturation statistics and Hessian-vector
 * products. f'(z) comes from the activation's own backward kernel (backward of dy = 1), so it is
 * exactly the factor the model multiplies its gradients by; f''(z) is the closed form:
 *
 *   relu, leakyRelu   f'' = 0                                   (away from the kink at 0)
 *   sigmoid           f'  = σ(1 - σ),   f'' = σ(1 - σ)(1 - 2σ)
 *   tanh              f'  = 1 - t²,     f'' = -2t(1 - t²)        (t = tanh z; tanh'(4) ≈ 0.00134)
 *   gelu              f   = z Φ(z),     f'' = φ(z)(2 - z²)
 *   gelu (tanh form)  f   = z (1 + tanh u)/2,  u = c(z + a z³),  c = √(2/π), a = 0.044715:
 *                     f'' = sech²u · u' + (z/2) sech²u (u'' - 2 tanh u · u'²),
 *                     u' = c(1 + 3a z²), u'' = 6 a c z
 */
import { alloc, type DType, type WasmMatrix } from '@descent/kernels';
import { Activation, type ActivationName } from '../layers/activations.js';
import { BatchBuffers } from '../layers/layer.js';

/** f''(z) of an activation (see the file comment). */
export function activationSecondDerivative(type: ActivationName, z: number, approximate = 'none'): number {
  switch (type) {
    case 'relu':
    case 'leakyRelu':
      return 0;
    case 'sigmoid': {
      const s = 1 / (1 + Math.exp(-z));
      return s * (1 - s) * (1 - 2 * s);
    }
    case 'tanh': {
      const t = Math.tanh(z);
      return -2 * t * (1 - t * t);
    }
    case 'gelu': {
      if (approximate === 'tanh') {
        const c = Math.sqrt(2 / Math.PI);
        const a = 0.044715;
        const t = Math.tanh(c * (z + a * z * z * z));
        const sech2 = 1 - t * t;
        const u1 = c * (1 + 3 * a * z * z);
        const u2 = 6 * a * c * z;
        return sech2 * u1 + 0.5 * z * sech2 * (u2 - 2 * t * u1 * u1);
      }
      return (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)) * (2 - z * z);
    }
  }
}

/**
 * f'(z) element-wise through a private copy of an activation layer (same kind and options), so
 * the model's own buffers are left alone: `slopes(z)` runs forward(z) and backward(1).
 */
export class SlopeProbe {
  readonly type: ActivationName;
  readonly approximate: string;
  private readonly probe: Activation;
  private readonly ones: BatchBuffers;

  constructor(layer: Activation) {
    const config = layer.config();
    this.type = layer.type;
    this.approximate = (config.approximate as string | undefined) ?? 'none';
    this.probe = new Activation(layer.type, layer.inFeatures, {
      dtype: layer.dtype,
      negativeSlope: config.negativeSlope as number | undefined,
      approximate: config.approximate as 'none' | 'tanh' | undefined,
    });
    this.ones = new BatchBuffers(layer.dtype, layer.inFeatures);
  }

  /** f'(z) for every element of z (valid until the next call with as many rows). */
  slopes(z: WasmMatrix): WasmMatrix {
    const ones = this.ones.get(z.rows);
    ones.data.data.fill(1);
    this.probe.forward(z, false);
    return this.probe.backward(ones);
  }

  free(): void {
    this.probe.free();
    this.ones.free();
  }
}

/** f'(z) for plain numbers z (a convenience for tables and tests; f64). */
export function activationSlope(
  type: ActivationName,
  z: ArrayLike<number>,
  options: { negativeSlope?: number; approximate?: 'none' | 'tanh'; dtype?: DType } = {},
): Float64Array {
  const dtype = options.dtype ?? 'f64';
  const layer = new Activation(type, 1, { ...options, dtype });
  const probe = new SlopeProbe(layer);
  const m: WasmMatrix = { rows: z.length, cols: 1, data: alloc(dtype, z.length) };
  try {
    m.data.data.set(Array.from(z));
    return Float64Array.from(probe.slopes(m).data.data);
  } finally {
    m.data.free();
    probe.free();
    layer.free();
  }
}
