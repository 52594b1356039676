/**
 * Training a small MLP on a two-dimensional toy set, a few epochs at a time so the page can draw
 * between them. It is @descent/mlp's own loop: `fit(model, data, { optimizer, epochs: e + k,
 * initialEpoch: e })` continues exactly where the previous call stopped (fit draws each epoch's
 * shuffle from (seed, epoch)), so k epochs at a time give the same network as one long call.
 *
 *   model      mlp({ sizes: [2, ...hidden, classes], activation, seed })   (logits)
 *   loss       softmax cross-entropy, mean over each mini-batch
 *   optimizer  Adam(lr) or SGD(lr, momentum 0.9)
 *   test split trainTestSplit(data, { testFraction, seed }) (stratified): the network trains on
 *              the rest, and fit's `validation` reports the held-out loss and accuracy per epoch
 *   penalties  O(θ) = L(θ) + λ₁ Σ|w| + λ₂ Σw²  over the weights (biases excluded), as fit's
 *              `regularizers` (@descent/regularizers' l1 and l2, the notes' convention)
 *   dropout    mlp's Dropout(p) after every hidden activation: each unit zeroed with probability p
 *              while training (the rest scaled by 1/(1 − p)), none when evaluating
 */
import { Adam, SGD } from '@descent/core';
import {
  type ClassificationDataset,
  circles,
  type EpochRecord,
  fit as fitMlp,
  mlp,
  moons,
  predict,
  type Sequential,
  spirals,
  trainTestSplit,
  xor,
} from '@descent/mlp';
import { l1, l2, type Penalty } from '@descent/regularizers';
import type { Domain } from './surface.js';

type AnyOptimizer = Adam | SGD;

/** The toy sets by name: (n, noise, seed) -> data set. */
export const trainingSets: Record<string, (n: number, noise: number, seed: number) => ClassificationDataset> =
  {
    spirals: (n, noise, seed) => spirals({ n, noise, seed, turns: 1 }),
    'spirals, 3 arms': (n, noise, seed) => spirals({ n, noise, seed, turns: 1, classes: 3 }),
    moons: (n, noise, seed) => moons({ n, noise, seed }),
    circles: (n, noise, seed) => circles({ n, noise, seed, factor: 0.5 }),
    xor: (n, noise, seed) => xor({ n, noise, seed }),
  };

/** The hidden activations of @descent/mlp, by their names there. */
export const activations = ['tanh', 'relu', 'leakyRelu', 'gelu', 'sigmoid'] as const;
export type Activation = (typeof activations)[number];

export interface TrainingSetup {
  dataset: string;
  n: number;
  noise: number;
  /** Hidden layer widths, e.g. "32, 32". */
  hidden: string;
  activation: Activation;
  optimizer: 'adam' | 'sgd';
  lr: number;
  batchSize: number;
  epochs: number;
  seed: number;
  /** Share of the points held out for testing, in [0, 0.9] (default 0: train on all). */
  testFraction?: number;
  /** λ₁ of the L1 penalty λ₁ Σ|w| on the weights (default 0: none). */
  l1?: number;
  /** λ₂ of the L2 penalty λ₂ Σw² on the weights (default 0: none). */
  l2?: number;
  /** Dropout probability after every hidden activation, in [0, 0.9] (default 0: none). */
  dropout?: number;
}

/** The penalties of a setup (none for λ = 0); l1 and l2 refuse a λ that is negative or not finite. */
export function penaltiesOf(setup: Pick<TrainingSetup, 'l1' | 'l2'>): Penalty[] {
  const penalties: Penalty[] = [];
  if (setup.l1 !== undefined && setup.l1 !== 0) penalties.push(l1(setup.l1));
  if (setup.l2 !== undefined && setup.l2 !== 0) penalties.push(l2(setup.l2));
  return penalties;
}

/** "32, 32" -> [32, 32]; a RangeError naming the text otherwise. */
export function parseHidden(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter((s) => s !== '');
  const sizes = parts.map(Number);
  if (sizes.length === 0 || sizes.some((s) => !Number.isInteger(s) || s < 1 || s > 1024)) {
    throw new RangeError(`Invalid hidden sizes: "${text}" (expected widths from 1 to 1024, e.g. "32, 32")`);
  }
  return sizes;
}

/** The data's bounding box, grown 15% on each side and made square (both axes share one range). */
export function boxOf(x: Float32Array): Domain {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const pad = 0.15 * (hi - lo);
  return [
    [lo - pad, hi + pad],
    [lo - pad, hi + pad],
  ];
}

/** Weights and biases of mlp({ sizes }): Σ (n_in + 1) n_out over the layers. */
export function parameterCount(sizes: number[]): number {
  let count = 0;
  for (let l = 1; l < sizes.length; l++) count += (sizes[l - 1] + 1) * sizes[l];
  return count;
}

/**
 * Cells per side of the decision map: as many as a budget of 4e7 multiply-adds per map allows
 * (G² points through a network of P parameters cost about G² P), between 24 and 120.
 */
export function decisionGridSize(parameters: number): number {
  return Math.max(24, Math.min(120, Math.floor(Math.sqrt(4e7 / parameters))));
}

export class Trainer {
  /** Every point (for the plot), and the training and test parts of it. */
  readonly data: ClassificationDataset;
  readonly train: ClassificationDataset;
  readonly test: ClassificationDataset | undefined;
  readonly model: Sequential;
  readonly optimizer: AnyOptimizer;
  readonly history: EpochRecord[] = [];
  readonly penalties: Penalty[];
  epoch = 0;
  stopped = '';

  constructor(readonly setup: TrainingSetup) {
    const make = Object.hasOwn(trainingSets, setup.dataset) ? trainingSets[setup.dataset] : undefined;
    if (!make) throw new RangeError(`Unknown data set: ${setup.dataset}`);
    if (!Number.isInteger(setup.epochs) || setup.epochs < 1) {
      throw new RangeError(`Invalid epochs: ${setup.epochs} (expected an integer >= 1)`);
    }
    const hidden = parseHidden(setup.hidden);
    const testFraction = setup.testFraction ?? 0;
    if (!(testFraction >= 0 && testFraction <= 0.9)) {
      throw new RangeError(`Invalid test fraction: ${testFraction} (expected a number from 0 to 0.9)`);
    }
    const dropout = setup.dropout ?? 0;
    if (!(dropout >= 0 && dropout <= 0.9)) {
      throw new RangeError(`Invalid dropout: ${dropout} (expected a probability from 0 to 0.9)`);
    }
    this.penalties = penaltiesOf(setup);
    this.data = make(setup.n, setup.noise, setup.seed);
    if (testFraction > 0) {
      const { train, test } = trainTestSplit(this.data, { testFraction, seed: setup.seed });
      this.train = train;
      this.test = test;
    } else this.train = this.data;
    this.model = mlp({
      sizes: [2, ...hidden, this.data.classes],
      activation: setup.activation,
      seed: setup.seed,
      dropout,
    });
    try {
      this.optimizer =
        setup.optimizer === 'adam'
          ? new Adam(this.model.parameters(), { lr: setup.lr })
          : new SGD(this.model.parameters(), { lr: setup.lr, momentum: 0.9 });
    } catch (e) {
      this.model.free();
      throw e;
    }
  }

  get done(): boolean {
    return this.stopped !== '' || this.epoch >= this.setup.epochs;
  }

  /** Trains up to `k` more epochs (never past setup.epochs) and returns their records. */
  run(k: number): EpochRecord[] {
    if (this.done) return [];
    const epochs = Math.min(this.setup.epochs, this.epoch + k);
    const r = fitMlp(this.model, this.train, {
      optimizer: this.optimizer,
      epochs,
      initialEpoch: this.epoch,
      batchSize: this.setup.batchSize,
      seed: this.setup.seed,
      ...(this.test ? { validation: this.test } : {}),
      ...(this.penalties.length > 0
        ? {
            regularizers: {
              penalties: this.penalties,
              exclude: (p: { name: string }) => p.name.endsWith('.bias'),
            },
          }
        : {}),
    });
    this.history.push(...r.history);
    this.epoch = r.epoch;
    if (r.stopReason !== 'completed') this.stopped = r.message;
    return r.history;
  }

  /** Class probabilities softmax(logits) for the points (x, y) in `xy`, row-major n x classes. */
  probabilities(xy: Float32Array): Float32Array {
    const logits = predict(this.model, xy).data;
    const K = this.data.classes;
    const out = new Float32Array(logits.length);
    for (let r = 0; r < logits.length; r += K) {
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) max = Math.max(max, logits[r + k]);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += out[r + k] = Math.exp(logits[r + k] - max);
      for (let k = 0; k < K; k++) out[r + k] /= sum;
    }
    return out;
  }

  /**
   * Class probabilities at the centres of a G x G grid over the box: cell (i, j) is at
   * x = x0 + (i + ½)(x1 − x0)/G, y = y0 + (j + ½)(y1 − y0)/G; row-major (j, i, class).
   */
  decisionGrid(domain: Domain, G: number): Float32Array {
    const [[x0, x1], [y0, y1]] = domain;
    const xy = new Float32Array(G * G * 2);
    for (let j = 0; j < G; j++) {
      for (let i = 0; i < G; i++) {
        xy[2 * (j * G + i)] = x0 + ((x1 - x0) * (i + 0.5)) / G;
        xy[2 * (j * G + i) + 1] = y0 + ((y1 - y0) * (j + 0.5)) / G;
      }
    }
    return this.probabilities(xy);
  }

  /** Releases the model's and the optimizer's WebAssembly memory. */
  free(): void {
    this.optimizer.resetState();
    this.model.free();
  }
}
