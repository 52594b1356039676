/**
 * Training data for `descent train` / `eval`: `digits`, `iris`, or a CSV file (label in the last
 * column, or --label NAME). A CSV problem is reported with its line and column, exit code 2.
 * Training splits off a stratified test part (seeded) and standardizes both parts with the
 * training rows' mean and scale (stored in the model file, so `eval` applies the same).
 */
import { type ClassificationDataset, digits, iris, loadCsv, standardize, trainTestSplit } from '@descent/mlp';
import { UsageError } from '../options/usage-error.js';

/**
 * The data set `source` names. With `classNames` (a trained model's), labels keep that model's
 * numbering: label `classNames[k]` is class k even when the file lacks some classes, and a label
 * the model does not know is refused naming its line.
 */
export async function loadData(
  source: string,
  label?: string,
  classNames?: string[],
): Promise<ClassificationDataset> {
  if (source === 'digits' || source === 'iris') {
    const data = source === 'digits' ? digits() : iris();
    return classNames ? renumber(data, classNames, source) : data;
  }
  if (!/\.csv$/i.test(source)) {
    throw new UsageError(
      `Invalid --data ${JSON.stringify(source)}: expected digits, iris or a file ending in .csv`,
    );
  }
  try {
    return await loadCsv(source, {
      ...(label === undefined ? {} : { labelColumn: label }),
      ...(classNames === undefined ? {} : { classNames }),
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code) throw new UsageError(`Cannot read --data ${source}: ${err.code}`);
    throw new UsageError(err.message);
  }
}

/** A built-in data set's labels numbered by `classNames` (a model's) instead of its own. */
function renumber(data: ClassificationDataset, classNames: string[], source: string): ClassificationDataset {
  const own = data.classNames ?? Array.from({ length: data.classes }, (_, k) => String(k));
  const index = new Map(classNames.map((c, k) => [c, k]));
  const to = own.map((c) => index.get(c));
  const y = new Int32Array(data.n);
  for (let i = 0; i < data.n; i++) {
    const k = to[data.y[i]];
    if (k === undefined) {
      throw new UsageError(
        `--data ${source} has the label ${JSON.stringify(own[data.y[i]])}, which the model does not know (its classes are ${classNames.join(', ')})`,
      );
    }
    y[i] = k;
  }
  return { ...data, y, classes: classNames.length, classNames: [...classNames] };
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
