/**
 * The fused SGD step (assembly/optim-sgd.ts) over kernel memory, f32 or f64 by the arrays' dtype.
 *
 *   d = ±g + λ p;   b = first ? d : μ b + (1 - τ) d;   d = nesterov ? d + μ b : b;   p = p - η d
 *
 * (η lr, μ momentum, τ dampening, λ weightDecay; the momentum lines only when μ != 0.)
 */
import type { WasmArray } from './arena.js';
import { checkNoOverlap, checkPair, checkScalar } from './checks.js';
import { typedKernel } from './exports.js';
import { runElementwise } from './threads/parallel.js';

export interface SgdStepScalars {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  /** The first step with momentum: the buffer is set to d (torch: not dampened). */
  first: boolean;
}

const sgdKernel = typedKernel('sgd');

/**
 * One SGD step of `p` with gradient `g`; `momentumBuffer` (same length and dtype) is required when
 * `momentum != 0` and ignored otherwise. Updates p (and the buffer) in place.
 */
export function fusedSgdStep(
  p: WasmArray,
  g: WasmArray,
  momentumBuffer: WasmArray | null,
  s: SgdStepScalars,
): void {
  const dt = checkPair('p', p, 'g', g);
  checkNoOverlap('p', p, 'g', g);
  checkScalar('lr', s.lr);
  checkScalar('momentum', s.momentum);
  checkScalar('dampening', s.dampening);
  checkScalar('weightDecay', s.weightDecay);
  let flags = 0;
  let buf = 0;
  if (s.momentum !== 0) {
    if (!momentumBuffer) throw new TypeError('momentumBuffer is required when momentum != 0');
    checkPair('p', p, 'momentumBuffer', momentumBuffer);
    checkNoOverlap('p', p, 'momentumBuffer', momentumBuffer);
    checkNoOverlap('g', g, 'momentumBuffer', momentumBuffer);
    buf = momentumBuffer.ptr;
    flags = 1 | (s.nesterov ? 2 : 0) | (s.first ? 4 : 0);
  }
  runElementwise(sgdKernel(dt), 'sgd', dt, 3, [
    p.length,
    p.ptr,
    g.ptr,
    buf,
    s.lr,
    s.momentum,
    1 - s.dampening,
    s.weightDecay,
    s.maximize ? -1 : 1,
    flags,
  ]);
}
