/**
 * Linear models on a data set (X row-major n x p, labels y) as finite sums, each term with an
 * optional L2 penalty (λ/2)‖θ‖² (so f is λ-strongly convex and μ = λ), xᵢ the i-th row (with a
 * trailing 1 when `intercept`, the default; the penalty covers the intercept too, as in the notes):
 *
 *   'least-squares'  fᵢ = ½ (xᵢᵀθ − yᵢ)²                       ∇fᵢ = (xᵢᵀθ − yᵢ) xᵢ         Lᵢ = ‖xᵢ‖²
 *   'logistic'       fᵢ = log(1 + exp(−sᵢ xᵢᵀθ)), sᵢ = 2yᵢ − 1  ∇fᵢ = −sᵢ σ(−sᵢ xᵢᵀθ) xᵢ   Lᵢ = ‖xᵢ‖²/4
 *   'softmax'        fᵢ = log Σₖ exp(zₖ) − z_{yᵢ}, z = W xᵢ      ∇_W fᵢ = (p − e_{yᵢ}) xᵢᵀ   Lᵢ = ‖xᵢ‖²/2
 *
 * (+ λθ in each gradient, + λ in each Lᵢ; p = softmax(z); W is K x d row-major, θ = vec(W); the
 * softmax bound is Böhning's: ∇² logsumexp ≼ ½ I.) Labels: any finite y for least squares, 0/1 for
 * logistic, integers in [0, K) for softmax.
 *
 * One term is a loop over one row (d is small next to the kernels' call cost); the full gradient runs
 * on the kernels: margins Xθ and Xᵀr by gemv, softmax's X Wᵀ and Rᵀ X by gemm. Memory: X twice (a JS
 * copy for the terms, a kernel copy for the full gradient, released with the FiniteSum by the GC)
 * and n·K + 2 d scratch.
 */
import { alloc, gemm, gemv, matrixFrom, type WasmMatrix } from '@descent/kernels';
import { defineFiniteSum, type FiniteSum } from './finite-sum.js';
import { iris } from './iris.js';

export type LinearModel = 'least-squares' | 'logistic' | 'softmax';

export interface DatasetSpec {
  /** Features, row-major n x p. */
  X: ArrayLike<number>;
  /** One label per row. */
  y: ArrayLike<number>;
  model: LinearModel;
  /** Penalty weight λ >= 0 (default 0). */
  l2?: number;
  /** Append a constant-1 feature (default true). */
  intercept?: boolean;
  /** Center and scale each column to unit variance (population std, as sklearn's StandardScaler; default false). */
  standardize?: boolean;
  /** Softmax's class count K (default max(y) + 1). */
  classes?: number;
  name?: string;
}

/** Columns scaled to mean 0 and (population) variance 1; constant columns are only centered. */
export function standardizeColumns(X: ArrayLike<number>, n: number, p: number): Float64Array {
  const out = Float64Array.from(X);
  for (let j = 0; j < p; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += out[i * p + j];
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (out[i * p + j] - mean) ** 2;
    const sd = Math.sqrt(v / n) || 1;
    for (let i = 0; i < n; i++) out[i * p + j] = (out[i * p + j] - mean) / sd;
  }
  return out;
}

/** log(1 + exp(u)) without overflow. */
function softplus(u: number): number {
  return Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));
}

function checkLabels(model: LinearModel, y: ArrayLike<number>, K: number): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    const ok =
      model === 'least-squares'
        ? Number.isFinite(v)
        : model === 'logistic'
          ? v === 0 || v === 1
          : Number.isInteger(v) && v >= 0 && v < K;
    if (!ok) {
      const want =
        model === 'least-squares'
          ? 'a finite number'
          : model === 'logistic'
            ? '0 or 1'
            : `an integer in [0, ${K})`;
      throw new RangeError(`Invalid label y[${i}]: ${v} (expected ${want} for model '${model}')`);
    }
  }
}

/** A linear model on a data set as a FiniteSum (see the file comment for the terms). */
export function fromDataset(spec: DatasetSpec): FiniteSum {
  const { model, l2 = 0, intercept = true, standardize = false } = spec;
  if (model !== 'least-squares' && model !== 'logistic' && model !== 'softmax') {
    throw new RangeError(
      `Invalid model: ${String(model)} (expected 'least-squares', 'logistic' or 'softmax')`,
    );
  }
  if (!(l2 >= 0) || !Number.isFinite(l2))
    throw new RangeError(`Invalid l2: ${l2} (expected a finite λ >= 0)`);
  const n = spec.y.length;
  if (n < 1) throw new RangeError('Invalid y: the data set is empty');
  if (spec.X.length % n !== 0 || spec.X.length === 0) {
    throw new RangeError(`Invalid X: length ${spec.X.length} is not a multiple of the ${n} labels`);
  }
  const p = spec.X.length / n;
  for (let k = 0; k < spec.X.length; k++) {
    if (!Number.isFinite(spec.X[k])) throw new RangeError(`Invalid X[${k}]: ${spec.X[k]} (expected finite)`);
  }
  let K = 1;
  if (model === 'softmax') {
    let maxLabel = 0;
    for (let i = 0; i < n; i++) maxLabel = Math.max(maxLabel, spec.y[i]);
    K = spec.classes ?? Math.floor(maxLabel) + 1;
    if (!Number.isInteger(K) || K < 2)
      throw new RangeError(`Invalid classes: ${K} (expected an integer >= 2)`);
  }
  checkLabels(model, spec.y, K);

  const base = standardize ? standardizeColumns(spec.X, n, p) : Float64Array.from(spec.X);
  const d = intercept ? p + 1 : p;
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) X[i * d + j] = base[i * p + j];
    if (intercept) X[i * d + p] = 1;
  }
  const y = Float64Array.from(spec.y);
  let rowNorm2Max = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += X[i * d + j] ** 2;
    rowNorm2Max = Math.max(rowNorm2Max, s);
  }
  const curvature = model === 'least-squares' ? 1 : model === 'logistic' ? 0.25 : 0.5;
  const dim = d * K;
  const name = spec.name ?? `${model}(${n}x${d})`;
  const penalty = (theta: Float64Array) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += theta[j] * theta[j];
    return 0.5 * l2 * s;
  };

  const Xw = matrixFrom(n, d, X) as WasmMatrix<'f64'>;
  const wTheta = alloc('f64', dim);
  const wGrad = alloc('f64', dim);
  const wR = alloc('f64', n * K);

  const probabilities = new Float64Array(K);
  /** z = W xᵢ into probabilities, then softmax in place; returns logsumexp(z). */
  const softmaxRow = (theta: Float64Array, i: number): number => {
    let zmax = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += theta[k * d + j] * X[i * d + j];
      probabilities[k] = z;
      zmax = Math.max(zmax, z);
    }
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(probabilities[k] - zmax);
    const lse = zmax + Math.log(s);
    for (let k = 0; k < K; k++) probabilities[k] = Math.exp(probabilities[k] - lse);
    return lse;
  };

  const term = (theta: Float64Array, i: number, out?: Float64Array): number => {
    if (model === 'softmax') {
      const lse = softmaxRow(theta, i);
      let zy = 0;
      for (let j = 0; j < d; j++) zy += theta[y[i] * d + j] * X[i * d + j];
      if (out) {
        for (let k = 0; k < K; k++) {
          const r = probabilities[k] - (k === y[i] ? 1 : 0);
          for (let j = 0; j < d; j++) out[k * d + j] = r * X[i * d + j] + l2 * theta[k * d + j];
        }
      }
      return lse - zy + penalty(theta);
    }
    let z = 0;
    for (let j = 0; j < d; j++) z += X[i * d + j] * theta[j];
    let value: number;
    let r: number;
    if (model === 'least-squares') {
      r = z - y[i];
      value = 0.5 * r * r;
    } else {
      const s = 2 * y[i] - 1;
      value = softplus(-s * z);
      r = -s / (1 + Math.exp(s * z)); // −s σ(−s z)
    }
    if (out) for (let j = 0; j < d; j++) out[j] = r * X[i * d + j] + l2 * theta[j];
    return value + penalty(theta);
  };

  /** f and ∇f over all rows on the kernels (gemv / gemm), then the penalty. */
  const full = (theta: Float64Array, out?: Float64Array): number => {
    wTheta.data.set(theta);
    let value = 0;
    if (model === 'softmax') {
      const W = { rows: K, cols: d, data: wTheta };
      const S = { rows: n, cols: K, data: wR };
      gemm(Xw, W, S, { transB: true }); // S = X Wᵀ, n x K
      const s = wR.data;
      for (let i = 0; i < n; i++) {
        let zmax = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < K; k++) zmax = Math.max(zmax, s[i * K + k]);
        let e = 0;
        for (let k = 0; k < K; k++) e += Math.exp(s[i * K + k] - zmax);
        const lse = zmax + Math.log(e);
        value += lse - s[i * K + y[i]];
        for (let k = 0; k < K; k++) s[i * K + k] = Math.exp(s[i * K + k] - lse) - (k === y[i] ? 1 : 0);
      }
      if (out) {
        gemm(S, Xw, { rows: K, cols: d, data: wGrad }, { transA: true, alpha: 1 / n }); // Rᵀ X / n
      }
    } else {
      const r = wR;
      gemv(Xw, wTheta, r); // margins z = Xθ
      const z = r.data;
      for (let i = 0; i < n; i++) {
        if (model === 'least-squares') {
          const ri = z[i] - y[i];
          value += 0.5 * ri * ri;
          z[i] = ri;
        } else {
          const s = 2 * y[i] - 1;
          value += softplus(-s * z[i]);
          z[i] = -s / (1 + Math.exp(s * z[i]));
        }
      }
      if (out) gemv(Xw, r, wGrad, { trans: true, alpha: 1 / n }); // Xᵀ r / n
    }
    if (out) {
      const g = wGrad.data;
      for (let j = 0; j < dim; j++) out[j] = g[j] + l2 * theta[j];
    }
    return value / n + penalty(theta);
  };

  return defineFiniteSum({
    name,
    n,
    dim,
    term,
    full,
    lipschitzMax: curvature * rowNorm2Max + l2,
    ...(l2 > 0 ? { mu: l2 } : {}),
  });
}

export interface IrisModelOptions {
  /** Penalty weight λ (defaults: 0 for least squares, 1e-3 for logistic, 1e-2 for softmax). */
  l2?: number;
}

/** Iris, standardized columns, rows, labels for a model (see the three entries below). */
function irisSubset(rows: number[], columns: number[], label: (row: number) => number) {
  const data = iris();
  const all = standardizeColumns(data.X, 150, 4);
  const X = new Float64Array(rows.length * columns.length);
  rows.forEach((r, i) => {
    columns.forEach((c, j) => {
      X[i * columns.length + j] = all[r * 4 + c];
    });
  });
  return { X, y: rows.map(label), data };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Petal width from the other three measurements (standardized over all 150), with an intercept: d = 4. */
export function irisLeastSquares(options: IrisModelOptions = {}): FiniteSum {
  const { X, data } = irisSubset(range(0, 150), [0, 1, 2], () => 0);
  const y = Array.from({ length: 150 }, (_, i) => data.X[i * 4 + 3]);
  return fromDataset({ X, y, model: 'least-squares', l2: options.l2 ?? 0, name: 'iris-least-squares' });
}

/** Versicolor (0) vs virginica (1), the 100 flowers that overlap; 4 standardized features + intercept. */
export function irisLogistic(options: IrisModelOptions = {}): FiniteSum {
  const { X, y } = irisSubset(range(50, 150), [0, 1, 2, 3], (r) => (r >= 100 ? 1 : 0));
  return fromDataset({ X, y, model: 'logistic', l2: options.l2 ?? 1e-3, name: 'iris-logistic' });
}

/** All three species, 4 standardized features + intercept: W is 3 x 5, θ = vec(W). */
export function irisSoftmax(options: IrisModelOptions = {}): FiniteSum {
  const { X, data } = irisSubset(range(0, 150), [0, 1, 2, 3], () => 0);
  return fromDataset({ X, y: data.y, model: 'softmax', l2: options.l2 ?? 1e-2, name: 'iris-softmax' });
}
