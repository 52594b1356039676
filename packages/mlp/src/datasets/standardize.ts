/**
 * Standardization (sklearn's StandardScaler): statistics from the training rows only, applied to
 * every part, so no information from validation or test rows leaks into training.
 *
 *   μ_j = (1/n) Σ_i x_ij        σ_j = √((1/n) Σ_i (x_ij - μ_j)²)       (population σ, as sklearn)
 *   x'_ij = (x_ij - μ_j) / s_j,   s_j = σ_j, or 1 for a constant column (so it becomes 0, not NaN)
 *
 * A column counts as constant when σ_j² is within rounding of zero: σ_j² ≤ n ε σ_j² + (n ε μ_j)²
 * (ε = 2⁻⁵², sklearn's bound on the two-pass variance's error).
 */
import type { Dataset } from '../batches.js';
import { checkDataset } from './dataset.js';

export interface Standardized<T> {
  /** The training set, standardized. */
  train: T;
  /** The other sets, in the order given, standardized with the training statistics. */
  others: T[];
  /** μ_j per column (of the training rows). */
  mean: Float64Array;
  /** s_j per column: σ_j, or 1 where the training column is constant. */
  scale: Float64Array;
  /** Applies the same (x - μ) / s to another data set (e.g. new samples to predict). */
  transform(data: T): T;
}

/** The training set's column means and scales. */
export function standardScale(train: Dataset): { mean: Float64Array; scale: Float64Array } {
  checkDataset('train', train);
  const { x, n, features: d } = train;
  if (n < 1) throw new RangeError('standardize: the training set has no rows');
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const e = x[i * d + j] - mean[j];
      scale[j] += e * e;
    }
  }
  const eps = 2 ** -52;
  for (let j = 0; j < d; j++) {
    const variance = scale[j] / n;
    const constant = variance <= n * eps * variance + (n * eps * mean[j]) ** 2;
    scale[j] = constant ? 1 : Math.sqrt(variance);
  }
  return { mean, scale };
}

function apply<T extends Dataset>(name: string, data: T, mean: Float64Array, scale: Float64Array): T {
  checkDataset(name, data);
  const d = mean.length;
  if (data.features !== d) {
    throw new RangeError(`Shape mismatch: ${name} has ${data.features} features, train has ${d}`);
  }
  const x = data.x.slice();
  for (let i = 0; i < data.n; i++)
    for (let j = 0; j < d; j++) x[i * d + j] = (x[i * d + j] - mean[j]) / scale[j];
  return { ...data, x, y: data.y.slice() };
}

/**
 * Standardizes `train` with its own statistics and every other set with the same ones; returns new
 * data sets (the inputs are unchanged). `const { train: tr, others: [va, te] } = standardize(tr0, va0, te0)`.
 */
export function standardize<T extends Dataset>(train: T, ...others: T[]): Standardized<T> {
  const { mean, scale } = standardScale(train);
  others.forEach((o, k) => {
    checkDataset(`others[${k}]`, o);
    if (o.features !== train.features) {
      throw new RangeError(
        `Shape mismatch: others[${k}] has ${o.features} features, train has ${train.features}`,
      );
    }
  });
  return {
    train: apply('train', train, mean, scale),
    others: others.map((o, k) => apply(`others[${k}]`, o, mean, scale)),
    mean,
    scale,
    transform: (data: T) => apply('data', data, mean, scale),
  };
}
