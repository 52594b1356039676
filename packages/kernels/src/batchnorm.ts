/**
 * Batch normalization over kernel memory (torch.nn.functional.batch_norm and its backward), for a
 * row-major batch X [B, F] (rows are samples, columns features), f32 or f64 by the arrays' dtype:
 *
 *   training:  μ_j = (1/B) Σ_i x_ij,  σ²_j = (1/B) Σ_i (x_ij - μ_j)²              (biased)
 *              runningMean ← (1 - m) runningMean + m μ,  runningVar ← (1 - m) runningVar + m σ² B/(B-1)
 *   eval:      μ_j = runningMean_j,  σ²_j = runningVar_j
 *   both:      x̂_ij = (x_ij - μ_j) / √(σ²_j + ε),   y_ij = γ_j x̂_ij + β_j
 *   backward:  dγ_j += Σ_i dy_ij x̂_ij,   dβ_j += Σ_i dy_ij
 *              dx_ij = γ_j/√(σ²_j + ε) (dy_ij - mean_i dy_ij - x̂_ij mean_i(dy_ij x̂_ij))   (training)
 *              dx_ij = γ_j/√(σ²_j + ε) dy_ij                                            (eval)
 *
 * Without `weight`/`bias` (affine: false) γ = 1 and β = 0. The forward saves what the backward
 * needs in a `BatchNormSaved` the caller owns: μ, 1/√(σ² + ε) and x̂. Column statistics use a
 * shifted two-pass sum (see `columnMeanVar`), accurate in f32 even for values like 1e4 + noise.
 */
import { alloc, type WasmArray } from './arena.js';
import { checkArray, checkNoOverlap, checkScalar } from './checks.js';
import { typedKernel } from './exports.js';
import { checkMatrix, type WasmMatrix } from './matrix.js';
import { threadCount } from './threads/config.js';
import { CHEAP_MIN, COLUMNS_MIN, columnsInParts, rangeInParts } from './threads/nn-parts.js';

/**
 * Statistics kernel `<name>_cols_<dt>`(rows, cols, j0, j1, ...rest, scratch) over column ranges
 * on the worker pool when rows · cols >= COLUMNS_MIN and threads are on: every statistic is per
 * feature, summed over the rows in the same order whatever the split, so the bits are the
 * single-threaded ones (each part sums two per-feature arrays in scratch of its own). False
 * (nothing done) otherwise.
 */
function byColumns(name: string, dt: 'f32' | 'f64', rows: number, cols: number, rest: number[]): boolean {
  if (rows * cols < COLUMNS_MIN) return false;
  return columnsInParts(`${name}_cols_${dt}`, rows, cols, dt === 'f32' ? 4 : 8, 2, COLUMNS_MIN, rest);
}

/**
 * Row-wise kernel `<name>_<dt>`(rows, cols, ...) on the worker pool, rows apart, when rows · cols
 * >= CHEAP_MIN (memory-bound element-wise work) and threads are on: `args(r0, r1, at)` gives the
 * call for rows [r0, r1), `at(p)` offsetting a row-major [rows, cols] pointer to row r0. False
 * (nothing done) otherwise.
 */
function byRows(
  name: string,
  dt: 'f32' | 'f64',
  rows: number,
  cols: number,
  args: (r0: number, r1: number, at: (p: number) => number) => number[],
): boolean {
  if (rows * cols < CHEAP_MIN) return false;
  const rowBytes = cols * (dt === 'f32' ? 4 : 8);
  const parts = rangeInParts(`${name}_${dt}`, rows, 1, rows * cols, CHEAP_MIN, (r0, r1) =>
    args(r0, r1, (p) => p + r0 * rowBytes),
  );
  return parts !== undefined;
}

const kColumnMeanVar = typedKernel('columnMeanVar');
const kTrainStats = typedKernel('batchNormTrainStats');
const kEvalStats = typedKernel('batchNormEvalStats');
const kNormalize = typedKernel('batchNormNormalize');
const kBackward = typedKernel('batchNormBackward');

/** What the forward pass leaves for the backward pass: per feature μ and 1/√(σ² + ε) [F], x̂ [B, F]. */
export interface BatchNormSaved {
  mean: WasmArray;
  invStd: WasmArray;
  xhat: WasmMatrix;
}

export interface BatchNormForwardOptions {
  /** Normalize with the batch's statistics and update the running ones (true), or use them (false). */
  training: boolean;
  /** Running statistics [F]: updated in training, used in eval. */
  runningMean: WasmArray;
  runningVar: WasmArray;
  /** γ and β [F]; give both or neither (neither: affine: false). */
  weight?: WasmArray;
  bias?: WasmArray;
  /** m in running ← (1 - m) running + m batch (default 0.1, torch's). */
  momentum?: number;
  /** ε added to the variance (default 1e-5). */
  eps?: number;
}

export interface BatchNormBackwardOptions {
  /** The mode of the forward pass that produced `saved`. */
  training: boolean;
  /** γ [F] (omit for affine: false). */
  weight?: WasmArray;
  /** Gradients of γ and β [F], ACCUMULATED into (as torch's .grad); give both or neither. */
  weightGrad?: WasmArray;
  biasGrad?: WasmArray;
  /** Scratch of at least 2F elements (allocated and freed per call when omitted). */
  scratch?: WasmArray;
}

/** Throws unless `a` is a per-feature array: F elements of `dtype`. */
function checkFeatureArray(name: string, a: WasmArray, dtype: 'f32' | 'f64', F: number): void {
  checkArray(name, a, dtype);
  if (a.length !== F)
    throw new RangeError(`Length mismatch: ${name} has ${a.length} elements, the batch has ${F} features`);
}

/** Throws unless `m` is a matrix shaped like the batch `like` (named `likeName`). */
function checkSameShape(name: string, m: WasmMatrix, likeName: string, like: WasmMatrix): void {
  checkMatrix(name, m, like.data.dtype);
  if (m.rows !== like.rows || m.cols !== like.cols) {
    throw new RangeError(
      `Shape mismatch: ${likeName} is ${like.rows}x${like.cols}, ${name} is ${m.rows}x${m.cols}`,
    );
  }
}

/** Throws unless every written array lies apart from every other array in the list (same array twice is an error too). */
function checkApart(written: [string, WasmArray][], all: [string, WasmArray][]): void {
  for (const [wn, w] of written) {
    for (const [an, a] of all) if (a !== w || wn !== an) checkNoOverlap(wn, w, an, a);
  }
}

/** Throws unless weight and bias are given together; returns whether they are. */
function checkAffine(
  wName: string,
  w: WasmArray | undefined,
  bName: string,
  b: WasmArray | undefined,
): boolean {
  if ((w === undefined) !== (b === undefined)) {
    throw new TypeError(`${wName} and ${bName} go together: give both or neither`);
  }
  return w !== undefined;
}

/**
 * mean[j] = (1/B) Σ_i X_ij and variance[j] = (1/B) Σ_i (X_ij - mean_j)² (biased) for X [B, F].
 * Shifted two-pass: μ = K + (1/B) Σ_i (x_ij - K) with K the first row, then Σ (x - μ)²; a large
 * common offset cancels before it is summed. A batch of 0 rows gives 0 and 0.
 */
export function columnMeanVar(X: WasmMatrix, mean: WasmArray, variance: WasmArray): void {
  checkMatrix('X', X);
  const dt = X.data.dtype;
  checkFeatureArray('mean', mean, dt, X.cols);
  checkFeatureArray('variance', variance, dt, X.cols);
  const arrays: [string, WasmArray][] = [
    ['X', X.data],
    ['mean', mean],
    ['variance', variance],
  ];
  checkApart(arrays.slice(1), arrays);
  const ptrs = [X.data.ptr, mean.ptr, variance.ptr];
  if (!byColumns('columnMeanVar', dt, X.rows, X.cols, ptrs)) kColumnMeanVar(dt)(X.rows, X.cols, ...ptrs);
}

/**
 * y = BN(x) (the header's forward), writing `saved` (μ, 1/√(σ² + ε), x̂) for the backward and, in
 * training, updating the running statistics. Training needs B >= 2 (torch: "expected more than 1
 * value per channel"). y may be x itself; every other array must lie apart from the rest.
 */
export function batchNormForward(
  x: WasmMatrix,
  y: WasmMatrix,
  saved: BatchNormSaved,
  options: BatchNormForwardOptions,
): void {
  const { training, runningMean, runningVar, weight, bias, momentum = 0.1, eps = 1e-5 } = options;
  checkMatrix('x', x);
  const dt = x.data.dtype;
  const [B, F] = [x.rows, x.cols];
  checkSameShape('y', y, 'x', x);
  checkSameShape('saved.xhat', saved.xhat, 'x', x);
  checkFeatureArray('saved.mean', saved.mean, dt, F);
  checkFeatureArray('saved.invStd', saved.invStd, dt, F);
  checkFeatureArray('runningMean', runningMean, dt, F);
  checkFeatureArray('runningVar', runningVar, dt, F);
  const affine = checkAffine('weight', weight, 'bias', bias);
  if (weight) checkFeatureArray('weight', weight, dt, F);
  if (bias) checkFeatureArray('bias', bias, dt, F);
  checkScalar('momentum', momentum);
  if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`Invalid momentum: ${momentum}`);
  checkScalar('eps', eps);
  if (eps < 0) throw new RangeError(`Invalid eps: ${eps}`);
  if (training && B < 2) {
    throw new RangeError(`Batch norm in training needs more than 1 row per batch, got ${B}`);
  }
  const read: [string, WasmArray][] = [
    ['x', x.data],
    ['runningMean', runningMean],
    ['runningVar', runningVar],
  ];
  if (weight && bias) read.push(['weight', weight], ['bias', bias]);
  const written: [string, WasmArray][] = [
    ['saved.mean', saved.mean],
    ['saved.invStd', saved.invStd],
    ['saved.xhat', saved.xhat.data],
  ];
  checkApart(written, [...read, ...written, ['y', y.data]]);
  if (y.data !== x.data) checkApart([['y', y.data]], read);
  if (training) {
    const rest = [
      x.data.ptr,
      saved.mean.ptr,
      saved.invStd.ptr,
      runningMean.ptr,
      runningVar.ptr,
      momentum,
      eps,
    ];
    if (!byColumns('batchNormTrainStats', dt, B, F, rest)) kTrainStats(dt)(B, F, ...rest);
  } else {
    kEvalStats(dt)(F, runningMean.ptr, runningVar.ptr, eps, saved.mean.ptr, saved.invStd.ptr);
  }
  const g = weight ? weight.ptr : 0;
  const b = bias ? bias.ptr : 0;
  const af = affine ? 1 : 0;
  // threads: rows apart (x̂ and y row by row; the per-feature arrays are shared)
  const parts = byRows('batchNormNormalize', dt, B, F, (r0, r1, at) => [
    r1 - r0,
    F,
    at(x.data.ptr),
    saved.mean.ptr,
    saved.invStd.ptr,
    g,
    b,
    af,
    at(saved.xhat.data.ptr),
    at(y.data.ptr),
  ]);
  if (!parts)
    kNormalize(dt)(
      B,
      F,
      x.data.ptr,
      saved.mean.ptr,
      saved.invStd.ptr,
      g,
      b,
      af,
      saved.xhat.data.ptr,
      y.data.ptr,
    );
}

/**
 * dx from dy (the header's backward) with the `saved` of the forward pass; accumulates dγ and dβ
 * into `weightGrad` and `biasGrad` when given. dx may be dy itself; the rest must lie apart.
 */
export function batchNormBackward(
  dy: WasmMatrix,
  dx: WasmMatrix,
  saved: BatchNormSaved,
  options: BatchNormBackwardOptions,
): void {
  const { training, weight, weightGrad, biasGrad, scratch } = options;
  checkMatrix('dy', dy);
  const dt = dy.data.dtype;
  const [B, F] = [dy.rows, dy.cols];
  checkSameShape('dx', dx, 'dy', dy);
  checkSameShape('saved.xhat', saved.xhat, 'dy', dy);
  checkFeatureArray('saved.invStd', saved.invStd, dt, F);
  if (weight) checkFeatureArray('weight', weight, dt, F);
  const grads = checkAffine('weightGrad', weightGrad, 'biasGrad', biasGrad);
  if (weightGrad) checkFeatureArray('weightGrad', weightGrad, dt, F);
  if (biasGrad) checkFeatureArray('biasGrad', biasGrad, dt, F);
  if (scratch) {
    checkArray('scratch', scratch, dt);
    if (scratch.length < 2 * F) {
      throw new RangeError(`scratch has length ${scratch.length}, expected at least 2 * ${F} = ${2 * F}`);
    }
  }
  const read: [string, WasmArray][] = [
    ['dy', dy.data],
    ['saved.xhat', saved.xhat.data],
    ['saved.invStd', saved.invStd],
  ];
  if (weight) read.push(['weight', weight]);
  const written: [string, WasmArray][] = [];
  if (weightGrad && biasGrad) written.push(['weightGrad', weightGrad], ['biasGrad', biasGrad]);
  if (scratch) written.push(['scratch', scratch]);
  checkApart(written, [...read, ...written, ['dx', dx.data]]);
  if (dx.data !== dy.data) checkApart([['dx', dx.data]], read);
  const work = scratch ?? alloc(dt, 2 * F);
  try {
    const bytes = F * (dt === 'f32' ? 4 : 8);
    const rest = [
      dy.data.ptr,
      saved.xhat.data.ptr,
      saved.invStd.ptr,
      weight ? weight.ptr : 0,
      weight ? 1 : 0,
      training ? 1 : 0,
      work.ptr,
      work.ptr + bytes,
      grads ? 1 : 0,
      weightGrad ? weightGrad.ptr : 0,
      biasGrad ? biasGrad.ptr : 0,
      dx.data.ptr,
    ];
    if (!backwardInParts(dt, B, F, rest)) kBackward(dt)(B, F, ...rest);
  } finally {
    if (work !== scratch) work.free();
  }
}

/**
 * batchNormBackward on the worker pool (false: nothing done, below both crossovers or without
 * threads): pass 1, the per-feature sums and dγ, dβ, over column ranges (or here, below the
 * columns' crossover); then pass 2, dx, over rows (or here). `a` are the kernel's arguments after
 * (rows, cols): dy, x̂, invStd, γ, affine, training, sumDy, sumDyXhat, accumulate, dγ, dβ, dx.
 */
function backwardInParts(dt: 'f32' | 'f64', B: number, F: number, a: number[]): boolean {
  const [dy, xhat, invStd, gamma, affine, training, sumDy, sumDyXhat, acc, dgamma, dbeta, dx] = a;
  if (B * F < Math.min(COLUMNS_MIN, CHEAP_MIN) || threadCount() < 2) return false;
  const sums = [dy, xhat, sumDy, sumDyXhat, acc, dgamma, dbeta];
  if (!byColumns('batchNormBackwardSums', dt, B, F, sums)) kBackwardSums(dt)(B, F, ...sums);
  const rows = byRows('batchNormBackwardDx', dt, B, F, (r0, r1, at) => [
    r1 - r0,
    F,
    at(dy),
    at(xhat),
    invStd,
    gamma,
    affine,
    training,
    sumDy,
    sumDyXhat,
    at(dx),
  ]);
  if (!rows) kBackwardDx(dt)(B, F, dy, xhat, invStd, gamma, affine, training, sumDy, sumDyXhat, dx);
  return true;
}

const kBackwardSums = typedKernel('batchNormBackwardSums');
const kBackwardDx = typedKernel('batchNormBackwardDx');
