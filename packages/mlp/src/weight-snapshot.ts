/**
 * fit()'s guards on the weights: copies of every parameter restorable in one call (the last step
 * with a finite loss, or the best epoch for early stopping), and the up-front check that every
 * parameter is finite.
 */
import type { Param } from '@descent/core';
import { allFinite, alloc, copy, type WasmArray } from '@descent/kernels';

/**
 * Copies of every parameter's values, restorable in one call each way. `restore()` before any
 * `save()` does nothing (it returns false): there is nothing to go back to, and the parameters
 * already hold the values training started from.
 */
export class WeightSnapshot {
  private readonly copies: WasmArray[];
  private saved = false;
  constructor(private readonly params: Param[]) {
    this.copies = params.map((p) => alloc(p.dtype, p.length));
  }
  save(): void {
    for (let i = 0; i < this.params.length; i++) copy(this.params[i].value, this.copies[i]);
    this.saved = true;
  }
  restore(): boolean {
    if (!this.saved) return false;
    for (let i = 0; i < this.params.length; i++) copy(this.copies[i], this.params[i].value);
    return true;
  }
  free(): void {
    for (const c of this.copies) c.free();
  }
}

/** A non-finite weight makes every loss NaN: refuse it up front, naming the parameter and index. */
export function checkFiniteParameters(params: Param[]): void {
  for (const p of params) {
    if (allFinite(p.value)) continue; // the kernel's SIMD pass; the loop below finds the index
    const v = p.data;
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) {
        throw new RangeError(
          `Invalid model: ${p.name}[${i}] is ${v[i]} (every parameter must be finite to train)`,
        );
      }
    }
  }
}
