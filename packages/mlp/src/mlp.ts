/**
 * `mlp({ sizes: [64, 128, 128, 10], activation: 'relu', seed: 1 })`: the multilayer perceptron in
 * one line. For sizes [n_0, ..., n_L] it builds, for every hidden layer l = 1 .. L-1,
 *
 *   Dense(n_{l-1}, n_l) -> [BatchNorm1d(n_l)] -> activation -> [Dropout(p)]
 *
 * and a final Dense(n_{L-1}, n_L) with no activation (logits: pair it with softmaxCrossEntropy or
 * bceWithLogits). Every random draw (initialization, dropout masks) comes from `seed`. A model
 * whose parameters and gradients cannot fit the kernels' 4 GiB is refused before any allocation.
 */
import type { DType } from '@descent/kernels';
import { Activation, type ActivationName, checkActivation } from './layers/activations.js';
import { BatchNorm1d } from './layers/batch-norm.js';
import { Dense } from './layers/dense.js';
import { Dropout } from './layers/dropout.js';
import { checkInit, type InitScheme } from './layers/init.js';
import type { Layer } from './layers/layer.js';
import { checkParameterMemory } from './layers/memory.js';
import { Sequential } from './layers/sequential.js';
import { deriveSeed, Rng } from './random.js';

export interface MlpOptions {
  /** Layer widths, input first, output last (at least two). */
  sizes: number[];
  /** Hidden activation (default 'relu'). */
  activation?: ActivationName;
  /** Dense initialization (default 'torch', nn.Linear's). */
  init?: InitScheme;
  /** Dropout probability after every hidden activation (default 0: none). */
  dropout?: number;
  /** BatchNorm1d after every hidden Dense (default false). */
  batchNorm?: boolean;
  /** Seed of every random draw (default 0). */
  seed?: number;
  /** 'f32' (default) or 'f64'. */
  dtype?: DType;
}

export function mlp(options: MlpOptions): Sequential {
  const {
    sizes,
    activation = 'relu',
    init = 'torch',
    dropout = 0,
    batchNorm = false,
    seed = 0,
    dtype = 'f32',
  } = options ?? ({} as MlpOptions);
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new RangeError(`Invalid sizes: ${JSON.stringify(sizes)} (expected at least [inputs, outputs])`);
  }
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 1)
      throw new RangeError(`Invalid sizes: ${JSON.stringify(sizes)} (every size must be an integer >= 1)`);
  }
  checkActivation(activation);
  checkInit(init);
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new RangeError(`Invalid dropout: ${String(dropout)} (expected a probability in [0, 1))`);
  }
  if (typeof batchNorm !== 'boolean')
    throw new RangeError(`Invalid batchNorm: ${String(batchNorm)} (expected a boolean)`);
  if (!Number.isInteger(seed)) throw new RangeError(`Invalid seed: ${String(seed)} (expected an integer)`);
  let parameters = 0;
  for (let l = 1; l < sizes.length; l++) {
    parameters += (sizes[l - 1] + 1) * sizes[l] + (batchNorm && l < sizes.length - 1 ? 2 * sizes[l] : 0);
  }
  checkParameterMemory(`The model ${JSON.stringify(sizes)}`, parameters, dtype);
  const rng = new Rng(seed);
  const layers: Layer[] = [];
  const L = sizes.length - 1;
  for (let l = 1; l <= L; l++) {
    layers.push(new Dense(sizes[l - 1], sizes[l], { init, rng, dtype }));
    if (l === L) break;
    if (batchNorm) layers.push(new BatchNorm1d(sizes[l], { dtype }));
    layers.push(new Activation(activation, sizes[l], { dtype }));
    if (dropout > 0) layers.push(new Dropout(dropout, sizes[l], { seed: deriveSeed(seed, l), dtype }));
  }
  return new Sequential(layers);
}
