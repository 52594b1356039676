import { Adam, type Param, SGD } from '@descent/core';
import { eigvalsh } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { standardize } from '../datasets/standardize.js';
import { gaussians } from '../datasets/synthetic.js';
import { fit as fitModel } from '../fit.js';
import type { ActivationName } from '../layers/activations.js';
import type { LossName } from '../losses/losses.js';
import { mlp } from '../mlp.js';
import { Rng } from '../random.js';
import { flatParameters, lossAndGradient, parameterCount, setFlatParameters } from './data-pass.js';
import { HessianOperator, hessianEigenvalues, hessianTrace, hessianVectorProduct } from './hessian.js';

const F = 4;
const K = 3;

/** 13 random rows (f64): labels for cross-entropy, values in (0, 1) for MSE and BCE. */
function randomData(loss: LossName, seed = 1) {
  const rng = new Rng(seed);
  const n = 13;
  const x = Float64Array.from({ length: n * F }, () => rng.normal());
  const y =
    loss === 'softmaxCrossEntropy'
      ? Int32Array.from({ length: n }, () => rng.int(K))
      : Float64Array.from({ length: n * K }, () => rng.next());
  return { x, y, n, features: F };
}

function randomVector(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
}

/** (∇L(θ + h v) - ∇L(θ - h v)) / 2h: the Hessian-vector product by central differences. */
function finiteDifferenceHvp(
  model: ReturnType<typeof mlp>,
  data: object,
  loss: LossName,
  v: Float64Array,
  h = 1e-5,
) {
  const theta = flatParameters(model);
  const at = (s: number) => {
    setFlatParameters(
      model,
      theta.map((t, i) => t + s * h * v[i]),
    );
    return lossAndGradient(model, data as never, { loss, batchSize: 5 }).gradient;
  };
  const gp = at(1);
  const gm = at(-1);
  setFlatParameters(model, theta);
  return gp.map((g, i) => (g - gm[i]) / (2 * h));
}

const maxRelError = (a: Float64Array, b: Float64Array) => {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    err = Math.max(err, Math.abs(a[i] - b[i]));
  }
  return err / scale;
};

const activations: ActivationName[] = ['relu', 'leakyRelu', 'sigmoid', 'tanh', 'gelu'];
const losses: LossName[] = ['softmaxCrossEntropy', 'mse', 'bceWithLogits'];
const cases = activations.flatMap((a) => losses.map((l) => [a, l] as const));

describe('HessianOperator', () => {
  it.each(cases)(
    'matches central differences of the gradient: %s network, %s loss (f64)',
    (activation, loss) => {
      const model = mlp({ sizes: [F, 6, 5, K], activation, dtype: 'f64', seed: 2 });
      const data = randomData(loss);
      const v = randomVector(parameterCount(model), 3);
      const hv = hessianVectorProduct(model, data, v, { loss, batchSize: 5 });
      expect(maxRelError(hv, finiteDifferenceHvp(model, data, loss, v))).toBeLessThan(1e-7);
      model.free();
    },
  );

  it('matches central differences through BatchNorm1d (eval) and Dropout', () => {
    const model = mlp({
      sizes: [F, 6, 5, K],
      activation: 'tanh',
      batchNorm: true,
      dropout: 0.3,
      dtype: 'f64',
      seed: 4,
    });
    const data = randomData('softmaxCrossEntropy');
    // training-mode forwards give the running statistics something other than their initial values
    fitModel(model, data, { optimizer: (ps) => new SGD(ps, { lr: 0.05 }), epochs: 3, batchSize: 5, seed: 1 });
    const v = randomVector(parameterCount(model), 5);
    const hv = hessianVectorProduct(model, data, v, { batchSize: 5 });
    expect(maxRelError(hv, finiteDifferenceHvp(model, data, 'softmaxCrossEntropy', v))).toBeLessThan(1e-7);
    model.free();
  });

  it('is symmetric, does not depend on the batch size, and leaves parameters and gradients alone', () => {
    const model = mlp({ sizes: [F, 6, K], activation: 'sigmoid', dtype: 'f64', seed: 6 });
    const data = randomData('softmaxCrossEntropy');
    const n = parameterCount(model);
    const theta = flatParameters(model);
    for (const p of model.parameters()) p.grad.fill(3);
    const H = new HessianOperator(model, data, { batchSize: 4 });
    const u = randomVector(n, 7);
    const v = randomVector(n, 8);
    const Hu = H.apply(u);
    const Hv = H.apply(v);
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, ai, i) => s + ai * b[i], 0);
    expect(dot(u, Hv)).toBeCloseTo(dot(v, Hu), 12);
    const whole = hessianVectorProduct(model, data, v, { batchSize: 13 });
    expect(maxRelError(whole, Hv)).toBeLessThan(1e-13);
    expect(flatParameters(model)).toEqual(theta);
    for (const p of model.parameters()) expect(p.grad.every((g) => g === 3)).toBe(true);
    H.free();
    model.free();
  });

  it('computes the same products in f32, to f32 precision', () => {
    const m64 = mlp({ sizes: [F, 6, K], activation: 'tanh', dtype: 'f64', seed: 9 });
    const m32 = mlp({ sizes: [F, 6, K], activation: 'tanh', dtype: 'f32', seed: 9 });
    setFlatParameters(m32, flatParameters(m64));
    const data = randomData('softmaxCrossEntropy');
    const v = randomVector(parameterCount(m64), 10);
    const a = hessianVectorProduct(m64, data, v);
    const b = hessianVectorProduct(m32, { ...data, x: Float32Array.from(data.x) }, v);
    expect(maxRelError(b, a)).toBeLessThan(1e-5);
    m64.free();
    m32.free();
  });

  it('rejects a vector of the wrong length and a loss it cannot differentiate twice', () => {
    const model = mlp({ sizes: [F, 3, K], dtype: 'f64' });
    const data = randomData('softmaxCrossEntropy');
    const H = new HessianOperator(model, data);
    expect(() => H.apply(new Float64Array(3))).toThrow(
      /^Length mismatch: v has 3 values, the model has 27 parameters$/,
    );
    H.free();
    const custom = { name: 'hinge', targets: 'labels', compute: () => 0 } as never;
    expect(() => new HessianOperator(model, data, { loss: custom })).toThrow(/built-in losses/);
    model.free();
  });
});

describe('Hessian spectrum and trace', () => {
  /** The whole Hessian, column by column from H e_j, and its eigenvalues (eigvalsh). */
  function explicitSpectrum(model: ReturnType<typeof mlp>, data: object) {
    const H = new HessianOperator(model, data as never);
    const n = H.size;
    const full = new Float64Array(n * n);
    const e = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      e.fill(0);
      e[j] = 1;
      const col = H.apply(e);
      for (let i = 0; i < n; i++) full[i * n + j] = col[i];
    }
    H.free();
    let trace = 0;
    for (let i = 0; i < n; i++) trace += full[i * n + i];
    return { values: eigvalsh({ rows: n, cols: n, data: full }), trace };
  }

  it('finds the extreme eigenvalues of the explicit Hessian with Lanczos', () => {
    const model = mlp({ sizes: [F, 5, K], activation: 'tanh', dtype: 'f64', seed: 11 });
    const data = randomData('softmaxCrossEntropy', 12);
    const { values } = explicitSpectrum(model, data);
    const n = values.length;
    const r = hessianEigenvalues(model, data, { k: 2, seed: 1, maxIter: n });
    expect(r.largest[0]).toBeCloseTo(values[n - 1], 8);
    expect(r.largest[1]).toBeCloseTo(values[n - 2], 8);
    expect(r.smallest[0]).toBeCloseTo(values[0], 8);
    model.free();
  });

  it('estimates the trace of the explicit Hessian within three standard errors (Hutchinson)', () => {
    const model = mlp({ sizes: [F, 5, K], activation: 'sigmoid', dtype: 'f64', seed: 13 });
    const data = randomData('softmaxCrossEntropy', 14);
    const { trace } = explicitSpectrum(model, data);
    const est = hessianTrace(model, data, { probes: 200, seed: 2 });
    expect(Math.abs(est.trace - trace)).toBeLessThan(3 * est.standardError);
    model.free();
  });

  it('measures the sharpness of the minima that SGD and Adam reach (both near-positive-definite)', () => {
    const raw = gaussians({ n: 150, classes: 3, std: 1.5, seed: 3 });
    const data = standardize(raw).train;
    const sharpness: Record<string, number> = {};
    const optimizers: [string, (ps: Param[]) => SGD | Adam][] = [
      ['sgd', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9 })],
      ['adam', (ps) => new Adam(ps, { lr: 0.01 })],
    ];
    for (const [name, optimizer] of optimizers) {
      const model = mlp({ sizes: [2, 16, 3], activation: 'tanh', dtype: 'f64', seed: 5 });
      fitModel(model, data, { optimizer, epochs: 30, batchSize: 16, seed: 1 });
      const r = hessianEigenvalues(model, data, { k: 1, seed: 0 });
      expect(r.largest[0]).toBeGreaterThan(0);
      // near a minimum the most negative curvature is small next to the largest
      expect(r.smallest[0]).toBeGreaterThan(-0.05 * r.largest[0]);
      sharpness[name] = r.largest[0];
      expect(r.converged).toBe(true);
      model.free();
    }
    expect(Number.isFinite(sharpness.sgd) && Number.isFinite(sharpness.adam)).toBe(true);
  });
});
