/**
 * The Hessian spectrum of a user-written model, from Hessian-vector products alone, against the
 * dense Hessian's eigendecomposition.
 *
 * The model: a 3-7-2 tanh MLP in f64 (44 parameters) fitted by mean squared error to 40 points of a
 * smooth teacher, with an L2 penalty (λ/2)|θ|² on every parameter:
 *
 *   L(θ) = mean_{n,k} (tanh(X W1 + b1) W2 + b2 − Y)²_{nk} + (λ/2) Σ |θ|²
 *
 * `modelHessian(loss, [W1, b1, W2, b2]).hvp` is core's LinearOperator, so core's `lanczos` and
 * `hutchinsonTrace` run on it as on any operator. The dense Hessian they are checked against is
 * itself checked against central differences of the gradient, and against `hessian(f)` of the same
 * model written over one flat parameter vector (another code path: slices of one leaf).
 */
import { classifyCriticalPoint, hutchinsonTrace, lanczos, minimize } from '@descent/core';
import { eigh } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import {
  hessian,
  type ModelHessian,
  modelHessian,
  mse,
  noGrad,
  reshape,
  slice,
  sum,
  type Tensor,
  tensor,
  tidy,
  valueAndGrad,
} from './index.js';

const N = 40;
const [D, HID, K] = [3, 7, 2];
const SHAPES = [[D, HID], [HID], [HID, K], [K]];
const SIZES = SHAPES.map((s) => s.reduce((a, b) => a * b, 1));
const P = SIZES.reduce((a, b) => a + b, 0); // 44
const LAMBDA = 1e-3;

function uniforms(n: number, seed: number, lo: number, hi: number): Float64Array {
  let a = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a * 1664525 + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * a) / 4294967296;
  }
  return out;
}

// data: x ∈ [−1, 1]³, y = (sin(x₀ + 2x₁), x₀x₂ − x₁²)
const xs = uniforms(N * D, 7, -1, 1);
const ys = new Float64Array(N * K);
for (let n = 0; n < N; n++) {
  const [a, b, c] = [xs[n * D], xs[n * D + 1], xs[n * D + 2]];
  ys[n * K] = Math.sin(a + 2 * b);
  ys[n * K + 1] = a * c - b * b;
}
const X = tensor(xs, { shape: [N, D] });
const Y = tensor(ys, { shape: [N, K] });

/** The user's model and loss, over whatever tensors hold the parameters. */
function lossOf([W1, b1, W2, b2]: Tensor[]): Tensor {
  const out = X.matmul(W1).add(b1).tanh().matmul(W2).add(b2);
  let penalty = sum(W1.square());
  for (const p of [b1, W2, b2]) penalty = penalty.add(sum(p.square()));
  return mse(out, Y).add(penalty.mul(LAMBDA / 2));
}

/** The same loss over one flat vector θ (for minimize and the functional hessian). */
function flatLoss(theta: Tensor): Tensor {
  let at = 0;
  const parts = SHAPES.map((shape, i) => {
    const p = reshape(slice(theta, [at], [SIZES[i]]), shape);
    at += SIZES[i];
    return p;
  });
  return lossOf(parts);
}

/** Leaf tensors holding θ's pieces, and the model Hessian over them. */
function modelAt(theta: Float64Array): { leaves: Tensor[]; H: ModelHessian } {
  let at = 0;
  const leaves = SHAPES.map((shape, i) => {
    const t = tensor(theta.slice(at, at + SIZES[i]), { shape, requiresGrad: true });
    at += SIZES[i];
    return t;
  });
  return { leaves, H: modelHessian(() => lossOf(leaves), leaves) };
}

const flatValue = (theta: Float64Array) => tidy(() => noGrad(() => flatLoss(tensor(theta)).item()));

function denseEigenvalues(H: Float64Array, n: number): Float64Array {
  return eigh({ rows: n, cols: n, data: H.slice() }).values; // ascending
}

// A trained point: L-BFGS on the flat loss from a small random start.
const theta0 = uniforms(P, 11, -0.5, 0.5);
const fit = minimize(valueAndGrad(flatLoss), theta0, { method: 'lbfgs', gtol: 1e-9, ftol: 0, maxIter: 5000 });
const trained = Float64Array.from(fit.x);
const { leaves, H } = modelAt(trained);
const dense = H.dense();
const values = denseEigenvalues(dense, P);
const maxAbs = Math.max(Math.abs(values[0]), Math.abs(values[P - 1]));

describe('the Hessian spectrum of a user-written MLP (f64, 44 parameters)', () => {
  it('builds a dense Hessian equal to central differences of the gradient', () => {
    const h = 1e-5;
    const fd = new Float64Array(P * P);
    let j = 0;
    for (const leaf of leaves) {
      for (let i = 0; i < leaf.size; i++, j++) {
        const x0 = leaf.data[i];
        leaf.data[i] = x0 + h;
        const up = H.gradient();
        leaf.data[i] = x0 - h;
        const down = H.gradient();
        leaf.data[i] = x0;
        for (let r = 0; r < P; r++) fd[r * P + j] = (up[r] - down[r]) / (2 * h);
      }
    }
    let err = 0;
    for (let k = 0; k < P * P; k++) err = Math.max(err, Math.abs(fd[k] - dense[k]));
    expect(err).toBeLessThan(1e-7 * Math.max(1, maxAbs));
  });

  it('builds the same dense Hessian as hessian(f) over one flat parameter vector', () => {
    const flat = hessian(flatLoss)(trained);
    let err = 0;
    for (let k = 0; k < P * P; k++) err = Math.max(err, Math.abs(flat[k] - dense[k]));
    expect(err).toBeLessThan(1e-12 * Math.max(1, maxAbs));
  });

  it("gives Lanczos' top-5 eigenvalues equal to the dense Hessian's eigh", () => {
    const r = lanczos(H.hvp, H.n, 5, { seed: 1 });
    expect(r.converged).toBe(true);
    const top = Array.from(values.slice(P - 5)).reverse();
    for (let i = 0; i < 5; i++) expect(Math.abs(r.largest[i] - top[i])).toBeLessThan(1e-9 * maxAbs);
    const bottom = values.slice(0, 5);
    for (let i = 0; i < 5; i++) expect(Math.abs(r.smallest[i] - bottom[i])).toBeLessThan(1e-9 * maxAbs);
  });

  it("gives Lanczos' top Ritz vector as an eigenvector of the dense Hessian", () => {
    const r = lanczos(H.hvp, H.n, 1, { seed: 2 });
    const v = r.largestVectors[0];
    let res = 0;
    for (let i = 0; i < P; i++) {
      let hv = 0;
      for (let j = 0; j < P; j++) hv += dense[i * P + j] * v[j];
      res = Math.max(res, Math.abs(hv - r.largest[0] * v[i]));
    }
    expect(res).toBeLessThan(1e-8 * maxAbs);
  });

  it("gives a Hutchinson trace equal to the dense estimator's with the same probes, within 4 standard errors of tr H", () => {
    const trace = values.reduce((a, b) => a + b, 0);
    let diag = 0;
    for (let i = 0; i < P; i++) diag += dense[i * P + i];
    expect(Math.abs(trace - diag)).toBeLessThan(1e-10 * Math.abs(diag));

    const est = hutchinsonTrace(H.hvp, H.n, { probes: 200, seed: 3 });
    const denseOp = (v: Float64Array, out: Float64Array) => {
      for (let i = 0; i < P; i++) {
        let s = 0;
        for (let j = 0; j < P; j++) s += dense[i * P + j] * v[j];
        out[i] = s;
      }
      return out;
    };
    const ref = hutchinsonTrace(denseOp, P, { probes: 200, seed: 3 });
    expect(Math.abs(est.trace - ref.trace)).toBeLessThan(1e-10 * Math.abs(ref.trace));
    expect(est.standardError).toBeGreaterThan(0);
    expect(Math.abs(est.trace - trace)).toBeLessThan(4 * est.standardError);
  });

  it('classifies the L-BFGS solution as a minimum (gradient ≈ 0, every eigenvalue > 0)', () => {
    const g = H.gradient();
    expect(Math.max(...g.map(Math.abs))).toBeLessThan(1e-6);
    const c = classifyCriticalPoint({ rows: P, cols: P, data: dense });
    expect(c.kind).toBe('minimum');
    expect(c.escapeDirections).toHaveLength(0);
    for (let i = 0; i < P; i++) expect(c.eigenvalues[i]).toBeCloseTo(values[i], 10);
  });

  it('classifies the origin (zero weights, b2 stationary) as a saddle whose escape direction lowers the loss', () => {
    // At W1 = b1 = W2 = 0 the hidden layer is 0, so ∂L/∂(W1, b1, W2) = 0; ∂L/∂b2 = 0 at
    // b2 = (2/K) ȳ / (2/K + λ). The W1–W2 coupling makes the Hessian indefinite there.
    const origin = new Float64Array(P);
    for (let k = 0; k < K; k++) {
      let ybar = 0;
      for (let n = 0; n < N; n++) ybar += ys[n * K + k] / N;
      origin[P - K + k] = ((2 / K) * ybar) / (2 / K + LAMBDA);
    }
    const at = modelAt(origin);
    expect(Math.max(...at.H.gradient().map(Math.abs))).toBeLessThan(1e-14);
    const c = classifyCriticalPoint({ rows: P, cols: P, data: at.H.dense() });
    expect(c.kind).toBe('saddle');
    const d = c.escapeDirections[0];
    const t = 1e-2;
    const moved = origin.map((x, i) => x + t * d[i]);
    const drop = flatValue(moved) - flatValue(origin);
    expect(drop).toBeLessThan(0);
    // second order: the drop is (t²/2) λ_min up to O(t³)
    expect(drop).toBeCloseTo(((t * t) / 2) * c.eigenvalues[0], 7);
    for (const l of at.leaves) l.free();
  });
});
