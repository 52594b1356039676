/**
 * Adan's fused step (assembly/optim-adan.ts) over kernel memory, f32 or f64. With q = -g_{k-1}:
 *   g' = c g;  δ = g' + q;  m = β1 m + (1-β1) g';  e = β2 e + (1-β2) δ;  n = β3 n + (1-β3) (g' + β2 δ)²
 *   p = (p - s1 m/denom - s2 e/denom) / (1 + ηλ)   (no_prox: decay p first instead);  q = -g'
 */
import type { WasmArray } from './arena.js';
import { checkScalar } from './checks.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';

const kernel = typedKernel('adan');

export interface AdanScalars {
  beta1: number;
  beta2: number;
  beta3: number;
  /** √(1 - β3^k) */
  bias3Sqrt: number;
  eps: number;
  /** η / (1 - β1^k) */
  stepSize: number;
  /** η β2 / (1 - β2^k) */
  stepSizeDiff: number;
  /** The global gradient-clipping factor c (1 without clipping). */
  clip: number;
  lr: number;
  weightDecay: number;
  noProx: boolean;
  /** The first step sets q = -c g before the update. */
  first: boolean;
}

/** One Adan step: reads grad; updates param, expAvg, expAvgDiff, expAvgSq and negPreGrad in place. */
export function fusedAdanStep(
  param: WasmArray,
  grad: WasmArray,
  expAvg: WasmArray,
  expAvgDiff: WasmArray,
  expAvgSq: WasmArray,
  negPreGrad: WasmArray,
  s: AdanScalars,
): void {
  const dt = checkStepArrays(param, grad, { expAvg, expAvgDiff, expAvgSq, negPreGrad });
  for (const k of [
    'beta1',
    'beta2',
    'beta3',
    'bias3Sqrt',
    'eps',
    'stepSize',
    'stepSizeDiff',
    'clip',
    'lr',
    'weightDecay',
  ] as const)
    checkScalar(k, s[k]);
  kernel(dt)(
    param.length,
    param.ptr,
    grad.ptr,
    expAvg.ptr,
    expAvgDiff.ptr,
    expAvgSq.ptr,
    negPreGrad.ptr,
    s.beta1,
    s.beta2,
    s.beta3,
    s.bias3Sqrt,
    s.eps,
    s.stepSize,
    s.stepSizeDiff,
    s.clip,
    1 - s.lr * s.weightDecay,
    1 + s.lr * s.weightDecay,
    (s.first ? 1 : 0) | (s.noProx ? 2 : 0),
  );
}
