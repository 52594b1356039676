/**
 * Training data for `descent train` / `eval`: `digits`, `iris`, a synthetic set (`moons`,
 * `circles`, `spirals`, `xor`, `gaussians`, sklearn's make_* shapes, with `NAME:n=1000,noise=0.2`),
 * or a CSV file (label in the last column, or --label NAME). A CSV problem is reported with its line and column, exit code 2.
 * Training splits off a stratified test part (seeded) and standardizes both parts with the
 * training rows' mean and scale (stored in the model file, so `eval` applies the same).
 */
import {
  type ClassificationDataset,
  circles,
  type Dataset,
  digits,
  gaussians,
  iris,
  loadCsv,
  moons,
  type RegressionDataset,
  spirals,
  standardize,
  trainTestSplit,
  xor,
} from '@descent/mlp';
import { UsageError, unknownNameError } from '../options/usage-error.js';

/** The synthetic sets, their options (numbers) and the sizes the CLI draws by default. */
const synthetic: Record<
  string,
  { make: (o: Record<string, number>) => ClassificationDataset; keys: string[] }
> = {
  moons: { make: moons, keys: ['n', 'noise', 'seed'] },
  circles: { make: circles, keys: ['n', 'noise', 'seed', 'factor'] },
  spirals: { make: spirals, keys: ['n', 'noise', 'seed', 'classes', 'turns'] },
  xor: { make: xor, keys: ['n', 'noise', 'seed'] },
  gaussians: { make: gaussians, keys: ['n', 'seed', 'classes', 'features', 'std'] },
};
export const syntheticNames = Object.keys(synthetic);
/** What a bare name draws (seed 0): 1,000 rows, with the noise below. */
const syntheticDefaults: Record<string, Record<string, number>> = {
  moons: { n: 1000, noise: 0.1 },
  circles: { n: 1000, noise: 0.05 },
  spirals: { n: 1000, noise: 0.2 },
  xor: { n: 1000, noise: 0 },
  gaussians: { n: 1000 },
};

/** `NAME[:key=value,...]` of a synthetic set, drawn (the same draw for train and eval). */
function syntheticData(source: string): ClassificationDataset | undefined {
  const colon = source.indexOf(':');
  const name = colon < 0 ? source : source.slice(0, colon);
  const family = Object.hasOwn(synthetic, name) ? synthetic[name] : undefined;
  if (!family) return undefined;
  const options: Record<string, number> = { ...syntheticDefaults[name] };
  for (const pair of colon < 0 ? [] : source.slice(colon + 1).split(',')) {
    const [key, text] = pair.split('=').map((t) => t.trim());
    if (!family.keys.includes(key)) throw unknownNameError('key', key, family.keys, `in --data ${source}`);
    const value = Number(text);
    if (text === undefined || text === '' || !Number.isFinite(value)) {
      throw new UsageError(
        `Invalid value for ${key} in --data ${source}: ${JSON.stringify(text ?? '')} (expected a number)`,
      );
    }
    options[key] = value;
  }
  try {
    return family.make(options);
  } catch (e) {
    throw new UsageError(`Invalid --data ${source}: ${(e as Error).message}`);
  }
}

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
  const drawn = syntheticData(source);
  if (source === 'digits' || source === 'iris' || drawn) {
    const data = drawn ?? (source === 'digits' ? digits() : iris());
    return classNames ? renumber(data, classNames, source) : data;
  }
  if (!/\.csv$/i.test(source)) {
    throw new UsageError(
      `Invalid --data ${JSON.stringify(source)}: expected digits, iris, ${syntheticNames.join(', ')} or a file ending in .csv`,
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

/**
 * Regression data (`train --loss mse`): a CSV file whose target column (the last, or --label NAME)
 * holds numbers, kept as they are (not standardized: the loss is in the target's own units).
 */
export async function loadTargets(source: string, label?: string): Promise<RegressionDataset> {
  if (!/\.csv$/i.test(source)) {
    throw new UsageError(
      `--loss mse trains a regression on a CSV file with numeric targets (--data FILE.csv); ${JSON.stringify(source)} is a classification data set`,
    );
  }
  try {
    return (await loadCsv(source, {
      target: 'value',
      ...(label === undefined ? {} : { labelColumn: label }),
    })) as unknown as RegressionDataset;
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

export interface Prepared<T extends Dataset = ClassificationDataset> {
  train: T;
  test: T;
  /** With a validation fraction: rows split off the training part (never the test part). */
  validation?: T;
  mean: Float64Array;
  scale: Float64Array;
}

/**
 * A stratified, seeded split (testFraction of the rows held out), then, with valFraction > 0, a
 * stratified validation share of the training rows (seed + 1); all standardized by the rows
 * trained on. The test split is the same with or without validation (eval finds it again).
 */
export function prepare<T extends Dataset>(
  data: T,
  testFraction: number,
  seed: number,
  valFraction = 0,
  stratify = true,
): Prepared<T> {
  const split = trainTestSplit(data, { testFraction, seed, stratify });
  if (!(valFraction > 0)) {
    const s = standardize(split.train, split.test);
    return { train: s.train, test: s.others[0], mean: s.mean, scale: s.scale };
  }
  const inner = trainTestSplit(split.train, { testFraction: valFraction, seed: seed + 1, stratify });
  const s = standardize(inner.train, split.test, inner.test);
  return { train: s.train, test: s.others[0], validation: s.others[1], mean: s.mean, scale: s.scale };
}

/** x' = (x - mean) / scale, column by column, with the statistics a model was trained with. */
export function applyScaling<T extends Dataset>(
  data: T,
  mean: ArrayLike<number>,
  scale: ArrayLike<number>,
): T {
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
