/**
 * Training data for `descent train` / `eval`: `digits`, `iris`, or a CSV file (label in the last
 * column, or --label NAME). A CSV problem is reported with its line and column, exit code 2.
 * Training splits off a stratified test part (seeded) and standardizes both parts with the
 * training rows' mean and scale (stored in the model file, so `eval` applies the same).
 */
import { type ClassificationDataset, digits, iris, loadCsv, standardize, trainTestSplit } from '@descent/mlp';
import { UsageError } from '../options/usage-error.js';

export async function loadData(source: string, label?: string): Promise<ClassificationDataset> {
  if (source === 'digits') return digits();
  if (source === 'iris') return iris();
  if (!/\.csv$/i.test(source)) {
    throw new UsageError(
      `Invalid --data ${JSON.stringify(source)}: expected digits, iris or a file ending in .csv`,
    );
  }
  try {
    return await loadCsv(source, label === undefined ? {} : { labelColumn: label });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code) throw new UsageError(`Cannot read --data ${source}: ${err.code}`);
    throw new UsageError(err.message);
  }
}

export interface Prepared {
  train: ClassificationDataset;
  test: ClassificationDataset;
  mean: Float64Array;
  scale: Float64Array;
}

/** A stratified, seeded split (testFraction of the rows held out), standardized by the training part. */
export function prepare(data: ClassificationDataset, testFraction: number, seed: number): Prepared {
  const split = trainTestSplit(data, { testFraction, seed, stratify: true });
  const s = standardize(split.train, split.test);
  return { train: s.train, test: s.others[0], mean: s.mean, scale: s.scale };
}

/** x' = (x - mean) / scale, column by column, with the statistics a model was trained with. */
export function applyScaling(
  data: ClassificationDataset,
  mean: ArrayLike<number>,
  scale: ArrayLike<number>,
): ClassificationDataset {
  if (mean.length !== data.features) {
    throw new UsageError(
      `Shape mismatch: the data has ${data.features} features, the model was trained on ${mean.length}`,
    );
  }
  const x = new Float32Array(data.x.length);
  for (let i = 0; i < data.x.length; i++) {
    const j = i % data.features;
    x[i] = (data.x[i] - mean[j]) / scale[j];
  }
  return { ...data, x };
}
