/**
 * `descent predict`: a model saved by `descent train --save` applied to new rows, one prediction a
 * row (the class name, and each class's softmax probability), as CSV (stdout or --out) or JSON.
 *
 *   p_k = exp(z_k - max z) / Σ_j exp(z_j - max z)      (z: the model's outputs for the row)
 *
 * The rows come from a CSV file of the model's features, with or without its label column (dropped
 * when present: the last column, or --label NAME), a header line optional; or from a built-in or
 * synthetic data set by name. Features are standardized with the model's own mean and scale.
 */
import { readFileSync } from 'node:fs';
import { predict, restoreCheckpoint } from '@descent/mlp';
import type { Command } from 'commander';
import { z } from 'zod';
import { checkWritable, writeFileAtomic } from '../options/output-file.js';
import { common, readSettings, withCommonOptions } from '../options/settings.js';
import { withThreadsOption } from '../options/threads.js';
import { UsageError } from '../options/usage-error.js';
import { renderCsv } from '../report/table.js';
import { applyScaling, loadData } from '../training/data.js';
import { readModelFile } from './train.js';

const schema = z.object({
  ...common,
  model: z.string().optional(),
  data: z.string().optional(),
  label: z.string().optional(),
  out: z.string().optional(),
});

/**
 * The feature rows of a CSV file for a model of `features` inputs: every column, or every column
 * but the label (`label` by header name, else the last) when there is one more. Returns row-major x.
 */
export function readFeatureRows(
  path: string,
  features: number,
  label?: string,
): { x: Float64Array; n: number } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(
      `Cannot read --data ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const lines = text
    .split(/\r?\n/)
    .map((l, i) => ({ cells: l.split(',').map((c) => c.trim()), line: i + 1 }));
  const rows = lines.filter((r) => !(r.cells.length === 1 && r.cells[0] === ''));
  if (rows.length === 0) throw new UsageError(`--data ${path} has no rows`);
  const header = rows[0].cells.some((c) => c !== '' && !Number.isFinite(Number(c)))
    ? rows.shift()?.cells
    : undefined;
  const width = (header ?? rows[0]?.cells ?? []).length;
  let drop = -1;
  if (width === features + 1) {
    drop = width - 1;
    if (label !== undefined) {
      drop = header ? header.indexOf(label) : -1;
      if (drop < 0) throw new UsageError(`--label ${label}: no such column in the header of ${path}`);
    }
  } else if (width !== features || label !== undefined) {
    throw new UsageError(
      `--data ${path} has ${width} columns; the model takes ${features} features (give them, optionally with the label column)`,
    );
  }
  const x = new Float64Array(rows.length * features);
  rows.forEach((r, i) => {
    if (r.cells.length !== width) {
      throw new UsageError(`--data ${path}, line ${r.line}: ${r.cells.length} columns, expected ${width}`);
    }
    let j = 0;
    r.cells.forEach((c, k) => {
      if (k === drop) return;
      const v = Number(c);
      if (c === '' || !Number.isFinite(v)) {
        throw new UsageError(
          `--data ${path}, line ${r.line}, column ${k + 1}: ${JSON.stringify(c)} is not a number`,
        );
      }
      x[i * features + j++] = v;
    });
  });
  return { x, n: rows.length };
}

/** Softmax probabilities of one row of outputs (shifted by the max, so exp cannot overflow). */
export function softmax(z: ArrayLike<number>): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < z.length; j++) max = Math.max(max, z[j]);
  const e = Array.from(z, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

export function registerPredict(program: Command): void {
  const cmd = program
    .command('predict')
    .description('apply a saved model to new rows: the predicted class and its probabilities, as CSV')
    .option('--model <file>', 'a model written by descent train --save')
    .option('--data <source>', 'FILE.csv of the features (a label column is dropped), or a data set name')
    .option(
      '--label <column>',
      'the CSV label column to drop, by header name (default: an extra last column)',
    )
    .option('--out <file>', 'write the CSV here instead of stdout');
  withThreadsOption(withCommonOptions(cmd))
    .addHelpText(
      'after',
      `
The CSV has one row per input: row, prediction (the class name), then p_CLASS for every class;
for a regression model (train --loss mse): row, then the predicted value of each target.

Examples:
  $ descent predict --model model.json --data new-rows.csv --out predictions.csv
  $ descent predict --model model.json --data iris --json`,
    )
    .action(async () => {
      const s = readSettings(cmd, schema);
      if (s.model === undefined)
        throw new UsageError('Missing --model FILE (written by descent train --save)');
      if (s.data === undefined) throw new UsageError('Missing --data FILE.csv (the rows to predict)');
      if (s.out !== undefined) checkWritable(s.out, '--out');
      const file = readModelFile(s.model, '--model');
      const features = file.cli.mean.length;
      const rows = /\.csv$/i.test(s.data)
        ? readFeatureRows(s.data, features, s.label)
        : await loadData(s.data, undefined, file.cli.classNames);
      const scaled = applyScaling(
        { x: Float32Array.from(rows.x), n: rows.n, features, y: new Int32Array(rows.n), classes: 1 },
        file.cli.mean,
        file.cli.scale,
      );
      let restored: ReturnType<typeof restoreCheckpoint>;
      try {
        restored = restoreCheckpoint(file);
      } catch (e) {
        throw new UsageError(`Invalid --model ${s.model}: ${(e as Error).message}`);
      }
      const model = restored.model.eval();
      const out = predict(model, scaled.x);
      model.free();
      const k = out.cols;
      if (file.cli.settings.loss === 'mse') {
        // a regression: the outputs are the predicted targets themselves
        const targets = file.cli.targetNames ?? Array.from({ length: k }, (_, j) => `y${j + 1}`);
        const values = Array.from({ length: rows.n }, (_, i) =>
          Array.from(out.data.subarray(i * k, (i + 1) * k)),
        );
        const text = s.json
          ? `${JSON.stringify({ targets, predictions: values.map((v, i) => ({ row: i + 1, values: v })) }, null, 2)}\n`
          : renderCsv(
              ['row', ...targets],
              values.map((v, i) => [i + 1, ...v]),
            );
        if (s.out !== undefined) {
          writeFileAtomic(s.out, text);
          if (!s.quiet) console.log(`${rows.n} predictions written to ${s.out}`);
        } else process.stdout.write(text);
        return;
      }
      const names = file.cli.classNames ?? Array.from({ length: k }, (_, j) => String(j));
      const predictions = Array.from({ length: rows.n }, (_, i) => {
        const p = softmax(out.data.subarray(i * k, (i + 1) * k));
        let best = 0;
        for (let j = 1; j < k; j++) if (p[j] > p[best]) best = j;
        return { row: i + 1, prediction: names[best], probabilities: p };
      });
      const text = s.json
        ? `${JSON.stringify({ classes: names, predictions }, null, 2)}\n`
        : renderCsv(
            ['row', 'prediction', ...names.map((c) => `p_${c}`)],
            predictions.map((r) => [r.row, r.prediction, ...r.probabilities]),
          );
      if (s.out !== undefined) {
        writeFileAtomic(s.out, text);
        if (!s.quiet) console.log(`${rows.n} predictions written to ${s.out}`);
      } else process.stdout.write(text);
    });
}
