/**
 * `descent eval`: a model saved by `descent train --save`, scored on digits, iris or a CSV file.
 * On the data it was trained on (same source, same fingerprint) it scores the held-out rows only,
 * the test part of train's seeded stratified split, as train's "test accuracy" does; `--all-rows`
 * scores every row (training rows included). Other data is scored whole. The report says which.
 */
import {
  type ClassificationDataset,
  evaluate,
  predict,
  type RegressionDataset,
  restoreCheckpoint,
  trainTestSplit,
} from '@descent/mlp';
import type { Command } from 'commander';
import { z } from 'zod';
import { common, readSettings, withCommonOptions } from '../options/settings.js';
import { withThreadsOption } from '../options/threads.js';
import { UsageError } from '../options/usage-error.js';
import { renderTable } from '../report/table.js';
import { applyScaling, loadData, loadTargets } from '../training/data.js';
import { dataChange, fingerprint } from '../training/fingerprint.js';
import type { ModelFile } from '../training/session.js';
import { readModelFile } from './train.js';

const schema = z.object({
  ...common,
  model: z.string().optional(),
  data: z.string().optional(),
  label: z.string().optional(),
  allRows: z.boolean().optional(),
});

/** Which rows of `data` eval scores, and the sentence that says so. */
export function rowsToScore(
  data: ClassificationDataset,
  source: string,
  label: string | undefined,
  file: ModelFile,
  allRows: boolean,
): { rows: ClassificationDataset; which: 'held-out' | 'all'; note: string | null; says: string } {
  const trained = file.cli.settings;
  const sameSource = source === trained.data && label === trained.label;
  if (!sameSource) {
    return { rows: data, which: 'all', note: null, says: `all ${data.n} rows of ${source}` };
  }
  const change = file.cli.data && dataChange(file.cli.data, fingerprint(data));
  if (change) {
    return {
      rows: data,
      which: 'all',
      note: `--data ${source}: ${change.replace('the checkpoint was written', 'training')}, so its held-out rows cannot be told apart: scoring all ${data.n} rows`,
      says: `all ${data.n} rows of ${source} (changed since training)`,
    };
  }
  if (allRows) {
    return {
      rows: data,
      which: 'all',
      note: null,
      says: `all ${data.n} rows of ${source}, the training rows included (--all-rows)`,
    };
  }
  const split = trainTestSplit(data, {
    testFraction: trained.testFraction,
    seed: trained.seed,
    // a regression's split was not stratified (its targets are numbers, not classes)
    stratify: trained.loss !== 'mse',
  });
  return {
    rows: split.test,
    which: 'held-out',
    note: null,
    says: `the ${split.test.n} held-out rows of ${source} (train's test split: fraction ${trained.testFraction}, seed ${trained.seed}; --all-rows for all ${data.n})`,
  };
}

/** A regression model (train --loss mse) scored: the mean squared error and its root. */
async function evalRegression(
  file: ModelFile,
  modelPath: string,
  source: string,
  s: { label?: string; allRows?: boolean; json?: boolean },
): Promise<void> {
  const raw = await loadTargets(source, s.label ?? file.cli.settings.label);
  const picked = rowsToScore(
    raw as unknown as ClassificationDataset,
    source,
    s.label ?? file.cli.settings.label,
    file,
    Boolean(s.allRows),
  );
  if (picked.note) process.stderr.write(`descent: note: ${picked.note}\n`);
  const data = applyScaling(picked.rows, file.cli.mean, file.cli.scale);
  let restored: ReturnType<typeof restoreCheckpoint>;
  try {
    restored = restoreCheckpoint(file);
  } catch (e) {
    throw new UsageError(`Invalid --model ${modelPath}: ${(e as Error).message}`);
  }
  const model = restored.model.eval();
  const result = evaluate(model, data as unknown as RegressionDataset);
  model.free();
  if (s.json) {
    const out = {
      data: source,
      rows: picked.which,
      n: data.n,
      loss: result.loss,
      rmse: Math.sqrt(result.loss),
    };
    console.log(JSON.stringify(out, null, 2));
    return;
  }
  console.log(
    `${picked.says}: MSE ${result.loss.toPrecision(6)} (RMSE ${Math.sqrt(result.loss).toPrecision(6)})`,
  );
}

export function registerEval(program: Command): void {
  const cmd = program
    .command('eval')
    .description('score a saved model on digits, iris or a CSV file: loss, accuracy, confusion matrix')
    .option('--model <file>', 'a model written by descent train --save')
    .option('--data <source>', 'digits, iris or FILE.csv (the same features as in training)')
    .option('--label <column>', 'the CSV label column by header name (default: the last column)')
    .option(
      '--all-rows',
      'score every row of the training data, not only the held-out test split (other data is always scored whole)',
    );
  withThreadsOption(withCommonOptions(cmd))
    .addHelpText(
      'after',
      `
On the data the model was trained on, eval scores the held-out rows (the test split train made,
the same seed and fraction), as train's "test accuracy" does; --all-rows scores every row.

Examples:
  $ descent eval --model model.json
  $ descent eval --model model.json --data digits --all-rows
  $ descent eval --model model.json --data new-rows.csv`,
    )
    .action(async () => {
      const s = readSettings(cmd, schema);
      if (s.model === undefined)
        throw new UsageError('Missing --model FILE (written by descent train --save)');
      const file = readModelFile(s.model, '--model');
      const names = file.cli.classNames;
      if (names !== undefined && !(Array.isArray(names) && names.every((c) => typeof c === 'string'))) {
        throw new UsageError(`Invalid --model ${s.model}: cli.classNames is not a list of names`);
      }
      const source = s.data ?? file.cli.settings.data;
      if (file.cli.settings.loss === 'mse') return evalRegression(file, s.model, source, s);
      // the model's label numbering, not one rebuilt from this file (which may lack a class)
      const raw = await loadData(source, s.label, file.cli.classNames);
      if (!file.cli.classNames && raw.classNames) {
        throw new UsageError(
          `--data ${source} has text labels (${raw.classNames.join(', ')}), the model was trained on integer labels`,
        );
      }
      const picked = rowsToScore(raw, source, s.label ?? file.cli.settings.label, file, Boolean(s.allRows));
      if (picked.note) process.stderr.write(`descent: note: ${picked.note}\n`);
      const data = applyScaling(picked.rows, file.cli.mean, file.cli.scale);
      let restored: ReturnType<typeof restoreCheckpoint>;
      try {
        restored = restoreCheckpoint(file);
      } catch (e) {
        throw new UsageError(`Invalid --model ${s.model}: ${(e as Error).message}`);
      }
      const model = restored.model.eval();
      const outputs = model.outFeatures;
      if (data.classes > outputs) {
        model.free();
        throw new UsageError(`The data has ${data.classes} classes, the model predicts ${outputs}`);
      }
      const result = evaluate(model, data);
      const logits = predict(model, data.x);
      model.free();
      const k = logits.cols;
      const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
      for (let i = 0; i < data.n; i++) {
        let best = 0;
        for (let j = 1; j < k; j++) if (logits.data[i * k + j] > logits.data[i * k + best]) best = j;
        confusion[data.y[i]][best]++;
      }
      if (s.json) {
        console.log(
          JSON.stringify(
            {
              data: source,
              rows: picked.which,
              n: data.n,
              loss: result.loss,
              accuracy: result.accuracy,
              confusion,
            },
            null,
            2,
          ),
        );
        return;
      }
      console.log(
        `${picked.says}: accuracy ${(100 * (result.accuracy ?? Number.NaN)).toFixed(2)}%, loss ${result.loss.toFixed(4)}`,
      );
      if (!s.quiet) {
        const names = file.cli.classNames ?? Array.from({ length: k }, (_, j) => String(j));
        console.log('confusion matrix (rows: true class, columns: predicted)');
        console.log(
          renderTable(
            ['', ...names],
            confusion.map((row, i) => [names[i], ...row]),
          ),
        );
      }
    });
}
