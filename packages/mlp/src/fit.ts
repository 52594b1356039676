/**
 * fit(model, data, options): mini-batch training in the notes' sense. Every epoch the rows are
 * reshuffled (a permutation drawn from (seed, epoch)), cut into batches of `batchSize` (the last
 * one may be short), and each batch makes one update:
 *
 *   g = ∇_θ [ L(f(X_b; θ), y_b) + Σ_k Ω_k(θ) ]      (loss, then the regularizers' penalties)
 *   θ ← optimizer.step(θ, g)                        (any @descent/core optimizer)
 *   η ← scheduler.step()                            (every step or every epoch; ReduceLROnPlateau
 *                                                    at each epoch's end, with the validation loss)
 *
 * It returns the history (per epoch: mean training loss and accuracy over its batches, validation
 * loss and accuracy, the lr the epoch started with, and each layer's gradient norm √(Σ‖∂W‖²+‖∂b‖²)
 * averaged over the epoch's steps), and why it stopped. A non-finite loss (or gradient) stops
 * training and restores the weights of the last step whose loss was finite (when the very first
 * batch's loss is not finite, the weights stay as they were). Non-finite inputs, targets or
 * parameters are refused up front with a RangeError naming the row and column (or parameter).
 *
 * Resuming: `initialEpoch: k` starts at epoch k (epochs counts the total, as Keras'); with the
 * model, optimizer and scheduler restored from a checkpoint the run continues bit-identically.
 *
 * `batchSize` may grow from epoch to epoch (dynamic sampling: a schedule epoch ↦ |S|, Byrd et al.'s
 * norm test, or Smith et al.'s batch growth in place of lr decay): see batch-schedule.ts.
 *
 * Threads: a batch of more than 64 rows runs data-parallel, as shards on the kernels' worker pool
 * whose gradients are summed in a fixed order (data-parallel.ts), so the weights do not depend on
 * the thread count.
 */
import { NonFiniteGradientError, type Optimizer, type Param } from '@descent/core';
import { sumSquares, type WasmMatrix } from '@descent/kernels';
import { type ObjectiveOptions, objective, type Penalty } from '@descent/regularizers';
import { type LRScheduler, ReduceLROnPlateau } from '@descent/schedulers';
import { BatchPlan, type BatchSizeOption, normTestOnRows } from './batch-schedule.js';
import { type Batch, BatchLoader, countCorrect, type Dataset, prepareData } from './batches.js';
import { ShardedSteps } from './data-parallel.js';
import { defaultLoss, evaluate } from './evaluate.js';
import { BatchBuffers } from './layers/layer.js';
import type { Sequential } from './layers/sequential.js';
import { type Loss, type LossName, lossOf } from './losses/losses.js';
import { checkFiniteParameters, WeightSnapshot } from './weight-snapshot.js';

// biome-ignore lint/suspicious/noExplicitAny: any optimizer's options
export type AnyOptimizer = Optimizer<any>;
export type Scheduler = LRScheduler | ReduceLROnPlateau;

export interface EarlyStopping {
  /** Epochs without improvement tolerated (an integer >= 0). */
  patience: number;
  /** An improvement is a decrease by more than minDelta (default 0). */
  minDelta?: number;
  /** Restore the weights of the best epoch when stopping (default false, as Keras). */
  restoreBest?: boolean;
}

export interface StepInfo {
  epoch: number;
  /** The step within the epoch (0-based). */
  step: number;
  loss: number;
  lr: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  /** The lr of the first parameter group when the epoch started. */
  lr: number;
  /** The epoch's batch size (rows per batch; the last batch may be short). */
  batchSize: number;
  /** Per layer with parameters: the mean over the epoch's steps of √(Σ_params ‖∂p‖²). */
  gradNorms: Record<string, number>;
}

export interface FitOptions {
  /** An optimizer over model.parameters(), or a factory given them. */
  optimizer: AnyOptimizer | ((params: Param[]) => AnyOptimizer);
  /** Default: softmaxCrossEntropy for Int32Array labels, mseLoss otherwise. */
  loss?: Loss | LossName;
  /** A scheduler bound to the optimizer, or a factory given it. */
  schedule?: Scheduler | ((optimizer: AnyOptimizer) => Scheduler);
  /** When the scheduler steps (default 'epoch'); ReduceLROnPlateau always steps per epoch. */
  scheduleEvery?: 'step' | 'epoch';
  /** Penalties added to the loss (their gradients too), optionally excluding parameters. */
  regularizers?: Penalty[] | { penalties: Penalty[]; exclude?: ObjectiveOptions['exclude'] };
  /** Total epochs (an integer >= 1). */
  epochs: number;
  /**
   * Rows per batch (default 32), or a growing batch: a function epoch => size (e.g. core's
   * geometricBatchSize), `{ normTest: ϑ, initial, max? }` (Byrd et al. 2012, once per epoch) or
   * `{ lrDecay: epoch => lr, initial, max? }` (Smith et al. 2018: grow the batch instead of decaying
   * the lr). Sizes above n are cut to n. See batch-schedule.ts.
   */
  batchSize?: BatchSizeOption;
  /** Reshuffle every epoch (default true). */
  shuffle?: boolean;
  /** Seed of the shuffles (default 0). */
  seed?: number;
  /** Evaluated after every epoch (eval mode); its loss drives ReduceLROnPlateau and early stopping. */
  validation?: Dataset;
  earlyStopping?: EarlyStopping;
  onStep?: (info: StepInfo) => void;
  onEpoch?: (record: EpochRecord) => void;
  /** The first epoch to run, when resuming (default 0). */
  initialEpoch?: number;
}

export interface FitResult {
  history: EpochRecord[];
  /** 'completed', 'earlyStopping' or 'diverged'. */
  stopReason: 'completed' | 'earlyStopping' | 'diverged';
  /** A sentence saying why training stopped. */
  message: string;
  /** Epochs completed in total (initialEpoch included): the epoch to resume from. */
  epoch: number;
  /** The batch size the next epoch would use (a norm test resumes with `initial: nextBatchSize`). */
  nextBatchSize: number;
  optimizer: AnyOptimizer;
  scheduler: Scheduler | undefined;
}

const KNOWN = new Set([
  'optimizer',
  'loss',
  'schedule',
  'scheduleEvery',
  'regularizers',
  'epochs',
  'batchSize',
  'shuffle',
  'seed',
  'validation',
  'earlyStopping',
  'onStep',
  'onEpoch',
  'initialEpoch',
]);

function checkInteger(option: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new RangeError(`Invalid ${option}: ${String(v)} (expected an integer >= ${min})`);
  }
  return v;
}

/** Every option checked before anything happens: a bad one throws and changes nothing. */
function checkOptions(o: FitOptions) {
  if (!o || typeof o !== 'object')
    throw new TypeError('fit: options { optimizer, epochs, ... } are required');
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) throw new RangeError(`Unknown fit option: ${k}`);
  const epochs = checkInteger('epochs', o.epochs, 1);
  const initialEpoch = checkInteger('initialEpoch', o.initialEpoch ?? 0, 0);
  if (initialEpoch >= epochs)
    throw new RangeError(`Invalid initialEpoch: ${initialEpoch} (must be < epochs = ${epochs})`);
  const seed = checkInteger('seed', o.seed ?? 0, 0);
  const shuffle = o.shuffle ?? true;
  if (typeof shuffle !== 'boolean')
    throw new RangeError(`Invalid shuffle: ${String(shuffle)} (expected a boolean)`);
  const scheduleEvery = o.scheduleEvery ?? 'epoch';
  if (scheduleEvery !== 'step' && scheduleEvery !== 'epoch') {
    throw new RangeError(`Invalid scheduleEvery: ${String(scheduleEvery)} (expected 'step' or 'epoch')`);
  }
  const es = o.earlyStopping;
  if (es !== undefined) {
    checkInteger('earlyStopping.patience', es?.patience, 0);
    const d = es.minDelta ?? 0;
    if (typeof d !== 'number' || !(d >= 0) || !Number.isFinite(d)) {
      throw new RangeError(`Invalid earlyStopping.minDelta: ${String(d)} (expected a finite number >= 0)`);
    }
  }
  for (const k of ['onStep', 'onEpoch'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'function') throw new TypeError(`${k} must be a function`);
  }
  if (typeof o.optimizer !== 'function' && !(o.optimizer && typeof o.optimizer === 'object')) {
    throw new TypeError('fit: optimizer must be an optimizer or a factory (params) => optimizer');
  }
  return { epochs, initialEpoch, seed, shuffle, scheduleEvery };
}

export function fit(model: Sequential, data: Dataset, options: FitOptions): FitResult {
  const { epochs, initialEpoch, seed, shuffle, scheduleEvery } = checkOptions(options);
  const loss = options.loss === undefined ? defaultLoss(data) : lossOf(options.loss);
  const train = prepareData('data', data, model.dtype, model.inFeatures, model.outFeatures, loss);
  if (options.validation !== undefined) {
    prepareData('validation', options.validation, model.dtype, model.inFeatures, model.outFeatures, loss);
  }
  const plan = BatchPlan.resolve(
    options.batchSize ?? 32,
    train.n,
    initialEpoch,
    epochs,
    options.schedule !== undefined,
  );
  const params = model.parameters();
  checkFiniteParameters(params);
  const optimizer = typeof options.optimizer === 'function' ? options.optimizer(params) : options.optimizer;
  const optimized = new Set(optimizer.params());
  for (const p of params) {
    if (!optimized.has(p))
      throw new RangeError(`The optimizer does not update ${p.name}: build it over model.parameters()`);
  }
  const sched = options.schedule;
  const scheduler = typeof sched === 'function' ? sched(optimizer) : sched;
  const regs = options.regularizers;
  const penalties = Array.isArray(regs) ? regs : (regs?.penalties ?? []);
  const exclude = Array.isArray(regs) ? undefined : regs?.exclude;

  let loader = new BatchLoader(train, model.dtype, plan.size(initialEpoch));
  const rowLoader = plan.normTest ? new BatchLoader(train, model.dtype, 1) : undefined;
  const dOut = new BatchBuffers(model.dtype, model.outFeatures);
  const lastGood = new WeightSnapshot(params);
  const best = options.earlyStopping?.restoreBest ? new WeightSnapshot(params) : undefined;
  const layers = model.layers.filter((l) => l.parameters().length > 0);
  const layerParams = layers.map((l) => l.parameters());
  const normSums = new Float64Array(layers.length);

  // The batch the closure trains on; a batch of more than one shard runs data-parallel
  // (data-parallel.ts), any other on the whole model.
  const sharded = ShardedSteps.for(model, loss, train.targetWidth);
  let source: { loader: BatchLoader; b: number } = { loader, b: 0 };
  let ranSharded = false;
  let batch: Batch | undefined;
  let out: WasmMatrix | undefined;
  let dataLoss = 0;
  const closure = objective(
    () => {
      const { loader: from, b } = source;
      ranSharded = sharded?.splits(from.rowsIn(b)) ?? false;
      if (ranSharded) {
        dataLoss = (sharded as ShardedSteps).step(from, b);
        return dataLoss;
      }
      batch = from.batch(b);
      model.zeroGrad();
      out = model.forward(batch.x);
      const g = dOut.get(out.rows);
      dataLoss = loss.compute(out, batch.y, g);
      model.backward(g);
      return dataLoss;
    },
    penalties,
    params,
    { exclude },
  );

  const history: EpochRecord[] = [];
  let stopReason: FitResult['stopReason'] = 'completed';
  let message = `Completed ${epochs} epochs`;
  let bestLoss = Number.POSITIVE_INFINITY;
  let badEpochs = 0;
  let epoch = initialEpoch;
  model.train();
  try {
    for (; epoch < epochs; epoch++) {
      const batchSize = plan.size(epoch);
      if (batchSize !== loader.batchSize) {
        loader.free();
        loader = new BatchLoader(train, model.dtype, batchSize);
      }
      const planned = plan.lr(epoch);
      if (planned !== undefined) for (const g of optimizer.paramGroups) g.lr = planned;
      const lr = optimizer.paramGroups[0].lr;
      loader.orderFor(epoch, shuffle, seed);
      normSums.fill(0);
      let lossSum = 0;
      let correct = 0;
      let diverged = '';
      const steps = loader.batchesPerEpoch;
      for (let s = 0; s < steps; s++) {
        source = { loader, b: s };
        const total = closure();
        if (!Number.isFinite(total)) {
          diverged = `the loss is ${total} at epoch ${epoch}, step ${s}`;
          break;
        }
        lastGood.save();
        const rows = loader.rowsIn(s);
        lossSum += dataLoss * rows;
        if (train.labels && ranSharded) {
          const start = s * loader.batchSize;
          correct += (sharded as ShardedSteps).countCorrect(
            train.labels,
            loader.order.subarray(start, start + rows),
          );
        } else if (train.labels) {
          const last = batch as Batch;
          correct += countCorrect(out as WasmMatrix, train.labels, last.rows);
        }
        for (let i = 0; i < layerParams.length; i++) {
          let sq = 0;
          for (const p of layerParams[i]) sq += sumSquares(p.gradient);
          normSums[i] += Math.sqrt(sq);
        }
        try {
          optimizer.step();
        } catch (e) {
          if (!(e instanceof NonFiniteGradientError)) throw e;
          diverged = `${e.message} (epoch ${epoch}, step ${s})`;
          break;
        }
        if (scheduler && scheduleEvery === 'step' && !(scheduler instanceof ReduceLROnPlateau))
          scheduler.step();
        options.onStep?.({ epoch, step: s, loss: dataLoss, lr: optimizer.paramGroups[0].lr });
      }
      if (diverged) {
        stopReason = 'diverged';
        message = lastGood.restore()
          ? `Training diverged: ${diverged}; the weights of the last step with a finite loss were restored`
          : `Training diverged: ${diverged}; no step had a finite loss, the weights are those training started with`;
        break;
      }
      const record: EpochRecord = { epoch, loss: lossSum / train.n, lr, batchSize, gradNorms: {} };
      if (train.labels) record.accuracy = correct / train.n;
      layers.forEach((l, i) => {
        record.gradNorms[l.name] = normSums[i] / steps;
      });
      if (options.validation) {
        const v = evaluate(model, options.validation, { loss });
        record.valLoss = v.loss;
        if (v.accuracy !== undefined) record.valAccuracy = v.accuracy;
      }
      if (rowLoader && plan.normTest) {
        // the norm test on the first |S| rows of this epoch's order, one row at a time, in eval mode
        rowLoader.order.set(loader.order);
        model.eval();
        const test = normTestOnRows(
          params,
          batchSize,
          (i) => {
            source = { loader: rowLoader, b: i };
            closure();
          },
          plan.normTest.vartheta,
        );
        model.train();
        plan.grow(test);
      }
      history.push(record);
      const monitored = record.valLoss ?? record.loss;
      if (scheduler instanceof ReduceLROnPlateau) scheduler.step(monitored);
      else if (scheduler && scheduleEvery === 'epoch') scheduler.step();
      options.onEpoch?.(record);
      const es = options.earlyStopping;
      if (es) {
        if (monitored < bestLoss - (es.minDelta ?? 0)) {
          bestLoss = monitored;
          badEpochs = 0;
          best?.save();
        } else if (++badEpochs >= Math.max(1, es.patience)) {
          if (best) best.restore();
          stopReason = 'earlyStopping';
          message = `Stopped early after epoch ${epoch}: no improvement of the ${record.valLoss === undefined ? 'training' : 'validation'} loss for ${badEpochs} epochs${best ? '; the best weights were restored' : ''}`;
          epoch++;
          break;
        }
      }
    }
  } finally {
    sharded?.release();
    loader.free();
    rowLoader?.free();
    dOut.free();
    lastGood.free();
    best?.free();
  }
  return {
    history,
    stopReason,
    message,
    epoch,
    nextBatchSize: plan.next(epoch - 1),
    optimizer,
    scheduler,
  };
}
