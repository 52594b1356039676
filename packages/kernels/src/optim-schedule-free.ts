/**
 * Schedule-free SGD / AdamW's fused step and the train()/eval() switch (assembly/optim-schedule-free.ts)
 * over kernel memory, f32 or f64:
 *
 *   [AdamW: v = β2 v + (1-β2) g², d = g / (√v + ε)]   d += λ y;   y = lerp(y, z, c);   y += yCoef d;   z -= η d
 */
import type { WasmArray } from './arena.js';
import { checkScalar } from './checks.js';
import { typedKernel } from './exports.js';
import { checkStepArrays } from './optim-args.js';

const stepKernel = typedKernel('scheduleFree');
const lerpKernel = typedKernel('scheduleFreeLerp');

export interface ScheduleFreeScalars {
  /** c_{k+1} = w_k / Σ w, the weight of the new point in the average x. */
  c: number;
  /** η (β (1 - c) - 1), the coefficient of d in y. */
  yCoef: number;
  /** η of this step (after warmup; times √(1 - β2^k) for AdamW). */
  lr: number;
  weightDecay: number;
  /** AdamW only: β2 and ε (ignored without `expAvgSq`). */
  beta2?: number;
  eps?: number;
}

/** One step: reads grad; updates y (the parameter), z and, for AdamW, expAvgSq (pass null for SGD). */
export function fusedScheduleFreeStep(
  y: WasmArray,
  grad: WasmArray,
  z: WasmArray,
  expAvgSq: WasmArray | null,
  s: ScheduleFreeScalars,
): void {
  const dt = checkStepArrays(y, grad, expAvgSq ? { z, expAvgSq } : { z });
  for (const k of ['c', 'yCoef', 'lr', 'weightDecay'] as const) checkScalar(k, s[k]);
  const beta2 = s.beta2 ?? 0;
  const eps = s.eps ?? 0;
  if (expAvgSq) {
    checkScalar('beta2', beta2);
    checkScalar('eps', eps);
  }
  stepKernel(dt)(
    y.length,
    y.ptr,
    grad.ptr,
    z.ptr,
    expAvgSq ? expAvgSq.ptr : 0,
    s.c,
    1 - s.c,
    s.yCoef,
    s.lr,
    beta2,
    1 - beta2,
    eps,
    s.weightDecay,
    (expAvgSq ? 1 : 0) | (s.c >= 0.5 ? 2 : 0),
  );
}

/**
 * p = lerp(p, z, w), torch's lerp (p + w (z - p) for |w| < 0.5, else z - (z - p)(1 - w)):
 * eval() passes w = 1 - 1/β (y -> x), train() w = 1 - β (x -> y).
 */
export function scheduleFreeLerp(p: WasmArray, z: WasmArray, w: number): void {
  const dt = checkStepArrays(p, z, {});
  checkScalar('w', w);
  lerpKernel(dt)(p.length, p.ptr, z.ptr, w, 1 - w, Math.abs(w) >= 0.5 ? 1 : 0);
}
