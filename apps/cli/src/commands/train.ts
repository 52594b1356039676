/**
 * `descent train`: a multilayer perceptron on digits, iris or a CSV file, with any first-order
 * optimizer, a schedule SPEC and an L2 penalty; progress while it runs, the test accuracy at the
 * end. `--save FILE` writes the model with its optimizer and scheduler state; `--resume FILE`
 * continues such a run bit-identically; Ctrl-C or SIGTERM stops after the current epoch, writes a
 * checkpoint and exits with code 130 or 143.
 */
import { readFileSync } from 'node:fs';
import {
  type ActivationName,
  checkpointFromSafetensors,
  checkpointToSafetensors,
  decodeSafetensors,
  writeSafetensors,
} from '@descent/mlp';
import type { Command } from 'commander';
import { z } from 'zod';
import { checkWritable, writeFileAtomic } from '../options/output-file.js';
import { choice, common, int, num, readSettings, vec, withCommonOptions } from '../options/settings.js';
import { withThreadsOption } from '../options/threads.js';
import { UsageError, unknownNameError } from '../options/usage-error.js';
import { parseBatchGrowth } from '../training/batch-growth.js';
import { syntheticNames } from '../training/data.js';
import { progressHooks } from '../training/progress.js';
import {
  isPlateau,
  type ModelFile,
  type TrainSettings,
  train,
  trainOptimizers,
} from '../training/session.js';

const schema = z.object({
  ...common,
  data: z.string().optional(),
  label: z.string().optional(),
  layers: vec('layers').optional(),
  activation: z.string().optional(),
  optimizer: z.string().optional(),
  lr: num('lr').optional(),
  momentum: num('momentum').optional(),
  weightDecay: num('weight-decay').optional(),
  schedule: z.string().optional(),
  l2: num('l2').optional(),
  epochs: int('epochs', 1).optional(),
  batchSize: int('batch-size', 1).optional(),
  batchGrowth: z.string().optional(),
  testFraction: num('test-fraction').optional(),
  dropout: num('dropout').optional(),
  batchNorm: z.boolean().optional(),
  valFraction: num('val-fraction').optional(),
  patience: int('patience', 1).optional(),
  loss: choice('loss', ['cross-entropy', 'mse'] as const).optional(),
  save: z.string().optional(),
  resume: z.string().optional(),
  acceptDataChange: z.boolean().optional(),
});

export type Given = z.output<typeof schema>;

/** What train does when a flag is not given (its --help says the same; main.test checks). */
export const trainDefaults: TrainSettings = {
  data: 'digits',
  layers: [128, 128],
  activation: 'relu',
  optimizer: 'adamw',
  lr: 1e-3,
  epochs: 20,
  batchSize: 32,
  seed: 0,
  testFraction: 0.2,
};

/** The hidden activations of @descent/mlp (its ActivationName). */
const activations: readonly ActivationName[] = ['relu', 'leakyRelu', 'sigmoid', 'tanh', 'gelu'];

const trainKeys = Object.keys({
  ...trainDefaults,
  label: 0,
  momentum: 0,
  weightDecay: 0,
  schedule: 0,
  l2: 0,
  batchGrowth: 0,
  dropout: 0,
  batchNorm: 0,
  valFraction: 0,
  patience: 0,
  loss: 0,
}) as (keyof TrainSettings)[];

/** A model file is safetensors (arrays as raw tensors, for large models) when its name says so. */
const isSafetensors = (path: string) => /\.safetensors$/i.test(path);

export function readModelFile(path: string, flag: string): ModelFile {
  let value: ModelFile;
  try {
    const bytes = readFileSync(path);
    value = (
      isSafetensors(path)
        ? checkpointFromSafetensors(
            decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), path),
            path,
          )
        : JSON.parse(bytes.toString('utf8'))
    ) as ModelFile;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(
      `Cannot read ${flag} ${path}: ${typeof err.code === 'string' ? err.code : err.message}`,
    );
  }
  if (value?.format !== 'descent-mlp-checkpoint' || !value.cli) {
    throw new UsageError(`${flag} ${path} is not a model written by descent train --save`);
  }
  return value;
}

/** The run's settings: the flags over the defaults, or, with --resume, the checkpoint's (only --epochs may change). */
export function settingsOf(s: Given, resumed: ModelFile | undefined): TrainSettings {
  const given: Partial<TrainSettings> = {};
  for (const k of trainKeys)
    if (s[k as keyof Given] !== undefined) (given as Record<string, unknown>)[k] = s[k as keyof Given];
  if (!resumed) {
    const settings = { ...trainDefaults, ...given };
    if (!(settings.testFraction > 0 && settings.testFraction < 1)) {
      throw new UsageError(
        `Invalid value for --test-fraction: ${settings.testFraction} (expected a fraction in (0, 1))`,
      );
    }
    if (settings.dropout !== undefined && !(settings.dropout >= 0 && settings.dropout < 1)) {
      throw new UsageError(
        `Invalid value for --dropout: ${settings.dropout} (expected a probability in [0, 1))`,
      );
    }
    if (settings.valFraction !== undefined && !(settings.valFraction > 0 && settings.valFraction < 1)) {
      throw new UsageError(
        `Invalid value for --val-fraction: ${settings.valFraction} (expected a fraction in (0, 1) of the training rows)`,
      );
    }
    if (settings.patience !== undefined && settings.valFraction === undefined) {
      throw new UsageError('--patience stops on the validation loss: give --val-fraction too (e.g. 0.1)');
    }
    if (settings.batchGrowth !== undefined) {
      const growth = parseBatchGrowth(settings.batchGrowth);
      if (growth.name === 'lr-decay' && (settings.schedule === undefined || isPlateau(settings.schedule))) {
        throw new UsageError(
          '--batch-growth lr-decay grows the batch where the lr schedule would decay: give --schedule SPEC too (not plateau)',
        );
      }
    }
    if (!activations.includes(settings.activation as ActivationName)) {
      throw unknownNameError('activation', settings.activation, activations);
    }
    if (settings.layers.some((n) => !Number.isInteger(n) || n < 1)) {
      throw new UsageError(
        `Invalid value for --layers: ${settings.layers.join(',')} (expected positive integers)`,
      );
    }
    return settings.schedule === undefined ? settings : { ...settings, scheduleEpochs: settings.epochs };
  }
  const saved = resumed.cli.settings;
  for (const [k, v] of Object.entries(given)) {
    if (k !== 'epochs' && JSON.stringify(v) !== JSON.stringify(saved[k as keyof TrainSettings])) {
      throw new UsageError(
        `--${k} ${String(v)} differs from the checkpoint's ${String(saved[k as keyof TrainSettings])}: a resumed run keeps its settings (only --epochs may change)`,
      );
    }
  }
  const resumedSettings = { ...saved, epochs: given.epochs ?? saved.epochs };
  if (saved.schedule !== undefined) resumedSettings.scheduleEpochs = saved.scheduleEpochs ?? saved.epochs;
  return resumedSettings;
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('train an MLP on digits, iris or a CSV file; save, resume, Ctrl-C checkpoints')
    .option(
      '--data <source>',
      `digits, iris, ${syntheticNames.join(', ')} (NAME:n=1000,noise=0.2), or FILE.csv: numeric features, label last (default ${trainDefaults.data})`,
    )
    .option('--label <column>', 'the CSV label column by header name (default: the last column)')
    .option('--layers <sizes>', `hidden layer widths (default ${trainDefaults.layers.join(',')})`)
    .option(
      '--activation <name>',
      `hidden activation: ${activations.join(', ')} (default ${trainDefaults.activation})`,
    )
    .option(
      '--optimizer <name>',
      `one of ${trainOptimizers.join(', ')}; schedule-free-* step at y and are validated, tested and saved at x, after eval(); not sophia, which needs Hessian-vector products (default ${trainDefaults.optimizer})`,
    )
    .option('--lr <eta>', `learning rate (default ${trainDefaults.lr})`)
    .option('--momentum <mu>', 'momentum (SGD, RMSprop)')
    .option('--weight-decay <lambda>', "the optimizer's weight decay")
    .option(
      '--schedule <spec>',
      'learning-rate schedule over epochs (see descent schedule --help), or plateau[:factor=0.1,patience=10]: ReduceLROnPlateau on the validation loss',
    )
    .option('--l2 <lambda>', 'L2 penalty lambda sum w^2 on the weights (not the biases)')
    .option('--epochs <n>', `total epochs (default ${trainDefaults.epochs})`)
    .option('--batch-size <n>', `rows per step (default ${trainDefaults.batchSize})`)
    .option(
      '--batch-growth <spec>',
      'grow the batch from --batch-size each epoch: geometric:factor=2,max=N | norm-test:vartheta=0.5,max=N (Byrd et al.) | lr-decay:max=N (grow where --schedule would decay the lr, Smith et al.)',
    )
    .option('--test-fraction <f>', `held-out test share, stratified (default ${trainDefaults.testFraction})`)
    .option(
      '--val-fraction <f>',
      'share of the training rows held out for validation, stratified (none unless given)',
    )
    .option(
      '--patience <n>',
      'early stopping: stop after n epochs without a lower validation loss (needs --val-fraction)',
    )
    .option('--dropout <p>', 'dropout probability after every hidden activation (none unless given)')
    .option('--batch-norm', 'BatchNorm1d after every hidden layer')
    .option(
      '--loss <name>',
      "cross-entropy (classification) or mse (regression: a CSV's numeric target column, the last or --label)",
    )
    .option(
      '--save <file>',
      'write the model (with optimizer state) here, as JSON, or as safetensors if FILE ends in .safetensors; also where Ctrl-C checkpoints go',
    )
    .option(
      '--resume <file>',
      "continue a run saved with --save (same settings and schedule; --epochs may grow within the schedule's horizon)",
    )
    .option('--accept-data-change', 'resume even though the training data changed since the checkpoint');
  withThreadsOption(withCommonOptions(cmd))
    .addHelpText(
      'after',
      `
Ctrl-C (or SIGTERM) stops after the current epoch and writes a checkpoint (--save, else
--resume's file, else descent-checkpoint.json); resume it with --resume. The exit code is then 130
(143 after SIGTERM).
The checkpoint records the training data's row count and SHA-256: --resume refuses data that
changed since (rows appended, values edited) unless --accept-data-change is given.

Examples:
  $ descent train --data digits --layers 128,128 --optimizer adamw --lr 1e-3 --epochs 20 --save model.json
  $ descent train --resume model.json --epochs 30
  $ descent train --data digits --optimizer sgd --lr 0.1 --batch-size 16 --batch-growth geometric:factor=2,max=512
  $ descent train --data iris --layers 16 --optimizer sgd --lr 0.1 --schedule cosine --epochs 50
  $ descent train --data spirals:n=1000,noise=0.2 --layers 64,64 --dropout 0.1 --batch-norm --epochs 200 \\
      --val-fraction 0.1 --patience 20 --schedule plateau:factor=0.5,patience=5`,
    )
    .action(async () => {
      const s = readSettings(cmd, schema);
      const resumed = s.resume === undefined ? undefined : readModelFile(s.resume, '--resume');
      const settings = settingsOf({ ...s, seed: s.seed ?? (resumed ? undefined : 0) }, resumed);
      const target = s.save ?? s.resume;
      // before training: a model that cannot be saved is refused now, not after the last epoch
      if (target !== undefined) checkWritable(target, s.save !== undefined ? '--save' : '--resume');
      // SIGINT (Ctrl-C) and SIGTERM (kill, a scheduler's stop) alike: finish the epoch, write a
      // checkpoint, exit with 128 + the signal's number (130, 143)
      let stopSignal: NodeJS.Signals | undefined;
      const onSignal = (signal: NodeJS.Signals) => {
        stopSignal ??= signal;
        process.stderr.write(`\ndescent: stopping after this epoch to write a checkpoint (${signal})\n`);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const progress = progressHooks(Boolean(s.quiet || s.json));
      let outcome: Awaited<ReturnType<typeof train>>;
      try {
        outcome = await train(
          settings,
          { ...progress, shouldStop: () => stopSignal !== undefined },
          resumed,
          {
            acceptDataChange: s.acceptDataChange,
          },
        );
      } catch (e) {
        if (e instanceof RangeError || e instanceof TypeError) throw new UsageError(e.message);
        throw e;
      } finally {
        progress.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      const written = outcome.interrupted ? (target ?? 'descent-checkpoint.json') : target;
      if (written !== undefined && isSafetensors(written)) {
        const shapes = Object.fromEntries(outcome.model.parameters().map((p) => [p.name, p.shape]));
        const { tensors, metadata } = checkpointToSafetensors(
          outcome.modelFile({ encode: false }) as unknown as Record<string, unknown>,
          shapes,
        );
        await writeSafetensors(written, tensors, metadata).catch((e: NodeJS.ErrnoException) => {
          throw new UsageError(`Cannot write ${written}: ${e.code ?? e.message}`);
        });
      } else if (written !== undefined) writeFileAtomic(written, JSON.stringify(outcome.modelFile()));
      outcome.model.free();
      const accuracy = outcome.test.accuracy ?? Number.NaN;
      if (s.json) {
        console.log(
          JSON.stringify(
            {
              settings,
              epoch: outcome.epoch,
              interrupted: outcome.interrupted,
              diverged: outcome.diverged,
              stoppedEarly: outcome.stoppedEarly,
              history: outcome.history,
              test: outcome.test,
              saved: written ?? null,
            },
            null,
            2,
          ),
        );
      } else {
        if (outcome.diverged) console.log(outcome.diverged);
        if (outcome.stoppedEarly) console.log(outcome.stoppedEarly);
        console.log(
          settings.loss === 'mse'
            ? `test MSE ${outcome.test.loss.toPrecision(6)} (RMSE ${Math.sqrt(outcome.test.loss).toPrecision(6)}) after ${outcome.epoch} epochs`
            : `test accuracy ${(100 * accuracy).toFixed(2)}% (loss ${outcome.test.loss.toFixed(4)}) after ${outcome.epoch} epochs`,
        );
        if (outcome.interrupted)
          console.log(
            `interrupted: checkpoint written to ${written}; continue with descent train --resume ${written}`,
          );
        else if (written && !s.quiet) console.log(`model saved to ${written}`);
      }
      if (outcome.interrupted) process.exitCode = 128 + (stopSignal === 'SIGTERM' ? 15 : 2);
    });
}
