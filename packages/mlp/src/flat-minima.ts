/**
 * Flat or sharp: train to a given training loss, then measure the curvature of the minimum reached
 * (the notes: a good minimum is flat and wide, not a sharp pit; Keskar et al. 2017 found that large
 * batches converge to sharper minimizers, and SAM, Foret et al. 2021, seeks flat ones on purpose).
 *
 * `trainToLoss` runs any core optimizer (optionally under SAM/ASAM: two gradient evaluations per
 * step) on shuffled batches of `batchSize` rows, and stops once the mean training loss L(θ) is below
 * `target`, checked every `checkEvery` steps, so that runs are compared at (about) the same loss:
 *   θ ← step(θ, ∇L_B(θ))              (or, under SAM, ∇L_B(θ + ρ ∇L_B/‖∇L_B‖))
 * `sharpness` then gives, for the whole training loss,
 *   λ_max(∇²L)   Lanczos on exact Hessian-vector products (the steepest curvature),
 *   tr ∇²L       Hutchinson's estimate (the total curvature).
 * Batches are taken in a shuffled order per epoch (seeded), in eval mode through
 * `lossAndGradient` (no dropout or batch statistics: those would make SAM's two passes differ).
 */
import { type BaseOptions, type Optimizer, type Param, SAM } from '@descent/core';
import type { Dataset } from './batches.js';
import { lossAndGradient } from './diagnostics/data-pass.js';
import { hessianEigenvalues, hessianTrace } from './diagnostics/hessian.js';
import type { Sequential } from './layers/sequential.js';
import { Rng } from './random.js';

export interface TrainToLossOptions {
  /** The base optimizer over the model's parameters. */
  optimizer: (params: Param[]) => Optimizer<BaseOptions>;
  /** Rows per step; n or more is full-batch gradient descent. */
  batchSize: number;
  /** Stop when the training loss is below this (default 0.02). */
  target?: number;
  /** Most steps (default 3000). */
  maxSteps?: number;
  /** Check the loss every this many steps (default 10). */
  checkEvery?: number;
  /** Wrap the optimizer in SAM (or ASAM with adaptive: true). */
  sam?: { rho?: number; adaptive?: boolean };
  /** Shuffle seed (default 1). */
  seed?: number;
}

export interface TrainToLossResult {
  steps: number;
  loss: number;
  /** Whether the target was reached within maxSteps. */
  reached: boolean;
}

function positiveInteger(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1)
    throw new RangeError(`Invalid ${name} value: ${v} (expected an integer >= 1)`);
  return v;
}

/** The rows `idx` of a data set, as a new data set. */
function rows(d: Dataset, idx: number[]): Dataset {
  const f = d.features;
  const w = d.y.length / d.n;
  const x = new Float64Array(idx.length * f);
  const y = d.y instanceof Int32Array ? new Int32Array(idx.length * w) : new Float64Array(idx.length * w);
  idx.forEach((r, i) => {
    x.set(d.x.subarray(r * f, (r + 1) * f), i * f);
    y.set(d.y.subarray(r * w, (r + 1) * w), i * w);
  });
  return { x, y, n: idx.length, features: f };
}

export function trainToLoss(
  model: Sequential,
  data: Dataset,
  options: TrainToLossOptions,
): TrainToLossResult {
  if (typeof options?.optimizer !== 'function') {
    throw new TypeError('trainToLoss: optimizer must be a factory (params) => optimizer');
  }
  const batchSize = positiveInteger('batchSize', options.batchSize);
  const maxSteps = positiveInteger('maxSteps', options.maxSteps ?? 3000);
  const checkEvery = positiveInteger('checkEvery', options.checkEvery ?? 10);
  const target = options.target ?? 0.02;
  if (!(target > 0) || !Number.isFinite(target)) {
    throw new RangeError(`Invalid target value: ${target} (expected a finite loss > 0)`);
  }
  const params = model.parameters();
  const base = options.optimizer(params);
  const sam = options.sam ? new SAM(base, options.sam) : undefined;
  const rng = new Rng(options.seed ?? 1);
  const closureFor = (batch: Dataset) => () => {
    const { loss, gradient } = lossAndGradient(model, batch);
    let k = 0;
    for (const p of params) {
      p.grad.set(gradient.subarray(k, k + p.length));
      k += p.length;
    }
    return loss;
  };
  let step = 0;
  let loss = lossAndGradient(model, data).loss;
  while (step < maxSteps) {
    const order = Array.from({ length: data.n }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let b = 0; b < data.n && step < maxSteps; b += batchSize) {
      if (step % checkEvery === 0) {
        loss = lossAndGradient(model, data).loss;
        if (loss < target) return { steps: step, loss, reached: true };
      }
      const batch = batchSize >= data.n ? data : rows(data, order.slice(b, b + batchSize));
      if (sam) sam.step(closureFor(batch));
      else base.step(closureFor(batch));
      step++;
    }
  }
  loss = lossAndGradient(model, data).loss;
  return { steps: step, loss, reached: loss < target };
}

export interface Sharpness {
  /** λ_max of the training loss's Hessian. */
  lambdaMax: number;
  /** tr of the training loss's Hessian (Hutchinson). */
  trace: number;
}

/** λ_max (Lanczos, at most `maxIter` products) and the trace (Hutchinson, `probes`) at the model's θ. */
export function sharpness(
  model: Sequential,
  data: Dataset,
  options: { maxIter?: number; probes?: number; seed?: number } = {},
): Sharpness {
  const seed = options.seed ?? 0;
  return {
    lambdaMax: hessianEigenvalues(model, data, { maxIter: options.maxIter ?? 30, seed }).largest[0],
    trace: hessianTrace(model, data, { probes: options.probes ?? 10, seed }).trace,
  };
}
