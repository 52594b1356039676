/**
 * Adafactor's step over kernel memory (assembly/optim-adafactor.ts), torch.optim.Adafactor's rule:
 *
 *   w = t^τ (τ = beta2Decay),  ρ = min(η, 1/√t),  α = max(ε2, RMS(θ))·ρ
 *   vectors:   v = lerp(v, g², w)
 *   matrices:  R = lerp(R, mean_j g², w),  C = lerp(C, mean_i g², w),  v_ij = R_i C_j / max(mean R, ε1)
 *   U = g / √max(v, ε1²),   θ = θ·(1 - ηλ) - α·U / max(1, RMS(U)/d)
 *
 * A parameter with two or more dimensions is factored over its last two (rows = shape[-2],
 * cols = shape[-1]), each leading index being its own matrix with its own R and C; vectors keep the
 * full `variance`. Passes over memory: two for a vector, three for a matrix (RMS(U) is needed
 * before θ can move). The wrapper keeps a small scratch array per dtype (column sums), grown on
 * demand, so a call may allocate: re-read `.data` views after it.
 */
import { alloc, bytesPer, type DType, type WasmArray } from './arena.js';
import { checkArray, checkLength } from './checks.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';

const vectorStats = typedKernel('adafactorVectorStats');
const vectorApply = typedKernel('adafactorVectorApply');
const matrixStats = typedKernel('adafactorMatrixStats');
const matrixRms = typedKernel('adafactorMatrixRms');
const matrixApply = typedKernel('adafactorMatrixApply');

export interface AdafactorScalars {
  /** The step number t, counting this step (1 on the first). */
  step: number;
  lr: number;
  beta2Decay: number;
  /** ε1 (torch's default None means the dtype's machine epsilon; the caller resolves it). */
  eps1: number;
  eps2: number;
  d: number;
  weightDecay: number;
  maximize: boolean;
}

/** State: `variance` (same length as θ) for vectors; `rowVar`, `colVar` for factored parameters. */
export type AdafactorState = { variance: WasmArray } | { rowVar: WasmArray; colVar: WasmArray };

const scratch: Record<DType, WasmArray | undefined> = { f32: undefined, f64: undefined };

function scratchFor(dtype: DType, n: number): WasmArray {
  const s = scratch[dtype];
  if (s && s.length >= n) return s;
  s?.free();
  const grown = alloc(dtype, Math.max(n, 2));
  scratch[dtype] = grown;
  return grown;
}

/** True when a parameter of this shape gets factored second moments (two or more dimensions). */
export function adafactorIsFactored(shape: readonly number[]): boolean {
  return shape.length >= 2;
}

/** The lengths of the factored state: rowVar = batch·rows, colVar = batch·cols. */
export function adafactorFactorLengths(shape: readonly number[]): { rowVar: number; colVar: number } {
  const rows = shape[shape.length - 2];
  const cols = shape[shape.length - 1];
  const batch = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { rowVar: batch * rows, colVar: batch * cols };
}

/** One Adafactor step of one parameter of `shape`: reads grad, updates param and state in place. */
export function fusedAdafactorStep(
  param: WasmArray,
  grad: WasmArray,
  shape: readonly number[],
  state: AdafactorState,
  s: AdafactorScalars,
): void {
  const n = param.length;
  const w = s.step ** s.beta2Decay;
  const high = Math.abs(w) < 0.5 ? 0 : 1;
  const rho = Math.min(s.lr, 1 / s.step ** 0.5);
  const eps1sq = s.eps1 * s.eps1;
  const gsign = s.maximize ? -1 : 1;
  const decay = s.weightDecay !== 0 ? 1 - s.lr * s.weightDecay : 1;
  if ('variance' in state) {
    const dt = checkStepArrays(param, grad, { variance: state.variance });
    const out = scratchFor(dt, 2);
    vectorStats(dt)(n, param.ptr, grad.ptr, state.variance.ptr, w, high, eps1sq, gsign, out.ptr);
    const o = out.data;
    const alpha = Math.max(s.eps2, Math.sqrt(o[0]) / n ** 0.5) * rho;
    const denom = Math.max(1, Math.sqrt(o[1]) / (n ** 0.5 * s.d));
    vectorApply(dt)(n, param.ptr, grad.ptr, state.variance.ptr, eps1sq, gsign, decay, -alpha / denom);
    return;
  }
  const { rowVar, colVar } = state;
  const dt = checkStepArrays(param, grad, {});
  checkArray('rowVar', rowVar, dt);
  checkArray('colVar', colVar, dt);
  if (!adafactorIsFactored(shape)) {
    throw new RangeError(`rowVar/colVar need a shape of two or more dimensions, got [${shape.join(', ')}]`);
  }
  const lengths = adafactorFactorLengths(shape);
  if (shape.reduce((a, b) => a * b, 1) !== n) {
    throw new RangeError(`shape [${shape.join(', ')}] does not hold param's ${n} elements`);
  }
  checkLength('rowVar', rowVar, lengths.rowVar);
  checkLength('colVar', colVar, lengths.colVar);
  const rows = shape[shape.length - 2];
  const cols = shape[shape.length - 1];
  const batch = rows * cols === 0 ? 0 : n / (rows * cols);
  const colSum = scratchFor(dt, cols);
  const b = bytesPer(dt);
  const mb = rows * cols * b;
  let sp = 0;
  for (let k = 0; k < batch; k++) {
    sp += matrixStats(dt)(
      rows,
      cols,
      param.ptr + k * mb,
      grad.ptr + k * mb,
      rowVar.ptr + k * rows * b,
      colVar.ptr + k * cols * b,
      colSum.ptr,
      w,
      high,
      gsign,
    );
  }
  // mean of R per matrix, clamped at ε1 (rows + cols numbers per matrix: plain TypeScript)
  const R = rowVar.data;
  const rowMeans = new Float64Array(batch);
  for (let k = 0; k < batch; k++) {
    let m = 0;
    for (let i = 0; i < rows; i++) m += R[k * rows + i];
    rowMeans[k] = Math.max(m / rows, s.eps1);
  }
  let su = 0;
  for (let k = 0; k < batch; k++) {
    su += matrixRms(dt)(
      rows,
      cols,
      grad.ptr + k * mb,
      rowVar.ptr + k * rows * b,
      colVar.ptr + k * cols * b,
      rowMeans[k],
      eps1sq,
      gsign,
    );
  }
  const alpha = Math.max(s.eps2, Math.sqrt(sp) / n ** 0.5) * rho;
  const denom = Math.max(1, Math.sqrt(su) / (n ** 0.5 * s.d));
  for (let k = 0; k < batch; k++) {
    matrixApply(dt)(
      rows,
      cols,
      param.ptr + k * mb,
      grad.ptr + k * mb,
      rowVar.ptr + k * rows * b,
      colVar.ptr + k * cols * b,
      rowMeans[k],
      eps1sq,
      gsign,
      decay,
      -alpha / denom,
    );
  }
}
