/**
 * Fused steps of the Adam family (assembly/optim-adam.ts) over kernel memory, f32 or f64 by the
 * arrays' dtype. The optimizer computes the per-step scalars (bias corrections, step sizes, decay
 * factors) once and passes them here; each call is one pass over the parameter and its state.
 *
 * Shared per element (d the gradient used, λ coupled weight decay, decay = 1 - η λ_decoupled or 1):
 *   d = ±g;  p = decay p;  d = d + λ p;  m = m + (1 - β1)(d - m);  v = β2 v + (1 - β2) d²
 */
import type { WasmArray } from './arena.js';
import { checkNoOverlap, checkPair, checkScalar } from './checks.js';
import { typedKernel } from './exports.js';
import { runElementwise } from './threads/parallel.js';

/** What every Adam-family step takes besides its own scalars. */
export interface AdamFamilyScalars {
  beta1: number;
  beta2: number;
  eps: number;
  /** Coupled (L2) weight decay λ: d += λ p. Zero for decoupled decay. */
  weightDecay: number;
  /** Decoupled decay factor 1 - η λ applied to p first (1 for none). */
  decay: number;
  maximize: boolean;
}

/** Checks that p, g and every state buffer have one dtype and length and do not overlap. */
function checkBuffers(p: WasmArray, g: WasmArray, buffers: Array<[string, WasmArray]>) {
  const dt = checkPair('p', p, 'g', g);
  checkNoOverlap('p', p, 'g', g);
  for (const [name, b] of buffers) {
    checkPair('p', p, name, b);
    checkNoOverlap('p', p, name, b);
    checkNoOverlap('g', g, name, b);
  }
  for (let i = 0; i < buffers.length; i++) {
    for (let j = i + 1; j < buffers.length; j++) {
      checkNoOverlap(buffers[i][0], buffers[i][1], buffers[j][0], buffers[j][1]);
    }
  }
  return dt;
}

function checkScalars(s: AdamFamilyScalars): void {
  checkScalar('beta1', s.beta1);
  checkScalar('beta2', s.beta2);
  checkScalar('eps', s.eps);
  checkScalar('weightDecay', s.weightDecay);
  checkScalar('decay', s.decay);
}

export interface AdamStepScalars extends AdamFamilyScalars {
  /** η / (1 - β1^t) */
  stepSize: number;
  /** 1 / sqrt(1 - β2^t) (a reciprocal, so the kernel multiplies instead of dividing) */
  invBias2Sqrt: number;
  amsgrad: boolean;
}

const adamKernel = typedKernel('adam');

/**
 * Adam / AdamW: p = p - stepSize m / (sqrt(v') · invBias2Sqrt + eps), v' = amsgrad ? max(vmax, v) : v.
 * `maxExpAvgSq` is required with amsgrad and ignored otherwise. Returns true if every value it
 * stored (p, expAvg, expAvgSq, maxExpAvgSq with amsgrad) is finite, false if any is NaN or ±Inf
 * (computed while storing, so no `allFinite` pass is needed afterwards).
 */
export function fusedAdamStep(
  p: WasmArray,
  g: WasmArray,
  expAvg: WasmArray,
  expAvgSq: WasmArray,
  maxExpAvgSq: WasmArray | null,
  s: AdamStepScalars,
): boolean {
  const buffers: Array<[string, WasmArray]> = [
    ['expAvg', expAvg],
    ['expAvgSq', expAvgSq],
  ];
  if (s.amsgrad) {
    if (!maxExpAvgSq) throw new TypeError('maxExpAvgSq is required with amsgrad');
    buffers.push(['maxExpAvgSq', maxExpAvgSq]);
  }
  const dt = checkBuffers(p, g, buffers);
  checkScalars(s);
  checkScalar('stepSize', s.stepSize);
  checkScalar('invBias2Sqrt', s.invBias2Sqrt);
  const finite = runElementwise(adamKernel(dt), 'adam', dt, 5, [
    p.length,
    p.ptr,
    g.ptr,
    expAvg.ptr,
    expAvgSq.ptr,
    s.amsgrad ? maxExpAvgSq!.ptr : 0,
    1 - s.beta1,
    s.beta2,
    1 - s.beta2,
    s.stepSize,
    s.invBias2Sqrt,
    s.eps,
    s.weightDecay,
    s.decay,
    s.maximize ? -1 : 1,
    s.amsgrad ? 1 : 0,
  ]);
  return finite !== 0;
}

export interface NAdamStepScalars extends AdamFamilyScalars {
  /** 1 - β2^t */
  bias2: number;
  /** -η (1 - μ_t) / (1 - Π_{i<=t} μ_i), the coefficient of d / denom */
  gradCoef: number;
  /** -η μ_{t+1} / (1 - Π_{i<=t+1} μ_i), the coefficient of m / denom */
  avgCoef: number;
}

const nadamKernel = typedKernel('nadam');

/** NAdam: denom = sqrt(v / bias2) + eps;  p = p + gradCoef d / denom + avgCoef m / denom. */
export function fusedNAdamStep(
  p: WasmArray,
  g: WasmArray,
  expAvg: WasmArray,
  expAvgSq: WasmArray,
  s: NAdamStepScalars,
): void {
  const dt = checkBuffers(p, g, [
    ['expAvg', expAvg],
    ['expAvgSq', expAvgSq],
  ]);
  checkScalars(s);
  checkScalar('bias2', s.bias2);
  checkScalar('gradCoef', s.gradCoef);
  checkScalar('avgCoef', s.avgCoef);
  runElementwise(nadamKernel(dt), 'nadam', dt, 4, [
    p.length,
    p.ptr,
    g.ptr,
    expAvg.ptr,
    expAvgSq.ptr,
    1 - s.beta1,
    s.beta2,
    1 - s.beta2,
    s.bias2,
    s.eps,
    s.gradCoef,
    s.avgCoef,
    s.weightDecay,
    s.decay,
    s.maximize ? -1 : 1,
  ]);
}

export interface RAdamStepScalars extends AdamFamilyScalars {
  lr: number;
  /** 1 - β1^t */
  bias1: number;
  /** sqrt(1 - β2^t) */
  bias2Sqrt: number;
  /** Whether ρ_t > 5 (the variance is tractable): then the step is rectified by `rect`. */
  rectify: boolean;
  /** r_t = sqrt((ρ_t - 4)(ρ_t - 2) ρ_∞ / ((ρ_∞ - 4)(ρ_∞ - 2) ρ_t)); unused without rectify. */
  rect: number;
}

const radamKernel = typedKernel('radam');

/** RAdam: p = p - (m / bias1) lr (bias2Sqrt / (sqrt(v) + eps)) rect, or p - (m / bias1) lr. */
export function fusedRAdamStep(
  p: WasmArray,
  g: WasmArray,
  expAvg: WasmArray,
  expAvgSq: WasmArray,
  s: RAdamStepScalars,
): void {
  const dt = checkBuffers(p, g, [
    ['expAvg', expAvg],
    ['expAvgSq', expAvgSq],
  ]);
  checkScalars(s);
  checkScalar('lr', s.lr);
  checkScalar('bias1', s.bias1);
  checkScalar('bias2Sqrt', s.bias2Sqrt);
  const rect = s.rectify ? s.rect : 1;
  checkScalar('rect', rect);
  runElementwise(radamKernel(dt), 'radam', dt, 4, [
    p.length,
    p.ptr,
    g.ptr,
    expAvg.ptr,
    expAvgSq.ptr,
    1 - s.beta1,
    s.beta2,
    1 - s.beta2,
    s.bias1,
    s.lr,
    s.bias2Sqrt,
    s.eps,
    rect,
    s.weightDecay,
    s.decay,
    s.maximize ? -1 : 1,
    s.rectify ? 1 : 0,
  ]);
}

export interface AdamaxStepScalars extends AdamFamilyScalars {
  /** η / (1 - β1^t) */
  clr: number;
}

const adamaxKernel = typedKernel('adamax');

/** Adamax: u = max(β2 u, |d| + eps);  p = p - clr m / u. (`decay` must be 1: torch has no decoupled Adamax.) */
export function fusedAdamaxStep(
  p: WasmArray,
  g: WasmArray,
  expAvg: WasmArray,
  expInf: WasmArray,
  s: AdamaxStepScalars,
): void {
  const dt = checkBuffers(p, g, [
    ['expAvg', expAvg],
    ['expInf', expInf],
  ]);
  checkScalars(s);
  checkScalar('clr', s.clr);
  if (s.decay !== 1) throw new RangeError(`Invalid decay: ${s.decay} (Adamax has no decoupled weight decay)`);
  runElementwise(adamaxKernel(dt), 'adamax', dt, 4, [
    p.length,
    p.ptr,
    g.ptr,
    expAvg.ptr,
    expInf.ptr,
    1 - s.beta1,
    s.beta2,
    s.eps,
    s.clr,
    s.weightDecay,
    s.maximize ? -1 : 1,
  ]);
}
