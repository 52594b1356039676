/**
 * A user's model as a finite sum: f(θ) = (1/n) Σᵢ fᵢ(θ) for core's SAG, SAGA, SVRG, minibatch SGD
 * with a growing batch, and minimize() through `asObjective`.
 *
 * You write the mean loss of a batch as a function of the flat parameter vector θ (a 1-D f64 tensor
 * of length `dim`; slice/reshape it into your weights) and the batch's example indices,
 *
 *   loss(θ, B) = (1/|B|) Σ_{i∈B} fᵢ(θ)     (a scalar tensor),
 *
 * and `finiteSumFromModel` differentiates it by reverse mode (`valueAndGrad`): `term(θ, i)` is
 * loss(θ, [i]), `batch(θ, B)` is loss(θ, B), `full(θ)` is loss(θ, [0..n−1]). Every call runs in its
 * own `tidy`, so no tensor outlives it. Give the constants (L_max, μ) when you know them: the
 * methods' textbook steps use them.
 */
import { defineFiniteSum, type FiniteSum } from '@descent/core';
import { valueAndGrad } from './functional.js';
import type { Tensor } from './tensor.js';

export interface ModelFiniteSumSpec {
  /** Number of examples n. */
  n: number;
  /** Length of θ. */
  dim: number;
  /** The mean loss over the examples `batch` (integers in [0, n)) at θ, as a scalar tensor. */
  loss: (theta: Tensor, batch: Int32Array) => Tensor;
  name?: string;
  /** A start (default zeros). */
  x0?: ArrayLike<number>;
  lipschitzMax?: number;
  mu?: number;
}

export function finiteSumFromModel(spec: ModelFiniteSumSpec): FiniteSum {
  if (typeof spec?.loss !== 'function')
    throw new TypeError('finiteSumFromModel: loss must be a function (theta, batch) => Tensor');
  const { n, dim, loss } = spec;
  const all = Int32Array.from({ length: Number.isInteger(n) && n > 0 ? n : 0 }, (_, i) => i);
  const on = (batch: Int32Array) => valueAndGrad((t) => loss(t, batch));
  return defineFiniteSum({
    name: spec.name ?? 'model',
    n,
    dim,
    term: (theta, i, out) => on(Int32Array.of(i))(theta, out),
    batch: (theta, indices, out) => on(Int32Array.from(indices))(theta, out),
    full: (theta, out) => on(all)(theta, out),
    ...(spec.x0 ? { x0: spec.x0 } : {}),
    ...(spec.lipschitzMax !== undefined ? { lipschitzMax: spec.lipschitzMax } : {}),
    ...(spec.mu !== undefined ? { mu: spec.mu } : {}),
  });
}
