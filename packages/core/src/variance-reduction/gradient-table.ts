/**
 * The table of stored gradients αᵢ (one per example) that SAG and SAGA keep, with their running
 * mean ᾱ = (1/n) Σᵢ αᵢ, in kernel memory: n rows of d numbers plus one, the n·d memory cost these
 * methods pay for their variance reduction (a linear model could store one scalar per example
 * instead, since ∇fᵢ = rᵢ xᵢ + λθ; this table is the general form, any FiniteSum).
 *
 * `replace(j, g)` sets αⱼ ← g and updates ᾱ ← ᾱ + (g − αⱼ)/n with two axpy calls.
 */
import { alloc, axpy, copy, type WasmArray } from '@descent/kernels';
import type { FiniteSum } from '../finite-sum/finite-sum.js';

export type TableInit = 'gradients' | 'zeros';

export class GradientTable {
  readonly rows: WasmArray<'f64'>[];
  readonly mean: WasmArray<'f64'>;
  /** Component gradients spent filling the table (n for 'gradients', 0 for 'zeros'). */
  readonly initEvals: number;
  private readonly n: number;

  /** A table of zeros, or of every ∇fᵢ(θ0) (one pass over the data). */
  constructor(fs: FiniteSum, theta0: Float64Array, init: TableInit) {
    if (init !== 'gradients' && init !== 'zeros') {
      throw new RangeError(`Invalid init: ${String(init)} (expected 'gradients' or 'zeros')`);
    }
    this.n = fs.n;
    this.rows = Array.from({ length: fs.n }, () => alloc('f64', fs.dim));
    this.mean = alloc('f64', fs.dim);
    this.initEvals = 0;
    if (init === 'gradients') {
      const g = new Float64Array(fs.dim);
      for (let i = 0; i < fs.n; i++) {
        fs.term(theta0, i, g);
        this.rows[i].data.set(g);
        axpy(1 / fs.n, this.rows[i], this.mean);
      }
      this.initEvals = fs.n;
    }
  }

  /** αⱼ ← g and ᾱ ← ᾱ + (g − αⱼ)/n. */
  replace(j: number, g: WasmArray<'f64'>): void {
    axpy(-1 / this.n, this.rows[j], this.mean);
    axpy(1 / this.n, g, this.mean);
    copy(g, this.rows[j]);
  }

  /** Returns the n + 1 arrays to the kernel arena. */
  free(): void {
    for (const r of this.rows) r.free();
    this.mean.free();
  }
}
