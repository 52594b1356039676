/**
 * Per-layer gradient norms and activation saturation over a data set: where gradients vanish or
 * explode, and why.
 *
 * Back-propagation multiplies the gradient by each layer's Jacobian on its way to the input,
 *
 *   ∂L/∂a_{l-1} = W_lᵀ (f'(z_l) ⊙ ∂L/∂a_l),
 *
 * so with sigmoid (f' ≤ 1/4) or saturated tanh (tanh'(4) ≈ 0.00134) the gradient of the first
 * layers shrinks geometrically with depth, while ReLU with He initialization keeps its scale.
 * `firstToLastRatio` = ‖∇W_first‖ / ‖∇W_last‖ measures it in one number.
 *
 * For every Dense / BatchNorm layer: ‖∇W‖, ‖∇b‖, ‖W‖ and ‖∇θ‖ / ‖θ‖ (Frobenius norms of the
 * gradient of the mean loss over the data set). For every activation: the fraction of entries
 * (sample, unit) with |f'(z)| < threshold (saturated; for ReLU: inactive) and the fraction of units
 * with |f'(z)| < threshold on every sample (dead ReLUs; fully saturated sigmoid / tanh units).
 */
import { nrm2, scal } from '@descent/kernels';
import type { Dataset } from '../batches.js';
import { Activation } from '../layers/activations.js';
import { BatchBuffers, type Layer } from '../layers/layer.js';
import type { Sequential } from '../layers/sequential.js';
import { SlopeProbe } from './activation-slopes.js';
import { DataPass, type DataPassOptions, preservingModel } from './data-pass.js';

export interface GradientReportOptions extends DataPassOptions {
  /** |f'(z)| below this counts as saturated (default 1e-3). */
  threshold?: number;
}

export interface LayerGradient {
  name: string;
  type: string;
  /** ‖∇θ‖ over all the layer's parameters. */
  gradNorm: number;
  weightGradNorm: number;
  biasGradNorm: number | undefined;
  /** ‖θ‖ over all the layer's parameters. */
  paramNorm: number;
  /** ‖∇θ‖ / ‖θ‖ (the scale of one plain gradient step relative to the weights). */
  relativeGradNorm: number;
}

export interface ActivationSaturation {
  name: string;
  type: string;
  /** Fraction of (sample, unit) entries with |f'(z)| < threshold. */
  saturated: number;
  /** Fraction of units with |f'(z)| < threshold on every sample (dead ReLUs). */
  dead: number;
  /** Mean |f'(z)| over all entries. */
  meanSlope: number;
}

export interface GradientReport {
  /** The mean loss over the data set. */
  loss: number;
  /** Layers with parameters, input first. */
  layers: LayerGradient[];
  /** Activation layers, input first. */
  activations: ActivationSaturation[];
  /** ‖∇W‖ of the first layer with parameters / ‖∇W‖ of the last (≪ 1: vanishing gradients). */
  firstToLastRatio: number;
}

const norm = (...parts: number[]) => Math.sqrt(parts.reduce((s, v) => s + v * v, 0));

/** The gradient and saturation report of `model` on `data` (see the file comment). */
export function gradientReport(
  model: Sequential,
  data: Dataset,
  options: GradientReportOptions = {},
): GradientReport {
  const threshold = options.threshold ?? 1e-3;
  if (typeof threshold !== 'number' || !(threshold > 0)) {
    throw new RangeError(`Invalid threshold: ${String(threshold)} (expected a number > 0)`);
  }
  const pass = new DataPass(model, data, options);
  const acts = model.layers.filter((l): l is Activation => l instanceof Activation);
  const probes = acts.map((a) => new SlopeProbe(a));
  const stats = acts.map((a) => ({ saturated: 0, slopeSum: 0, alive: new Uint8Array(a.inFeatures) }));
  const lossGrad = new BatchBuffers(model.dtype, model.outFeatures);
  try {
    return preservingModel(model, () => {
      model.zeroGrad();
      let loss = 0;
      for (const { x, y, weight } of pass.batches()) {
        let h = x;
        for (const layer of model.layers) {
          const k = acts.indexOf(layer as Activation);
          if (k >= 0) countSaturation(probes[k].slopes(h).data.data, h.cols, threshold, stats[k]);
          h = layer.forward(h, false);
        }
        const g = lossGrad.get(h.rows);
        loss += weight * pass.loss.compute(h, y, g);
        scal(weight, g.data);
        model.backward(g);
      }
      const layers = model.layers.filter((l) => l.parameters().length > 0).map(layerGradient);
      const n = pass.data.n;
      const activations = acts.map((a, k) => {
        const s = stats[k];
        let dead = 0;
        for (const v of s.alive) dead += v ? 0 : 1;
        return {
          name: a.name,
          type: a.type,
          saturated: s.saturated / (n * a.inFeatures),
          dead: dead / a.inFeatures,
          meanSlope: s.slopeSum / (n * a.inFeatures),
        };
      });
      const first = layers[0];
      const last = layers[layers.length - 1];
      const firstToLastRatio = first ? first.weightGradNorm / last.weightGradNorm : Number.NaN;
      return { loss, layers, activations, firstToLastRatio };
    });
  } finally {
    for (const p of probes) p.free();
    lossGrad.free();
    pass.free();
  }
}

function countSaturation(
  slopes: ArrayLike<number>,
  cols: number,
  threshold: number,
  s: { saturated: number; slopeSum: number; alive: Uint8Array },
): void {
  for (let i = 0; i < slopes.length; i++) {
    const v = Math.abs(slopes[i]);
    s.slopeSum += v;
    if (v < threshold) s.saturated++;
    else s.alive[i % cols] = 1;
  }
}

function layerGradient(layer: Layer): LayerGradient {
  const params = layer.parameters();
  const grads = params.map((p) => nrm2(p.gradient));
  const values = params.map((p) => nrm2(p.value));
  const bias = params.findIndex((p) => p.name.endsWith('.bias'));
  const weight = params.findIndex((p) => p.name.endsWith('.weight'));
  const gradNorm = norm(...grads);
  const paramNorm = norm(...values);
  return {
    name: layer.name,
    type: layer.type,
    gradNorm,
    weightGradNorm: weight >= 0 ? grads[weight] : gradNorm,
    biasGradNorm: bias >= 0 ? grads[bias] : undefined,
    paramNorm,
    relativeGradNorm: gradNorm / paramNorm,
  };
}
