/**
 * Central finite differences for layer and model gradients (f64):
 *
 *   ∂f/∂θ_k ≈ (f(θ + h e_k) - f(θ - h e_k)) / (2h),   error O(h²)
 *
 * The scalar probed is f = Σ_ij R_ij y_ij for a fixed random R, so the backward pass starts from
 * dy = R and must return ∂f/∂x and accumulate ∂f/∂θ.
 */
import { fromArray, type WasmMatrix } from '@descent/kernels';
import type { Layer } from '../layers/layer.js';
import { Rng } from '../random.js';

export function randomMatrix(rows: number, cols: number, seed: number, scale = 1): WasmMatrix<'f64'> {
  const rng = new Rng(seed);
  const v = new Float64Array(rows * cols);
  for (let i = 0; i < v.length; i++) v[i] = scale * rng.normal();
  return { rows, cols, data: fromArray(v) };
}

/** Σ R ⊙ layer(x) with the layer in the given mode. */
function probe(layer: Layer, x: WasmMatrix, R: Float64Array, training: boolean): number {
  const y = layer.forward(x, training).data.data;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += R[i] * y[i];
  return s;
}

export interface GradCheckResult {
  /** max |analytic - numeric| / max(1, |numeric|) over the input gradient */
  inputError: number;
  /** the same, per parameter name */
  paramErrors: Record<string, number>;
}

/**
 * Compares layer.backward with central differences of Σ R ⊙ layer(x) with respect to x and every
 * parameter. `before(training)` runs before each probe (e.g. nothing; dropout keeps its mask).
 */
export function gradCheck(
  layer: Layer,
  x: WasmMatrix,
  seed: number,
  training: boolean,
  h = 1e-6,
): GradCheckResult {
  const R = randomMatrix(x.rows, layer.outFeatures, seed + 1).data.toArray();
  for (const p of layer.parameters()) p.zeroGrad();
  layer.forward(x, training);
  const dy = { rows: x.rows, cols: layer.outFeatures, data: fromArray(R) };
  const dx = layer.backward(dy).data.toArray();
  const err = (a: number, n: number) => Math.abs(a - n) / Math.max(1, Math.abs(n));
  let inputError = 0;
  for (let k = 0; k < x.data.length; k++) {
    const v = x.data.data[k];
    x.data.data[k] = v + h;
    const fp = probe(layer, x, R, training);
    x.data.data[k] = v - h;
    const fm = probe(layer, x, R, training);
    x.data.data[k] = v;
    inputError = Math.max(inputError, err(dx[k], (fp - fm) / (2 * h)));
  }
  const paramErrors: Record<string, number> = {};
  for (const p of layer.parameters()) {
    const g = p.gradient.toArray();
    let e = 0;
    for (let k = 0; k < p.length; k++) {
      const v = p.data[k];
      p.data[k] = v + h;
      const fp = probe(layer, x, R, training);
      p.data[k] = v - h;
      const fm = probe(layer, x, R, training);
      p.data[k] = v;
      e = Math.max(e, err(g[k], (fp - fm) / (2 * h)));
    }
    paramErrors[p.name] = e;
  }
  return { inputError, paramErrors };
}
