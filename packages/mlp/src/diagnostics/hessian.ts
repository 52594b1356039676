/**
 * Exact Hessian-vector products of a model's mean loss, H v = ∇²_θ L(θ) v, by Pearlmutter's
 * R-operator (Pearlmutter, 1994): R{·} = ∂/∂r (·)(θ + r v) at r = 0, pushed forward through the
 * layers alongside the forward pass, then backward alongside back-propagation. For a Dense layer
 * z = a Wᵀ + b with direction (V, v_b), an activation a = f(z), and a loss with output Hessian H_o:
 *
 *   forward:   R{z} = R{a_in} Wᵀ + a_in Vᵀ + v_b          R{a} = f'(z) ⊙ R{z}
 *   loss:      R{∂L/∂o} = H_o R{o}     (softmax CE: (p ⊙ r - p (pᵀ r)) / B per row; MSE: 2r/(BK);
 *                                       BCE with logits: σ(1 - σ) r / (BK))
 *   backward:  R{g_z} = f''(z) ⊙ R{z} ⊙ g_a + f'(z) ⊙ R{g_a}
 *              (H v)_W = R{g_z}ᵀ a_in + g_zᵀ R{a_in}        (H v)_b = Σ_rows R{g_z}
 *              R{g_a_in} = R{g_z} W + g_z V
 *
 * where g = ∂L/∂(·) from ordinary back-propagation. The cost is about two forward-backward
 * passes, and the result is exact (up to rounding), which finite differences of gradients are not.
 * The products run through the kernels' gemm, biasAdd and columnSums; element-wise factors in
 * plain loops. Supported layers: Dense, every activation, Dropout and BatchNorm1d (in eval mode:
 * identity, and the affine map γ (x - μ_run) / √(σ²_run + ε) + β). Every diagnostic runs in eval
 * mode (see data-pass.ts).
 *
 * `hessianEigenvalues` (Lanczos) and `hessianTrace` (Hutchinson) use @descent/core's analysis on
 * this operator, as PyHessian does for PyTorch models: the top eigenvalue measures the sharpness
 * of a minimum (compare the minima SGD and Adam reach), the trace its total curvature.
 */
import {
  type HutchinsonResult,
  hutchinsonTrace,
  type LanczosResult,
  type LinearOperator,
  lanczos,
  type Param,
} from '@descent/core';
import { alloc, biasAdd, columnSums, gemm, scal, type WasmArray, type WasmMatrix } from '@descent/kernels';
import type { Dataset } from '../batches.js';
import { Activation } from '../layers/activations.js';
import { BatchNorm1d } from '../layers/batch-norm.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { BatchBuffers, type Layer } from '../layers/layer.js';
import type { Sequential } from '../layers/sequential.js';
import type { Loss } from '../losses/losses.js';
import { activationSecondDerivative, SlopeProbe } from './activation-slopes.js';
import { DataPass, type DataPassOptions, parameterCount, preservingModel } from './data-pass.js';
import { batchNormRBackward, batchNormRForward } from './hessian-batch-norm.js';

/** One layer's part of the R-pass: its buffers, and its parameters' direction and H v. */
export interface RStep {
  layer: Layer;
  /** R{output} per batch size */
  R: BatchBuffers;
  /** R{∂L/∂input} per batch size */
  Rg: BatchBuffers;
  /** the direction v and the accumulated H v of the layer's parameters, in layer.parameters() order */
  dir: WasmArray[];
  hv: WasmArray[];
  probe?: SlopeProbe;
}

const allocLike = (p: Param) => alloc(p.dtype, p.length);

/** H v for one model and data set; buffers are made once, so repeated products allocate nothing. */
export class HessianOperator {
  /** The number of parameters n (H is n x n). */
  readonly size: number;
  private readonly pass: DataPass;
  private readonly steps: RStep[];
  private readonly lossGrad: BatchBuffers;
  private readonly lossR: BatchBuffers;

  constructor(
    readonly model: Sequential,
    data: Dataset,
    options: DataPassOptions = {},
  ) {
    for (const l of model.layers) {
      if (
        !(l instanceof Dense || l instanceof Activation || l instanceof Dropout || l instanceof BatchNorm1d)
      ) {
        throw new TypeError(`Hessian-vector products do not support the layer ${l.name} (${l.type})`);
      }
    }
    this.size = parameterCount(model);
    if (this.size === 0) throw new RangeError('The model has no parameters');
    this.pass = new DataPass(model, data, options);
    checkLoss(this.pass.loss);
    this.steps = model.layers.map((layer) => ({
      layer,
      R: new BatchBuffers(model.dtype, layer.outFeatures),
      Rg: new BatchBuffers(model.dtype, layer.inFeatures),
      dir: layer.parameters().map(allocLike),
      hv: layer.parameters().map(allocLike),
      probe: layer instanceof Activation ? new SlopeProbe(layer) : undefined,
    }));
    this.lossGrad = new BatchBuffers(model.dtype, model.outFeatures);
    this.lossR = new BatchBuffers(model.dtype, model.outFeatures);
  }

  /** out = H v (a new array when out is not given); v and out have `size` values, in parameters() order. */
  apply(v: Float64Array, out: Float64Array = new Float64Array(this.size)): Float64Array {
    if (!(v instanceof Float64Array) || v.length !== this.size) {
      throw new RangeError(
        `Length mismatch: v has ${v?.length} values, the model has ${this.size} parameters`,
      );
    }
    if (!(out instanceof Float64Array) || out.length !== this.size) {
      throw new RangeError(
        `Length mismatch: out has ${out?.length} values, the model has ${this.size} parameters`,
      );
    }
    let o = 0;
    for (const s of this.steps) {
      for (const d of s.dir) {
        d.data.set(v.subarray(o, o + d.length));
        o += d.length;
      }
      for (const h of s.hv) h.data.fill(0);
    }
    preservingModel(this.model, () => {
      for (const batch of this.pass.batches()) this.batch(batch.x, batch.y, batch.weight);
    });
    o = 0;
    for (const s of this.steps) {
      for (const h of s.hv) {
        out.set(h.data, o);
        o += h.length;
      }
    }
    return out;
  }

  /** The operator in @descent/core's form, (v, out) => out, for lanczos and hutchinsonTrace. */
  get operator(): LinearOperator {
    return (v, out) => this.apply(v, out);
  }

  /** Adds weight · H_b v for one batch to the accumulators. */
  private batch(x: WasmMatrix, y: WasmArray, weight: number): void {
    const steps = this.steps;
    const L = steps.length;
    // forward, keeping every layer's input
    const inputs: WasmMatrix[] = [];
    let h = x;
    for (const s of steps) {
      inputs.push(h);
      h = s.layer.forward(h, false);
    }
    // back-propagation of weight · L_b, keeping ∂/∂output of every layer
    const gs: WasmMatrix[] = new Array(L);
    gs[L - 1] = this.lossGrad.get(h.rows);
    this.pass.loss.compute(h, y, gs[L - 1]);
    scal(weight, gs[L - 1].data);
    for (let l = L - 1; l > 0; l--) gs[l - 1] = steps[l].layer.backward(gs[l]);
    // R-forward: Rs[l] = R{output of layer l}, undefined while it is zero (before the first parameter)
    const Rs: (WasmMatrix | undefined)[] = new Array(L);
    for (let l = 0; l < L; l++) Rs[l] = rForward(steps[l], inputs[l], l > 0 ? Rs[l - 1] : undefined);
    // R{∂(weight · L_b)/∂o} = weight · H_o R{o}, then R-backward
    let Rg = this.lossR.get(h.rows);
    lossHessianProduct(this.pass.loss, h, Rs[L - 1], Rg, weight);
    for (let l = L - 1; l >= 0; l--) {
      Rg = rBackward(steps[l], inputs[l], l > 0 ? Rs[l - 1] : undefined, gs[l], Rg, l > 0);
    }
  }

  free(): void {
    for (const s of this.steps) {
      s.R.free();
      s.Rg.free();
      for (const a of [...s.dir, ...s.hv]) a.free();
      s.probe?.free();
    }
    this.lossGrad.free();
    this.lossR.free();
    this.pass.free();
  }
}

function checkLoss(loss: Loss): void {
  if (loss.name !== 'mse' && loss.name !== 'softmaxCrossEntropy' && loss.name !== 'bceWithLogits') {
    throw new TypeError(
      `Hessian-vector products need one of the built-in losses (mse, softmaxCrossEntropy, bceWithLogits), not ${String(loss.name)}`,
    );
  }
}

/** R{output} of one layer from its input and R{input} (undefined: zero). */
function rForward(step: RStep, x: WasmMatrix, Rin: WasmMatrix | undefined): WasmMatrix | undefined {
  const { layer } = step;
  if (layer instanceof Dense) {
    const out = step.R.get(x.rows);
    const V = { rows: layer.outFeatures, cols: layer.inFeatures, data: step.dir[0] };
    if (Rin) {
      gemm(Rin, { rows: layer.outFeatures, cols: layer.inFeatures, data: layer.weight.value }, out, {
        transB: true,
      });
    }
    gemm(x, V, out, { transB: true, beta: Rin ? 1 : 0 });
    if (layer.bias) biasAdd(out, step.dir[1]);
    return out;
  }
  if (layer instanceof Activation) {
    if (!Rin) return undefined;
    const slopes = (step.probe as SlopeProbe).slopes(x);
    const out = step.R.get(x.rows);
    const [s, r, o] = [slopes.data.data, Rin.data.data, out.data.data];
    for (let i = 0; i < o.length; i++) o[i] = s[i] * r[i];
    return out;
  }
  if (layer instanceof BatchNorm1d) return batchNormRForward(layer, x, Rin, step.dir, step.R);
  return Rin; // Dropout in eval mode: the identity
}

/**
 * R{∂L/∂input} of one layer from R{∂L/∂output}; adds the layer's part of H v. `needInput` false
 * (the first layer) skips the input term.
 */
function rBackward(
  step: RStep,
  x: WasmMatrix,
  Rin: WasmMatrix | undefined,
  g: WasmMatrix,
  Rg: WasmMatrix,
  needInput: boolean,
): WasmMatrix {
  const { layer } = step;
  if (layer instanceof Dense) {
    const W = { rows: layer.outFeatures, cols: layer.inFeatures, data: layer.weight.value };
    const V = { rows: layer.outFeatures, cols: layer.inFeatures, data: step.dir[0] };
    const hvW = { rows: layer.outFeatures, cols: layer.inFeatures, data: step.hv[0] };
    gemm(Rg, x, hvW, { transA: true, beta: 1 });
    if (Rin) gemm(g, Rin, hvW, { transA: true, beta: 1 });
    if (layer.bias) columnSums(Rg, step.hv[1], { accumulate: true });
    if (!needInput) return Rg;
    const out = step.Rg.get(x.rows);
    gemm(Rg, W, out);
    gemm(g, V, out, { beta: 1 });
    return out;
  }
  if (layer instanceof Activation) {
    if (!needInput) return Rg;
    const probe = step.probe as SlopeProbe;
    const slopes = probe.slopes(x);
    const out = step.Rg.get(x.rows);
    const [z, s, ga, rg, o] = [x.data.data, slopes.data.data, g.data.data, Rg.data.data, out.data.data];
    const rz = Rin?.data.data;
    for (let i = 0; i < o.length; i++) {
      o[i] =
        s[i] * rg[i] +
        (rz ? activationSecondDerivative(probe.type, z[i], probe.approximate) * rz[i] * ga[i] : 0);
    }
    return out;
  }
  if (layer instanceof BatchNorm1d) return batchNormRBackward(layer, x, Rin, g, Rg, step, needInput);
  return Rg; // Dropout in eval mode
}

/**
 * out = weight · H_o r for the loss's Hessian with respect to the output o [B, K] (see the file
 * comment); r undefined means zero.
 */
function lossHessianProduct(
  loss: Loss,
  o: WasmMatrix,
  r: WasmMatrix | undefined,
  out: WasmMatrix,
  weight: number,
): void {
  const res = out.data.data;
  if (!r) {
    res.fill(0);
    return;
  }
  const [B, K] = [o.rows, o.cols];
  const [ov, rv] = [o.data.data, r.data.data];
  if (loss.name === 'mse') {
    for (let i = 0; i < res.length; i++) res[i] = (weight * 2 * rv[i]) / (B * K);
  } else if (loss.name === 'bceWithLogits') {
    for (let i = 0; i < res.length; i++) {
      const s = 1 / (1 + Math.exp(-ov[i]));
      res[i] = (weight * s * (1 - s) * rv[i]) / (B * K);
    }
  } else {
    const p = new Float64Array(K);
    for (let i = 0; i < B; i++) {
      let max = -Infinity;
      for (let j = 0; j < K; j++) max = Math.max(max, ov[i * K + j]);
      let sum = 0;
      for (let j = 0; j < K; j++) sum += p[j] = Math.exp(ov[i * K + j] - max);
      let pr = 0;
      for (let j = 0; j < K; j++) {
        p[j] /= sum;
        pr += p[j] * rv[i * K + j];
      }
      for (let j = 0; j < K; j++) res[i * K + j] = (weight / B) * p[j] * (rv[i * K + j] - pr);
    }
  }
}

/** H v of the mean loss of `model` on `data` for one vector v (see HessianOperator for many). */
export function hessianVectorProduct(
  model: Sequential,
  data: Dataset,
  v: Float64Array,
  options: DataPassOptions = {},
): Float64Array {
  const H = new HessianOperator(model, data, options);
  try {
    return H.apply(v);
  } finally {
    H.free();
  }
}

export interface HessianEigenvaluesOptions extends DataPassOptions {
  /** How many of the largest (and of the smallest) eigenvalues (default 1). */
  k?: number;
  seed?: number;
  /** Lanczos iterations at most (default min(n, 100), as PyHessian). */
  maxIter?: number;
  /** Relative residual to stop at (default 1e-10 for f64 models, 1e-5 for f32). */
  tol?: number;
}

/**
 * The k largest and k smallest eigenvalues of the loss Hessian at the model's current parameters
 * (Lanczos on exact H v products): `largest[0]` is the sharpness of the point.
 */
export function hessianEigenvalues(
  model: Sequential,
  data: Dataset,
  options: HessianEigenvaluesOptions = {},
): LanczosResult {
  const H = new HessianOperator(model, data, options);
  try {
    const n = H.size;
    return lanczos(H.operator, n, options.k ?? 1, {
      seed: options.seed ?? 0,
      maxIter: options.maxIter ?? Math.min(n, 100),
      tol: options.tol ?? (model.dtype === 'f64' ? 1e-10 : 1e-5),
    });
  } finally {
    H.free();
  }
}

export interface HessianTraceOptions extends DataPassOptions {
  /** Rademacher probes (default 100). */
  probes?: number;
  seed?: number;
}

/** tr ∇²L by Hutchinson's estimator on exact H v products, with its standard error. */
export function hessianTrace(
  model: Sequential,
  data: Dataset,
  options: HessianTraceOptions = {},
): HutchinsonResult {
  const H = new HessianOperator(model, data, options);
  try {
    return hutchinsonTrace(H.operator, H.size, { probes: options.probes ?? 100, seed: options.seed ?? 0 });
  } finally {
    H.free();
  }
}
