/** `descent eval`: a model saved by `descent train --save`, scored on digits, iris or a CSV file. */
import { evaluate, predict, restoreCheckpoint } from '@descent/mlp';
import type { Command } from 'commander';
import { z } from 'zod';
import { common, readSettings, withCommonOptions } from '../options/settings.js';
import { UsageError } from '../options/usage-error.js';
import { renderTable } from '../report/table.js';
import { applyScaling, loadData } from '../training/data.js';
import { readModelFile } from './train.js';

const schema = z.object({
  ...common,
  model: z.string().optional(),
  data: z.string().optional(),
  label: z.string().optional(),
});

export function registerEval(program: Command): void {
  const cmd = program
    .command('eval')
    .description('score a saved model on digits, iris or a CSV file: loss, accuracy, confusion matrix')
    .option('--model <file>', 'a model written by descent train --save')
    .option('--data <source>', 'digits, iris or FILE.csv (the same features as in training)')
    .option('--label <column>', 'the CSV label column by header name (default: the last column)');
  withCommonOptions(cmd)
    .addHelpText('after', '\nExample:\n  $ descent eval --model model.json --data digits.csv')
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
      // the model's label numbering, not one rebuilt from this file (which may lack a class)
      const raw = await loadData(source, s.label, file.cli.classNames);
      if (!file.cli.classNames && raw.classNames) {
        throw new UsageError(
          `--data ${source} has text labels (${raw.classNames.join(', ')}), the model was trained on integer labels`,
        );
      }
      const data = applyScaling(raw, file.cli.mean, file.cli.scale);
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
          JSON.stringify({ n: data.n, loss: result.loss, accuracy: result.accuracy, confusion }, null, 2),
        );
        return;
      }
      console.log(
        `${data.n} rows: accuracy ${(100 * (result.accuracy ?? Number.NaN)).toFixed(2)}%, loss ${result.loss.toFixed(4)}`,
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
