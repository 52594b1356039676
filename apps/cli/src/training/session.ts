/**
 * A training session of `descent train` (and the tour): data, model, optimizer, schedule, L2
 * penalty, then fit() one epoch at a time, so that between epochs the event loop runs (the
 * progress bar redraws, Ctrl-C is noticed) and a checkpoint can be written. fit's shuffles depend
 * only on (seed, epoch), so epoch-by-epoch calls, and a run resumed from a checkpoint, give the
 * same weights as one uninterrupted call.
 */
import { type Param, ScheduleFreeAdamW, ScheduleFreeSGD } from '@descent/core';
import {
  type AnyOptimizer,
  type ClassificationDataset,
  checkpoint,
  type EpochRecord,
  type Evaluation,
  evaluate,
  fit as fitMlp,
  mlp,
  type RegressionDataset,
  restoreCheckpoint,
  type Sequential,
  type StepInfo,
} from '@descent/mlp';
import { l2 } from '@descent/regularizers';
import { LambdaLR, ReduceLROnPlateau } from '@descent/schedulers';
import { parseSchedule, stretchedKey } from '../options/schedule-spec.js';
import { UsageError, unknownNameError } from '../options/usage-error.js';
import { firstOrder } from '../race/optimizers.js';
import { batchSizeOption, parseBatchGrowth } from './batch-growth.js';
import { loadData, loadTargets, type Prepared, prepare } from './data.js';
import { type DataFingerprint, dataChange, fingerprint } from './fingerprint.js';

export interface TrainSettings {
  data: string;
  label?: string;
  layers: number[];
  activation: string;
  optimizer: string;
  lr: number;
  momentum?: number;
  weightDecay?: number;
  schedule?: string;
  /**
   * The epochs the schedule was laid over (its TMax / totalIters when the SPEC gives none): the
   * first run's --epochs, kept by --resume so the curve continues exactly. Older checkpoints lack
   * it; their `epochs` is used.
   */
  scheduleEpochs?: number;
  l2?: number;
  epochs: number;
  batchSize: number;
  /** --batch-growth SPEC (batch-growth.ts): the batch grows from batchSize epoch by epoch. */
  batchGrowth?: string;
  seed: number;
  testFraction: number;
  /** Dropout probability after every hidden activation (0: none). */
  dropout?: number;
  /** BatchNorm1d after every hidden Dense. */
  batchNorm?: boolean;
  /** Share of the training rows held out for validation (its loss drives plateau and --patience). */
  valFraction?: number;
  /** Early stopping: epochs without a lower validation loss tolerated. */
  patience?: number;
  /** 'cross-entropy' (classification, the default) or 'mse' (regression on a CSV's numeric targets). */
  loss?: 'cross-entropy' | 'mse';
}

/** The number of regression targets of data loaded by loadTargets. */
const outputsOf = (data: ClassificationDataset) => (data as unknown as RegressionDataset).targets;

/** What `--save` writes: mlp's checkpoint, plus what the CLI needs to resume and to evaluate. */
export interface ModelFile extends ReturnType<typeof checkpoint> {
  cli: {
    settings: TrainSettings;
    mean: number[];
    scale: number[];
    classNames?: string[];
    /** Regression (--loss mse): the target columns' names. */
    targetNames?: string[];
    /** The training data's fingerprint (rows + SHA-256), checked by --resume. */
    data?: DataFingerprint;
    history: EpochRecord[];
    test?: Evaluation;
    /** --batch-growth norm-test: the size of the next epoch's batches, for --resume. */
    nextBatchSize?: number;
  };
}

export interface TrainHooks {
  onStart?(info: {
    startEpoch: number;
    epochs: number;
    stepsPerEpoch: number;
    train: number;
    test: number;
  }): void;
  onStep?(info: StepInfo): void;
  onEpoch?(record: EpochRecord): void;
  /** Asked after every epoch: true stops training there (Ctrl-C). */
  shouldStop?(): boolean;
}

export interface ResumeOptions {
  /** Resume even when the data's fingerprint differs from the checkpoint's (--accept-data-change). */
  acceptDataChange?: boolean;
}

export interface TrainOutcome {
  model: Sequential;
  /**
   * What --save writes, made on demand (while `model` is not freed): arrays as base64 for JSON,
   * or kept typed (`encode: false`) for a safetensors file.
   */
  modelFile(options?: { encode?: boolean }): ModelFile;
  history: EpochRecord[];
  /** Epochs completed in total. */
  epoch: number;
  interrupted: boolean;
  diverged: string | null;
  /** Why early stopping ended the run (--patience), or null. */
  stoppedEarly: string | null;
  test: Evaluation;
  /** Rows in the training and the test part. */
  rows: { train: number; test: number };
}

/** The race's first-order optimizers that cannot train an MLP here, and why. */
export const notForTraining: Record<string, string> = {
  sophia: 'it needs Hessian-vector products of the loss, which training does not compute',
};

/** What `train --optimizer` takes: the race's first-order optimizers but those above. */
export const trainOptimizers: readonly string[] = Object.keys(firstOrder).filter(
  (n) => !Object.hasOwn(notForTraining, n),
);

function optimizerFactory(s: TrainSettings): (params: Param[]) => AnyOptimizer {
  if (Object.hasOwn(notForTraining, s.optimizer)) {
    throw new UsageError(`--optimizer ${s.optimizer} cannot train an MLP: ${notForTraining[s.optimizer]}`);
  }
  const entry = Object.hasOwn(firstOrder, s.optimizer) ? firstOrder[s.optimizer] : undefined;
  if (!entry) throw unknownNameError('optimizer for training', s.optimizer, trainOptimizers);
  const options: Record<string, unknown> = { ...entry.implied, lr: s.lr };
  if (s.momentum !== undefined) options.momentum = s.momentum;
  if (s.weightDecay !== undefined) options.weightDecay = s.weightDecay;
  return (params) => new entry.cls(params, options) as AnyOptimizer;
}

/**
 * `plateau[:factor=0.1,patience=10,threshold=1e-4,cooldown=0,minLr=0]`: ReduceLROnPlateau on the
 * validation loss (the training loss without --val-fraction), once per epoch.
 */
function plateauFactory(spec: string) {
  const keys = ['factor', 'patience', 'threshold', 'cooldown', 'minLr'];
  const options: Record<string, number> = {};
  const body = spec.slice('plateau'.length).replace(/^:/, '');
  for (const pair of body ? body.split(',') : []) {
    const [key, text] = pair.split('=').map((t) => t.trim());
    if (!keys.includes(key)) throw unknownNameError('key', key, keys, 'in schedule plateau');
    const value = Number(text);
    if (text === undefined || text === '' || !Number.isFinite(value)) {
      throw new UsageError(
        `Invalid value for ${key} in schedule "${spec}": ${JSON.stringify(text ?? '')} (expected a number)`,
      );
    }
    options[key] = value;
  }
  const make = (optimizer: AnyOptimizer) => new ReduceLROnPlateau(optimizer, options);
  return make;
}

export const isPlateau = (spec: string | undefined) =>
  spec !== undefined && /^plateau(:|$)/.test(spec.trim());

/** --batch-growth lr-decay: the schedule the batch follows in place of the lr. */
const growsInsteadOfDecay = (s: TrainSettings) => s.batchGrowth?.trim().startsWith('lr-decay') === true;

function schedulerFactory(s: TrainSettings) {
  if (s.schedule === undefined || growsInsteadOfDecay(s)) return undefined;
  if (isPlateau(s.schedule)) return plateauFactory(s.schedule.trim());
  const schedule = parseSchedule(s.schedule, { lr: s.lr, steps: s.scheduleEpochs ?? s.epochs });
  return (optimizer: AnyOptimizer) =>
    new LambdaLR(optimizer, { lrLambda: (t: number) => schedule(t) / s.lr });
}

/**
 * Why resuming epochs [from, s.epochs) would not continue the saved schedule as the user expects,
 * or null when it does: a horizon taken from the first run's --epochs cannot be stretched (the
 * curve would jump), and no epoch may train at a learning rate of 0 (cosine's end, polynomial's
 * endLr = 0).
 */
export function resumeScheduleProblem(s: TrainSettings, from: number): string | null {
  if (s.schedule === undefined || isPlateau(s.schedule)) return null;
  const horizon = s.scheduleEpochs ?? s.epochs;
  const key = stretchedKey(s.schedule);
  const within =
    from < horizon
      ? `, or resume with at most --epochs ${horizon}`
      : ` (this checkpoint has finished its ${horizon}-epoch schedule)`;
  const fresh = `start a new run with the longer schedule (descent train ... --schedule ${s.schedule} --epochs ${s.epochs})${within}`;
  if (key !== undefined && s.epochs > horizon) {
    return `--epochs ${s.epochs} goes past the end of the checkpoint's schedule "${s.schedule}", laid over ${horizon} epochs (${key}=${horizon}); stretching it would change the learning rate of every remaining epoch, and continuing it would train at its end value. To train on, ${fresh}; a schedule with its own horizon (e.g. ${s.schedule.split(/[:+]/)[0]}:${key}=${s.epochs}) can be extended up to it`;
  }
  const schedule = parseSchedule(s.schedule, { lr: s.lr, steps: horizon });
  for (let t = from; t < s.epochs; t++) {
    if (!(schedule(t) > 0)) {
      return `the checkpoint's schedule "${s.schedule}" gives a learning rate of ${schedule(t)} at epoch ${t + 1}: that epoch would not train. To train on, ${fresh}`;
    }
  }
  return null;
}

/** Checks every setting and builds everything before training starts (a bad one changes nothing). */
async function setUp(s: TrainSettings, resume: ModelFile | undefined, options: ResumeOptions) {
  // resumed: labels numbered as the model was trained (a changed file may lack or add a class)
  const regression = s.loss === 'mse';
  // regression targets are numbers (no class numbering); classification data is loaded as before
  const data = regression
    ? ((await loadTargets(s.data, s.label)) as unknown as ClassificationDataset)
    : await loadData(s.data, s.label, resume?.cli.classNames);
  const print = fingerprint(data);
  const saved = resume?.cli.data;
  if (resume && !saved) {
    process.stderr.write(
      'descent: warning: the checkpoint records no data fingerprint (an older descent wrote it), so --resume cannot tell whether the data changed\n',
    );
  }
  const change = saved && dataChange(saved, print);
  if (change && !options.acceptDataChange) {
    throw new UsageError(
      `--data ${s.data}: ${change}; a resumed run would go on with other data. Pass --accept-data-change to resume anyway`,
    );
  }
  const prepared: Prepared = prepare(data, s.testFraction, s.seed, s.valFraction ?? 0, !regression);
  const makeOptimizer = optimizerFactory(s);
  const makeScheduler = schedulerFactory(s);
  if (resume) {
    let r: ReturnType<typeof restoreCheckpoint>;
    try {
      r = restoreCheckpoint(resume, { optimizer: makeOptimizer, scheduler: makeScheduler });
    } catch (e) {
      throw new UsageError(`Cannot resume from the checkpoint: ${(e as Error)?.message ?? String(e)}`);
    }
    if (r.epoch >= s.epochs) {
      r.model.free();
      throw new UsageError(
        `The checkpoint has completed ${r.epoch} epochs already (--epochs ${s.epochs}); raise --epochs to train on`,
      );
    }
    const problem = resumeScheduleProblem(s, r.epoch);
    if (problem !== null) {
      r.model.free();
      throw new UsageError(`Cannot resume with --epochs ${s.epochs}: ${problem}`);
    }
    return {
      prepared,
      print,
      model: r.model,
      optimizer: r.optimizer as AnyOptimizer,
      scheduler: r.scheduler,
      start: r.epoch,
    };
  }
  const model = mlp({
    sizes: [data.features, ...s.layers, regression ? outputsOf(data) : data.classes],
    activation: s.activation as Parameters<typeof mlp>[0]['activation'],
    dropout: s.dropout ?? 0,
    batchNorm: s.batchNorm ?? false,
    seed: s.seed,
  });
  const optimizer = makeOptimizer(model.parameters());
  return { prepared, print, model, optimizer, scheduler: makeScheduler?.(optimizer), start: 0 };
}

/**
 * Early stopping from the history alone (so a resumed run stops where the straight one would), as
 * fit's earlyStopping and Keras count: the lowest validation loss so far at epoch b; stop once the
 * `patience` epochs after b brought none lower.
 */
export function earlyStop(history: EpochRecord[], patience: number): string | null {
  let best = 0;
  for (let i = 1; i < history.length; i++) {
    if (
      (history[i].valLoss ?? Number.POSITIVE_INFINITY) < (history[best].valLoss ?? Number.POSITIVE_INFINITY)
    )
      best = i;
  }
  if (history.length === 0 || history.length - 1 - best < patience) return null;
  const low = history[best].valLoss;
  return `stopped early after epoch ${history.length}: the validation loss has not fallen below its best, ${low === undefined ? 'none' : low.toFixed(4)} at epoch ${best + 1}, for ${patience} epochs (--patience ${patience})`;
}

export async function train(
  s: TrainSettings,
  hooks: TrainHooks = {},
  resume?: ModelFile,
  options: ResumeOptions = {},
): Promise<TrainOutcome> {
  const { prepared, print, model, optimizer, scheduler, start } = await setUp(s, resume, options);
  const history: EpochRecord[] = [...(resume?.cli.history ?? [])];
  const growth = s.batchGrowth === undefined ? undefined : parseBatchGrowth(s.batchGrowth);
  const lrSchedule =
    growsInsteadOfDecay(s) && s.schedule !== undefined && !isPlateau(s.schedule)
      ? parseSchedule(s.schedule, { lr: s.lr, steps: s.scheduleEpochs ?? s.epochs })
      : undefined;
  let nextBatchSize = resume?.cli.nextBatchSize;
  const regularizers = s.l2
    ? { penalties: [l2(s.l2)], exclude: (p: Param) => p.name.endsWith('.bias') }
    : undefined;
  hooks.onStart?.({
    startEpoch: start,
    epochs: s.epochs,
    stepsPerEpoch: Math.ceil(prepared.train.n / s.batchSize),
    train: prepared.train.n,
    test: prepared.test.n,
  });
  let epoch = start;
  let interrupted = false;
  let diverged: string | null = null;
  let stoppedEarly: string | null = null;
  // schedule-free: fit steps at y (train()); validation, the test and --save read x (eval())
  const sf =
    optimizer instanceof ScheduleFreeAdamW || optimizer instanceof ScheduleFreeSGD ? optimizer : undefined;
  while (epoch < s.epochs) {
    sf?.train();
    const r = fitMlp(model, prepared.train, {
      ...(s.loss === 'mse' ? { loss: 'mse' as const } : {}),
      optimizer,
      schedule: scheduler,
      regularizers,
      ...(prepared.validation ? { validation: prepared.validation } : {}),
      epochs: epoch + 1,
      initialEpoch: epoch,
      batchSize: growth ? batchSizeOption(growth, s.batchSize, nextBatchSize, lrSchedule) : s.batchSize,
      seed: s.seed,
      onStep: hooks.onStep,
    });
    if (r.stopReason === 'diverged') {
      diverged = r.message;
      break;
    }
    epoch = r.epoch;
    nextBatchSize = r.nextBatchSize;
    if (sf && prepared.validation) {
      sf.eval();
      const v = evaluate(model, prepared.validation, s.loss === 'mse' ? { loss: 'mse' as const } : {});
      const last = r.history[r.history.length - 1];
      last.valLoss = v.loss;
      if (v.accuracy !== undefined) last.valAccuracy = v.accuracy; // train() again before the next epoch
    }
    for (const h of r.history) history.push(h);
    for (const h of r.history) hooks.onEpoch?.(h);
    await new Promise((resolve) => setTimeout(resolve, 1));
    stoppedEarly = s.patience === undefined ? null : earlyStop(history, s.patience);
    if (stoppedEarly) break;
    if (epoch < s.epochs && hooks.shouldStop?.()) {
      interrupted = true;
      break;
    }
  }
  sf?.eval();
  const test = evaluate(model, prepared.test);
  const cli: ModelFile['cli'] = {
    settings: s,
    mean: Array.from(prepared.mean),
    scale: Array.from(prepared.scale),
    classNames: prepared.train.classNames,
    ...(s.loss === 'mse'
      ? { targetNames: (prepared.train as unknown as RegressionDataset).targetNames }
      : {}),
    data: print,
    history,
    test,
    ...(growth?.name === 'norm-test' ? { nextBatchSize } : {}),
  };
  return {
    model,
    modelFile: (options = {}) => ({
      ...checkpoint({ model, optimizer, scheduler, epoch, seed: s.seed }, options),
      cli,
    }),
    history,
    epoch,
    interrupted,
    diverged,
    stoppedEarly,
    test,
    rows: { train: prepared.train.n, test: prepared.test.n },
  };
}
