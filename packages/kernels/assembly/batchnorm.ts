/**
 * Batch normalization (torch.nn.BatchNorm1d) over a row-major batch X [B rows = samples, F cols =
 * features], generic over f32/f64. Every loop walks a row with v128 over L features at a time
 * (4 x f32 or 2 x f64), then a scalar tail for the last F % L features; the per-feature arrays
 * (mean, invStd, γ, β, sums) are read with the same offsets, so each lane owns one feature.
 * Kernels never allocate: the wrapper passes every output and scratch array.
 *
 *   μ_j = (1/B) Σ_i x_ij,  σ²_j = (1/B) Σ_i (x_ij - μ_j)²,  x̂_ij = (x_ij - μ_j) / √(σ²_j + ε)
 *   y_ij = γ_j x̂_ij + β_j
 *   dγ_j += Σ_i dy_ij x̂_ij,  dβ_j += Σ_i dy_ij
 *   dx_ij = γ_j / √(σ²_j + ε) · (dy_ij - mean_i dy_ij - x̂_ij mean_i(dy_ij x̂_ij))     (training)
 *   dx_ij = γ_j / √(var_j + ε) · dy_ij                                              (eval)
 */
import { lanes } from './transcendental';

/**
 * mean[j] = μ_j and variance[j] = σ²_j (biased) of the columns of X. Reads x, writes mean and
 * variance (which must not overlap x or each other).
 *
 * Shifted two-pass: the first pass sums x_ij - x_0j (the first row is the shift K), so a large
 * common offset cancels exactly before summation, μ = K + (1/B) Σ (x - K); the second pass sums
 * (x - μ)². In f32 with values 1e4 + noise this keeps μ within about ½ ulp(μ) and σ² to a relative
 * (½ ulp(μ) / σ)² + O(B ε), where a plain Σx would lose B ε |x| in the mean.
 */
function columnMeanVar<T>(rows: i32, cols: i32, ld: i32, x: usize, mean: usize, variance: usize): void {
  const L = lanes<T>();
  const bytes = <usize>cols * sizeof<T>();
  const stride = <usize>ld * sizeof<T>();
  memory.fill(mean, 0, bytes);
  memory.fill(variance, 0, bytes);
  if (rows == 0) return;
  for (let i = 1; i < rows; i++) {
    const row = x + <usize>i * stride;
    let j = 0;
    for (; j + L <= cols; j += L) {
      const o = <usize>j * sizeof<T>();
      v128.store(mean + o, v128.add<T>(v128.load(mean + o), v128.sub<T>(v128.load(row + o), v128.load(x + o))));
    }
    for (; j < cols; j++) {
      const o = <usize>j * sizeof<T>();
      store<T>(mean + o, load<T>(mean + o) + (load<T>(row + o) - load<T>(x + o)));
    }
  }
  const invB = <T>1 / <T>rows;
  const vInvB = v128.splat<T>(invB);
  let j = 0;
  for (; j + L <= cols; j += L) {
    const o = <usize>j * sizeof<T>();
    v128.store(mean + o, v128.add<T>(v128.load(x + o), v128.mul<T>(v128.load(mean + o), vInvB)));
  }
  for (; j < cols; j++) {
    const o = <usize>j * sizeof<T>();
    store<T>(mean + o, load<T>(x + o) + load<T>(mean + o) * invB);
  }
  for (let i = 0; i < rows; i++) {
    const row = x + <usize>i * stride;
    let j = 0;
    for (; j + L <= cols; j += L) {
      const o = <usize>j * sizeof<T>();
      const d = v128.sub<T>(v128.load(row + o), v128.load(mean + o));
      v128.store(variance + o, v128.add<T>(v128.load(variance + o), v128.mul<T>(d, d)));
    }
    for (; j < cols; j++) {
      const o = <usize>j * sizeof<T>();
      const d = load<T>(row + o) - load<T>(mean + o);
      store<T>(variance + o, load<T>(variance + o) + d * d);
    }
  }
  j = 0;
  for (; j + L <= cols; j += L) {
    const o = <usize>j * sizeof<T>();
    v128.store(variance + o, v128.mul<T>(v128.load(variance + o), vInvB));
  }
  for (; j < cols; j++) {
    const o = <usize>j * sizeof<T>();
    store<T>(variance + o, load<T>(variance + o) * invB);
  }
}

/**
 * Training statistics (rows >= 2): mean[j] = μ_j, invStd[j] = 1/√(σ²_j + ε), and torch's running
 * update with momentum m and the unbiased variance:
 *   runningMean ← (1 - m) runningMean + m μ,   runningVar ← (1 - m) runningVar + m σ² B/(B - 1).
 * Reads x; writes mean, invStd; updates runningMean, runningVar (all distinct, apart from x).
 */
function batchNormTrainStats<T>(
  rows: i32,
  cols: i32,
  ld: i32,
  x: usize,
  mean: usize,
  invStd: usize,
  runningMean: usize,
  runningVar: usize,
  momentum: T,
  eps: T,
): void {
  const L = lanes<T>();
  columnMeanVar<T>(rows, cols, ld, x, mean, invStd); // invStd holds σ² until the loop below
  const keep = <T>1 - momentum;
  const unbias = <T>rows / <T>(rows - 1);
  const vKeep = v128.splat<T>(keep);
  const vM = v128.splat<T>(momentum);
  const vMU = v128.splat<T>(momentum * unbias);
  const vEps = v128.splat<T>(eps);
  const vOne = v128.splat<T>(1);
  let j = 0;
  for (; j + L <= cols; j += L) {
    const o = <usize>j * sizeof<T>();
    const mu = v128.load(mean + o);
    const s2 = v128.load(invStd + o);
    v128.store(runningMean + o, v128.add<T>(v128.mul<T>(vKeep, v128.load(runningMean + o)), v128.mul<T>(vM, mu)));
    v128.store(runningVar + o, v128.add<T>(v128.mul<T>(vKeep, v128.load(runningVar + o)), v128.mul<T>(vMU, s2)));
    v128.store(invStd + o, v128.div<T>(vOne, v128.sqrt<T>(v128.add<T>(s2, vEps))));
  }
  for (; j < cols; j++) {
    const o = <usize>j * sizeof<T>();
    const mu = load<T>(mean + o);
    const s2 = load<T>(invStd + o);
    store<T>(runningMean + o, keep * load<T>(runningMean + o) + momentum * mu);
    store<T>(runningVar + o, keep * load<T>(runningVar + o) + momentum * unbias * s2);
    store<T>(invStd + o, <T>1 / <T>sqrt<T>(s2 + eps));
  }
}

/**
 * Eval statistics: mean[j] = runningMean[j], invStd[j] = 1/√(runningVar[j] + ε). Reads the running
 * statistics; writes mean and invStd (apart from them).
 */
function batchNormEvalStats<T>(cols: i32, runningMean: usize, runningVar: usize, eps: T, mean: usize, invStd: usize): void {
  const L = lanes<T>();
  memory.copy(mean, runningMean, <usize>cols * sizeof<T>());
  const vEps = v128.splat<T>(eps);
  const vOne = v128.splat<T>(1);
  let j = 0;
  for (; j + L <= cols; j += L) {
    const o = <usize>j * sizeof<T>();
    v128.store(invStd + o, v128.div<T>(vOne, v128.sqrt<T>(v128.add<T>(v128.load(runningVar + o), vEps))));
  }
  for (; j < cols; j++) {
    const o = <usize>j * sizeof<T>();
    store<T>(invStd + o, <T>1 / <T>sqrt<T>(load<T>(runningVar + o) + eps));
  }
}

/**
 * x̂_ij = (x_ij - mean_j) invStd_j and y_ij = γ_j x̂_ij + β_j (y = x̂ without `affine`; gamma and beta
 * are then not read). Reads x, mean, invStd, gamma, beta; writes xhat and y. y may be x (each
 * element is read before it is written); xhat must lie apart from y.
 */
function batchNormNormalize<T>(
  rows: i32,
  cols: i32,
  x: usize,
  mean: usize,
  invStd: usize,
  gamma: usize,
  beta: usize,
  affine: i32,
  xhat: usize,
  y: usize,
): void {
  const L = lanes<T>();
  const bytes = <usize>cols * sizeof<T>();
  for (let i = 0; i < rows; i++) {
    const r = <usize>i * bytes;
    let j = 0;
    for (; j + L <= cols; j += L) {
      const o = <usize>j * sizeof<T>();
      const h = v128.mul<T>(v128.sub<T>(v128.load(x + r + o), v128.load(mean + o)), v128.load(invStd + o));
      v128.store(xhat + r + o, h);
      v128.store(y + r + o, affine ? v128.add<T>(v128.mul<T>(v128.load(gamma + o), h), v128.load(beta + o)) : h);
    }
    for (; j < cols; j++) {
      const o = <usize>j * sizeof<T>();
      const h = (load<T>(x + r + o) - load<T>(mean + o)) * load<T>(invStd + o);
      store<T>(xhat + r + o, h);
      store<T>(y + r + o, affine ? load<T>(gamma + o) * h + load<T>(beta + o) : h);
    }
  }
}

/**
 * Backward. Pass 1: sumDy[j] = Σ_i dy_ij, sumDyXhat[j] = Σ_i dy_ij x̂_ij; with `accumulate`,
 * dgamma[j] += sumDyXhat[j] and dbeta[j] += sumDy[j]. Pass 2: dx as in the header, with γ = 1
 * without `affine` (gamma is then not read) and the mean-removal terms only in `training`.
 * Reads dy, xhat, invStd, gamma; writes sumDy, sumDyXhat (scratch, overwritten), dx; updates dgamma,
 * dbeta. dx may be dy; everything else must lie apart.
 */
function batchNormBackward<T>(
  rows: i32,
  cols: i32,
  ld: i32,
  dy: usize,
  xhat: usize,
  invStd: usize,
  gamma: usize,
  affine: i32,
  training: i32,
  sumDy: usize,
  sumDyXhat: usize,
  accumulate: i32,
  dgamma: usize,
  dbeta: usize,
  dx: usize,
): void {
  backwardSums<T>(rows, cols, ld, dy, xhat, sumDy, sumDyXhat, accumulate, dgamma, dbeta);
  backwardDx<T>(rows, cols, ld, dy, xhat, invStd, gamma, affine, training, sumDy, sumDyXhat, dx);
}

/** Pass 1 of the backward: the sums, dγ and dβ updated, then the means b_j, c_j left in sumDy, sumDyXhat. */
function backwardSums<T>(
  rows: i32,
  cols: i32,
  ld: i32,
  dy: usize,
  xhat: usize,
  sumDy: usize,
  sumDyXhat: usize,
  accumulate: i32,
  dgamma: usize,
  dbeta: usize,
): void {
  const L = lanes<T>();
  const bytes = <usize>cols * sizeof<T>();
  const stride = <usize>ld * sizeof<T>();
  memory.fill(sumDy, 0, bytes);
  memory.fill(sumDyXhat, 0, bytes);
  for (let i = 0; i < rows; i++) {
    const r = <usize>i * stride;
    let j = 0;
    for (; j + L <= cols; j += L) {
      const o = <usize>j * sizeof<T>();
      const g = v128.load(dy + r + o);
      v128.store(sumDy + o, v128.add<T>(v128.load(sumDy + o), g));
      v128.store(sumDyXhat + o, v128.add<T>(v128.load(sumDyXhat + o), v128.mul<T>(g, v128.load(xhat + r + o))));
    }
    for (; j < cols; j++) {
      const o = <usize>j * sizeof<T>();
      const g = load<T>(dy + r + o);
      store<T>(sumDy + o, load<T>(sumDy + o) + g);
      store<T>(sumDyXhat + o, load<T>(sumDyXhat + o) + g * load<T>(xhat + r + o));
    }
  }
  // per feature: dγ += Σ dy x̂, dβ += Σ dy; then the sums become the means b_j, c_j of pass 2
  const invB = rows > 0 ? <T>1 / <T>rows : <T>0;
  const vInvB = v128.splat<T>(invB);
  let j = 0;
  for (; j + L <= cols; j += L) {
    const o = <usize>j * sizeof<T>();
    const sd = v128.load(sumDy + o);
    const sdx = v128.load(sumDyXhat + o);
    if (accumulate) {
      v128.store(dgamma + o, v128.add<T>(v128.load(dgamma + o), sdx));
      v128.store(dbeta + o, v128.add<T>(v128.load(dbeta + o), sd));
    }
    v128.store(sumDy + o, v128.mul<T>(sd, vInvB));
    v128.store(sumDyXhat + o, v128.mul<T>(sdx, vInvB));
  }
  for (; j < cols; j++) {
    const o = <usize>j * sizeof<T>();
    const sd = load<T>(sumDy + o);
    const sdx = load<T>(sumDyXhat + o);
    if (accumulate) {
      store<T>(dgamma + o, load<T>(dgamma + o) + sdx);
      store<T>(dbeta + o, load<T>(dbeta + o) + sd);
    }
    store<T>(sumDy + o, sd * invB);
    store<T>(sumDyXhat + o, sdx * invB);
  }
}

/** Pass 2 of the backward: dx from dy, x̂ and the per-feature means left in sumDy, sumDyXhat. */
function backwardDx<T>(
  rows: i32,
  cols: i32,
  ld: i32,
  dy: usize,
  xhat: usize,
  invStd: usize,
  gamma: usize,
  affine: i32,
  training: i32,
  sumDy: usize,
  sumDyXhat: usize,
  dx: usize,
): void {
  const L = lanes<T>();
  const stride = <usize>ld * sizeof<T>();
  for (let i = 0; i < rows; i++) {
    const r = <usize>i * stride;
    let j = 0;
    for (; j + L <= cols; j += L) {
      const o = <usize>j * sizeof<T>();
      const a = affine ? v128.mul<T>(v128.load(gamma + o), v128.load(invStd + o)) : v128.load(invStd + o);
      let g = v128.load(dy + r + o);
      if (training) {
        g = v128.sub<T>(v128.sub<T>(g, v128.load(sumDy + o)), v128.mul<T>(v128.load(xhat + r + o), v128.load(sumDyXhat + o)));
      }
      v128.store(dx + r + o, v128.mul<T>(a, g));
    }
    for (; j < cols; j++) {
      const o = <usize>j * sizeof<T>();
      const a = affine ? load<T>(gamma + o) * load<T>(invStd + o) : load<T>(invStd + o);
      let g = load<T>(dy + r + o);
      if (training) g = g - load<T>(sumDy + o) - load<T>(xhat + r + o) * load<T>(sumDyXhat + o);
      store<T>(dx + r + o, a * g);
    }
  }
}

export function columnMeanVar_f32(r: i32, c: i32, x: usize, m: usize, v: usize): void { columnMeanVar<f32>(r, c, c, x, m, v); }
export function columnMeanVar_f64(r: i32, c: i32, x: usize, m: usize, v: usize): void { columnMeanVar<f64>(r, c, c, x, m, v); }
export function batchNormTrainStats_f32(r: i32, c: i32, x: usize, m: usize, s: usize, rm: usize, rv: usize, mo: f32, e: f32): void { batchNormTrainStats<f32>(r, c, c, x, m, s, rm, rv, mo, e); }
export function batchNormTrainStats_f64(r: i32, c: i32, x: usize, m: usize, s: usize, rm: usize, rv: usize, mo: f64, e: f64): void { batchNormTrainStats<f64>(r, c, c, x, m, s, rm, rv, mo, e); }
export function batchNormEvalStats_f32(c: i32, rm: usize, rv: usize, e: f32, m: usize, s: usize): void { batchNormEvalStats<f32>(c, rm, rv, e, m, s); }
export function batchNormEvalStats_f64(c: i32, rm: usize, rv: usize, e: f64, m: usize, s: usize): void { batchNormEvalStats<f64>(c, rm, rv, e, m, s); }
export function batchNormNormalize_f32(r: i32, c: i32, x: usize, m: usize, s: usize, g: usize, b: usize, af: i32, xh: usize, y: usize): void { batchNormNormalize<f32>(r, c, x, m, s, g, b, af, xh, y); }
export function batchNormNormalize_f64(r: i32, c: i32, x: usize, m: usize, s: usize, g: usize, b: usize, af: i32, xh: usize, y: usize): void { batchNormNormalize<f64>(r, c, x, m, s, g, b, af, xh, y); }
export function batchNormBackward_f32(r: i32, c: i32, dy: usize, xh: usize, s: usize, g: usize, af: i32, tr: i32, sd: usize, sdx: usize, acc: i32, dg: usize, db: usize, dx: usize): void { batchNormBackward<f32>(r, c, c, dy, xh, s, g, af, tr, sd, sdx, acc, dg, db, dx); }
export function batchNormBackward_f64(r: i32, c: i32, dy: usize, xh: usize, s: usize, g: usize, af: i32, tr: i32, sd: usize, sdx: usize, acc: i32, dg: usize, db: usize, dx: usize): void { batchNormBackward<f64>(r, c, c, dy, xh, s, g, af, tr, sd, sdx, acc, dg, db, dx); }

/*
 * Parts for threads. The statistics split over column ranges j0 <= j < j1 of a batch with `cols`
 * columns: every statistic is per column and summed over the rows in the same order as the whole
 * call, so the split gives the same bits (j0 is a multiple of 16, so each column keeps its vector or
 * scalar path too). A part sums into `scratch`, its own cache-line-aligned block of 2 (j1 - j0)
 * elements, and writes its columns of the outputs once at the end: accumulating in the outputs
 * themselves would make two threads write one cache line at every row wherever a boundary falls
 * inside a line. The normalization and the backward's dx split over rows instead (the wrapper
 * offsets the row pointers), which write whole rows.
 */

// @ts-ignore: decorator
@inline function col<T>(p: usize, j0: i32): usize {
  return p + <usize>j0 * sizeof<T>();
}

function columnMeanVarPart<T>(rows: i32, cols: i32, j0: i32, j1: i32, x: usize, mean: usize, variance: usize, scratch: usize): void {
  const w = j1 - j0;
  const bytes = <usize>w * sizeof<T>();
  columnMeanVar<T>(rows, w, cols, col<T>(x, j0), scratch, scratch + bytes);
  memory.copy(col<T>(mean, j0), scratch, bytes);
  memory.copy(col<T>(variance, j0), scratch + bytes, bytes);
}

function trainStatsPart<T>(rows: i32, cols: i32, j0: i32, j1: i32, x: usize, mean: usize, invStd: usize, rm: usize, rv: usize, momentum: T, eps: T, scratch: usize): void {
  const w = j1 - j0;
  const bytes = <usize>w * sizeof<T>();
  batchNormTrainStats<T>(rows, w, cols, col<T>(x, j0), scratch, scratch + bytes, col<T>(rm, j0), col<T>(rv, j0), momentum, eps);
  memory.copy(col<T>(mean, j0), scratch, bytes);
  memory.copy(col<T>(invStd, j0), scratch + bytes, bytes);
}

/** Pass 1 of the backward on columns [j0, j1): the means into sumDy, sumDyXhat; dγ, dβ updated. */
function backwardSumsPart<T>(rows: i32, cols: i32, j0: i32, j1: i32, dy: usize, xhat: usize, sumDy: usize, sumDyXhat: usize, accumulate: i32, dgamma: usize, dbeta: usize, scratch: usize): void {
  const w = j1 - j0;
  const bytes = <usize>w * sizeof<T>();
  backwardSums<T>(rows, w, cols, col<T>(dy, j0), col<T>(xhat, j0), scratch, scratch + bytes, accumulate, col<T>(dgamma, j0), col<T>(dbeta, j0));
  memory.copy(col<T>(sumDy, j0), scratch, bytes);
  memory.copy(col<T>(sumDyXhat, j0), scratch + bytes, bytes);
}

export function columnMeanVar_cols_f32(r: i32, cols: i32, j0: i32, j1: i32, x: usize, m: usize, v: usize, scratch: usize): void {
  columnMeanVarPart<f32>(r, cols, j0, j1, x, m, v, scratch);
}
export function columnMeanVar_cols_f64(r: i32, cols: i32, j0: i32, j1: i32, x: usize, m: usize, v: usize, scratch: usize): void {
  columnMeanVarPart<f64>(r, cols, j0, j1, x, m, v, scratch);
}
export function batchNormTrainStats_cols_f32(r: i32, cols: i32, j0: i32, j1: i32, x: usize, m: usize, s: usize, rm: usize, rv: usize, mo: f32, e: f32, scratch: usize): void {
  trainStatsPart<f32>(r, cols, j0, j1, x, m, s, rm, rv, mo, e, scratch);
}
export function batchNormTrainStats_cols_f64(r: i32, cols: i32, j0: i32, j1: i32, x: usize, m: usize, s: usize, rm: usize, rv: usize, mo: f64, e: f64, scratch: usize): void {
  trainStatsPart<f64>(r, cols, j0, j1, x, m, s, rm, rv, mo, e, scratch);
}
export function batchNormBackwardSums_cols_f32(r: i32, cols: i32, j0: i32, j1: i32, dy: usize, xh: usize, sd: usize, sdx: usize, acc: i32, dg: usize, db: usize, scratch: usize): void {
  backwardSumsPart<f32>(r, cols, j0, j1, dy, xh, sd, sdx, acc, dg, db, scratch);
}
export function batchNormBackwardSums_cols_f64(r: i32, cols: i32, j0: i32, j1: i32, dy: usize, xh: usize, sd: usize, sdx: usize, acc: i32, dg: usize, db: usize, scratch: usize): void {
  backwardSumsPart<f64>(r, cols, j0, j1, dy, xh, sd, sdx, acc, dg, db, scratch);
}
/** Pass 1 of the backward on this thread (for a pass 2 split over rows). */
export function batchNormBackwardSums_f32(r: i32, c: i32, dy: usize, xh: usize, sd: usize, sdx: usize, acc: i32, dg: usize, db: usize): void {
  backwardSums<f32>(r, c, c, dy, xh, sd, sdx, acc, dg, db);
}
export function batchNormBackwardSums_f64(r: i32, c: i32, dy: usize, xh: usize, sd: usize, sdx: usize, acc: i32, dg: usize, db: usize): void {
  backwardSums<f64>(r, c, c, dy, xh, sd, sdx, acc, dg, db);
}
/** Pass 2 of the backward on `r` rows (the wrapper offsets dy, xh, dx to the part's first row). */
export function batchNormBackwardDx_f32(r: i32, c: i32, dy: usize, xh: usize, s: usize, g: usize, af: i32, tr: i32, sd: usize, sdx: usize, dx: usize): void {
  backwardDx<f32>(r, c, c, dy, xh, s, g, af, tr, sd, sdx, dx);
}
export function batchNormBackwardDx_f64(r: i32, c: i32, dy: usize, xh: usize, s: usize, g: usize, af: i32, tr: i32, sd: usize, sdx: usize, dx: usize): void {
  backwardDx<f64>(r, c, c, dy, xh, s, g, af, tr, sd, sdx, dx);
}
