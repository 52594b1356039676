/**
 * Finite-sum objectives, the shape variance reduction needs:
 *
 *   f(θ) = (1/n) Σᵢ fᵢ(θ),   ∇f(θ) = (1/n) Σᵢ ∇fᵢ(θ),   i = 0 .. n-1 (one term per example)
 *
 * A `FiniteSum` answers three questions: one term fᵢ with ∇fᵢ (`term`), the mean over a batch B,
 * (1/|B|) Σ_{i∈B} fᵢ with its gradient (`batch`), and the full f with ∇f (`full`). `defineFiniteSum`
 * derives `batch` and `full` from `term` when a spec gives only that, and checks every argument.
 * The constants L_max (each ∇fᵢ is L_max-Lipschitz), L (∇f is L-Lipschitz) and μ (f is μ-strongly
 * convex), when known, give the methods' textbook steps. `asObjective` makes one a minimize()
 * objective (L-BFGS on the full f).
 */
import { checkLength } from '../problems/problem.js';

export interface FiniteSum {
  name: string;
  /** Number of terms (examples). */
  n: number;
  /** Number of parameters. */
  dim: number;
  /** fᵢ(θ); writes ∇fᵢ(θ) into `out` when given. */
  term(theta: Float64Array, i: number, out?: Float64Array): number;
  /** (1/|B|) Σ_{i∈B} fᵢ(θ); writes the mean gradient into `out` when given. B may repeat indices. */
  batch(theta: Float64Array, indices: ArrayLike<number>, out?: Float64Array): number;
  /** f(θ) = (1/n) Σᵢ fᵢ(θ); writes ∇f(θ) into `out` when given. */
  full(theta: Float64Array, out?: Float64Array): number;
  /** A start (zeros unless the spec says otherwise; a fresh copy per definition). */
  x0: Float64Array;
  /** max over i of the Lipschitz constant of ∇fᵢ, when known. */
  lipschitzMax?: number;
  /** Lipschitz constant of ∇f, when known. */
  lipschitz?: number;
  /** Strong-convexity modulus μ of f, when known (the L2 weight of a regularized model). */
  mu?: number;
}

/** What a finite-sum module writes: `term` at least; `batch` and `full` when it has faster ones. */
export interface FiniteSumSpec {
  name: string;
  n: number;
  dim: number;
  term(theta: Float64Array, i: number, out?: Float64Array): number;
  batch?(theta: Float64Array, indices: ArrayLike<number>, out?: Float64Array): number;
  full?(theta: Float64Array, out?: Float64Array): number;
  x0?: ArrayLike<number>;
  lipschitzMax?: number;
  lipschitz?: number;
  mu?: number;
}

/** Throws a RangeError naming `name` unless `i` is an integer in [0, n). */
export function checkIndex(name: string, i: number, n: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= n) {
    throw new RangeError(`Invalid ${name}: ${i} (expected an integer in [0, ${n}))`);
  }
}

/** Mean over a batch from the terms: (1/|B|) Σ_{i∈B} fᵢ, ∇ likewise (`scratch` holds one ∇fᵢ). */
function meanOfTerms(
  spec: FiniteSumSpec,
  theta: Float64Array,
  indices: ArrayLike<number>,
  out: Float64Array | undefined,
  scratch: Float64Array,
): number {
  const m = indices.length;
  if (out) out.fill(0);
  let value = 0;
  for (let k = 0; k < m; k++) {
    value += spec.term(theta, indices[k], out ? scratch : undefined);
    if (out) for (let j = 0; j < out.length; j++) out[j] += scratch[j];
  }
  if (out) for (let j = 0; j < out.length; j++) out[j] /= m;
  return value / m;
}

/** A FiniteSum from its spec, with argument checks (lengths, indices) and derived batch/full. */
export function defineFiniteSum(spec: FiniteSumSpec): FiniteSum {
  const { name, n, dim } = spec;
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`Invalid n for ${name}: ${n} (expected an integer >= 1)`);
  if (!Number.isInteger(dim) || dim < 1) {
    throw new RangeError(`Invalid dim for ${name}: ${dim} (expected an integer >= 1)`);
  }
  const scratch = new Float64Array(dim);
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const checkTheta = (theta: Float64Array, out?: Float64Array) => {
    checkLength('theta', theta, dim, `${name}.dim`);
    if (out) checkLength('out', out, dim, `${name}.dim`);
  };
  const fs: FiniteSum = {
    name,
    n,
    dim,
    term(theta, i, out) {
      checkTheta(theta, out);
      checkIndex('example index i', i, n);
      return spec.term(theta, i, out);
    },
    batch(theta, indices, out) {
      checkTheta(theta, out);
      if (!indices || indices.length < 1) throw new RangeError(`Invalid batch for ${name}: it is empty`);
      for (let k = 0; k < indices.length; k++) checkIndex(`batch index (entry ${k})`, indices[k], n);
      return spec.batch ? spec.batch(theta, indices, out) : meanOfTerms(spec, theta, indices, out, scratch);
    },
    full(theta, out) {
      checkTheta(theta, out);
      if (spec.full) return spec.full(theta, out);
      return spec.batch ? spec.batch(theta, all, out) : meanOfTerms(spec, theta, all, out, scratch);
    },
    x0: spec.x0 ? Float64Array.from(spec.x0) : new Float64Array(dim),
  };
  if (spec.x0) checkLength('x0', fs.x0, dim, `${name}.dim`);
  for (const key of ['lipschitzMax', 'lipschitz', 'mu'] as const) {
    const v = spec[key];
    if (v === undefined) continue;
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`Invalid ${key} for ${name}: ${v}`);
    fs[key] = v;
  }
  return fs;
}

/** The full f as a minimize() objective `{ f, grad }` (for L-BFGS, Newton-CG, ...). */
export function asObjective(fs: FiniteSum): {
  f(x: Float64Array): number;
  grad(x: Float64Array, out: Float64Array): Float64Array;
} {
  return {
    f: (x) => fs.full(x),
    grad: (x, out) => {
      fs.full(x, out);
      return out;
    },
  };
}
