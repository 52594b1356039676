/**
 * @descent/autograd against PyTorch 1.13 (test/fixtures/torch/, made by generate.py there): values
 * and gradients of whole models and of single ops, then full Hessians and Hessian-vector products
 * of small models (torch.autograd.functional.hessian / hvp) through hessian, hvp and modelHessian,
 * and the Hessian's spectrum through core's lanczos and hutchinsonTrace.
 *
 * Each case's formula is written here with autograd's ops under the name generate.py gives the
 * torch version. Tolerance: max |ours − torch| ≤ 1e-10 max |torch| in f64, 1e-5 in f32.
 */
import { hutchinsonTrace, lanczos } from '@descent/core';
import { describe, expect, it } from 'vitest';
import type { Tensor } from './index.js';
import * as ag from './index.js';
import {
  type FixtureTensor,
  loadFixture,
  relativeError,
  tolerance,
  toTensor,
  typed,
  values,
} from './test-support/torch-fixture.js';

type Inputs = Record<string, Tensor>;
type Labels = Record<string, number[]>;

interface ValueCase {
  kind: 'model' | 'op';
  name: string;
  dtype: 'f32' | 'f64';
  inputs: Record<string, FixtureTensor>;
  labels?: Labels;
  seed?: FixtureTensor;
  output: FixtureTensor;
  grads: Record<string, FixtureTensor>;
}

const { add, mul, matmul, reshape, slice, sum, square } = ag;

const MODELS: Record<string, (t: Inputs, l: Labels) => Tensor> = {
  'logistic regression (BCE with logits + L2)': (t) =>
    add(ag.binaryCrossEntropyWithLogits(add(matmul(t.X, t.w), t.b), t.y), mul(sum(square(t.w)), 0.05)),
  '2-layer MLP, tanh, cross-entropy on integer labels': (t, l) =>
    ag.crossEntropy(add(matmul(ag.tanh(add(matmul(t.X, t.W1), t.b1)), t.W2), t.b2), l.labels),
  '2-layer MLP, relu, cross-entropy on integer labels': (t, l) =>
    ag.crossEntropy(add(matmul(ag.relu(add(matmul(t.X, t.W1), t.b1)), t.W2), t.b2), l.labels),
  'CNN: conv2d (padding 1) + relu + maxPool2d(2) + dense + cross-entropy, 8x8, 3 channels': (t, l) => {
    const h = ag.maxPool2d(ag.relu(ag.conv2d(t.x, t.Wc, t.bc, { padding: 1 })), 2);
    return ag.crossEntropy(add(matmul(reshape(h, [4, 64]), t.Wd), t.bd), l.labels);
  },
  'matrix factorization ‖M ⊙ (R − UVᵀ)‖² + λ(‖U‖² + ‖V‖²)': (t) => {
    const r = mul(t.M, ag.sub(t.R, matmul(t.U, ag.transpose(t.V))));
    return add(sum(square(r)), mul(add(sum(square(t.U)), sum(square(t.V))), 0.1));
  },
};

/** x[i, j, :] of a rank-3 tensor, as a vector. */
const row = (x: Tensor, i: number, j: number) => reshape(slice(x, [i, j, 0], [1, 1, -1]), [x.shape[2]]);

const OPS: Record<string, (t: Inputs) => Tensor> = {
  'avgPool2d 3x3, stride 2, padding 1 (countIncludePad)': (t) =>
    ag.avgPool2d(t.x, 3, { stride: 2, padding: 1 }),
  'avgPool2d 3x3, stride 2, padding 1, countIncludePad false': (t) =>
    ag.avgPool2d(t.x, 3, { stride: 2, padding: 1, countIncludePad: false }),
  'avgPool2d 2x2, ceilMode': (t) => ag.avgPool2d(t.x, 2, { ceilMode: true }),
  'avgPool2d 3x2, stride [2, 1], padding [1, 0], ceilMode': (t) =>
    ag.avgPool2d(t.x, [3, 2], { stride: [2, 1], padding: [1, 0], ceilMode: true }),
  'maxPool2d 3x3, stride 1, padding 1 (overlapping windows)': (t) =>
    ag.maxPool2d(t.x, 3, { stride: 1, padding: 1 }),
  'maxPool2d 2x2 with ties (integer inputs): the first maximum takes the gradient': (t) =>
    ag.maxPool2d(t.x, 2),
  'maxPool2d 3x3, stride 1, padding 1, with ties': (t) => ag.maxPool2d(t.x, 3, { stride: 1, padding: 1 }),
  'maxPool2d 2x2, dilation 2, ceilMode': (t) => ag.maxPool2d(t.x, 2, { dilation: 2, ceilMode: true }),
  'conv2d stride 2, padding [1, 2], dilation 2': (t) =>
    ag.conv2d(t.x, t.w, t.b, { stride: 2, padding: [1, 2], dilation: 2 }),
  'conv2d groups 2, no bias': (t) => ag.conv2d(t.x, t.w, null, { groups: 2, padding: 1 }),
  'conv1d stride 2, padding 1': (t) => ag.conv1d(t.x, t.w, t.b, { stride: 2, padding: 1 }),
  'gelu (exact)': (t) => ag.gelu(mul(t.x, 2)),
  'gelu (tanh approximation)': (t) => ag.gelu(mul(t.x, 2), 'tanh'),
  // torch returns x itself above its threshold 20 (gradient 1); ours log(1 + eˣ), off by e⁻ˣ < 2e-9
  'softplus, including |x| > 20': (t) => ag.softplus(mul(t.x, 12)),
  'elu (alpha 0.7)': (t) => ag.elu(t.x, 0.7),
  'leakyRelu (slope 0.1)': (t) => ag.leakyRelu(t.x, 0.1),
  sigmoid: (t) => ag.sigmoid(mul(t.x, 3)),
  'logSumExp over axis 1': (t) => ag.logSumExp(t.x, 1),
  'logSumExp over axes [0, 2], keepDims, large values': (t) => ag.logSumExp(mul(t.x, 300), [0, 2], true),
  'softmax over axis 0': (t) => ag.softmax(t.x, 0),
  'logSoftmax over axis 1': (t) => ag.logSoftmax(t.x, 1),
  'mean over axes [0, 2], keepDims': (t) => ag.mean(t.x, [0, 2], true),
  'max over axis 1 with ties shares the gradient evenly (torch.amax)': (t) => ag.max(t.x, 1),
  'min over all axes with ties shares the gradient evenly (torch.amin)': (t) => ag.min(t.x),
  'matmul [2,3,4,5] @ [5,6] (shared right matrix)': (t) => matmul(t.a, t.b),
  'matmul [3,1,4,5] @ [2,5,3] (broadcast batch)': (t) => matmul(t.a, t.b),
  'matmul of transposed operands: aᵀ [2,5,4] @ bᵀ [2,3,5]': (t) =>
    matmul(ag.transpose(t.a), ag.transpose(t.b)),
  'matmul [4,5] @ [2,3,5,2] (shared left matrix)': (t) => matmul(t.a, t.b),
  'matmul vector @ batch and batch @ vector': (t) => matmul(matmul(t.v, t.a), t.u),
  'crossEntropy with probabilities': (t) => ag.crossEntropy(t.z, t.P),
  'crossEntropy with labels, reduction sum': (t) =>
    ag.crossEntropy(t.z, [0, 2, 1, 1, 0, 2], { reduction: 'sum' }),
  'crossEntropy with labels, reduction none': (t) =>
    ag.crossEntropy(t.z, [2, 2, 1, 0, 0, 1], { reduction: 'none' }),
  nllLoss: (t) => ag.nllLoss(t.z, [1, 0, 2, 2, 1]),
  mse: (t) => ag.mse(t.p, t.y),
  'binaryCrossEntropy of probabilities in (0, 1)': (t) => ag.binaryCrossEntropy(t.p, t.y),
  'binaryCrossEntropy at p = 0 and 1: finite gradient (p - y) / max(p(1 - p), 1e-12)': (t) =>
    ag.binaryCrossEntropy(t.p, t.y, { reduction: 'none' }),
  'binaryCrossEntropy at p = 0 and 1: target gradient (differs: torch ±inf, ours ±100)': (t) =>
    ag.binaryCrossEntropy(t.p, t.y, { reduction: 'none' }),
  'binaryCrossEntropyWithLogits, reduction sum': (t) =>
    ag.binaryCrossEntropyWithLogits(mul(t.z, 10), t.y, { reduction: 'sum' }),
  'clamp: the gradient passes at the bounds (inclusive)': (t) => ag.clamp(t.x, -0.5, 0.5),
  'maximum and minimum split ties in halves': (t) => add(ag.maximum(t.a, t.b), mul(ag.minimum(t.a, t.b), 3)),
  'abs, relu, leakyRelu, elu at 0': (t) =>
    add(add(ag.abs(t.x), ag.relu(t.x)), add(ag.leakyRelu(t.x, 0.2), ag.elu(t.x, 0.5))),
  'pow with a tensor exponent, at zero base and zero exponent': (t) => ag.pow(t.a, t.b),
  'pow with a number exponent at 0 (3, 2, 1, 0)': (t) =>
    add(add(ag.pow(t.x, 3), ag.pow(t.x, 2)), add(ag.pow(t.x, 1), ag.pow(t.x, 0))),
  'sqrt, log, div, where': (t) => ag.where(ag.gt(t.a, 1), ag.div(ag.sqrt(t.a), t.b), mul(ag.log(t.b), t.a)),
  'sigmoid, tanh, gelu, softplus, elu saturated at |x| up to 40': (t) =>
    add(
      add(add(ag.sigmoid(t.x), mul(ag.tanh(t.x), 2)), add(mul(ag.gelu(t.x), 3), mul(ag.softplus(t.x), 4))),
      mul(ag.elu(t.x), 5),
    ),
  'logSumExp with -inf entries': (t) => ag.logSumExp(t.x, 1),
  'crossEntropy with logits of ±1000': (t) => ag.crossEntropy(t.z, [2, 0, 1]),
  'permute, slice, concat, stack, indexSelect with repeated indices': (t) =>
    ag.concat(
      [
        reshape(slice(ag.permute(t.x, [2, 0, 1]), [1, 0, 1], [3, 3, 2]), [3, 6]),
        mul(slice(ag.stack([row(t.x, 0, 0), row(t.x, 2, 3), row(t.x, 1, 2)], 0), [0, 1], [3, 3]), 2),
        ag.div(square(slice(ag.indexSelect(reshape(t.x, [12, 5]), 0, [3, 3, 0]), [0, 0], [3, 3])), 3),
      ],
      1,
    ),
};

/**
 * Where we differ from torch on purpose, the difference written out: in the named gradient, each
 * entry where torch's is not finite must be ours(torch's entry, the seed's entry) instead.
 */
const DOCUMENTED: Record<
  string,
  { grad: string; ours: (torch: number, seed: number) => number; why: string }
> = {
  'binaryCrossEntropy at p = 0 and 1: target gradient (differs: torch ±inf, ours ±100)': {
    grad: 'y',
    ours: (torch, seed) => Math.sign(torch) * 100 * Math.abs(seed),
    why:
      'ȳ = ḡ (log(1 − p) − log p): torch 1.13 does not clamp these logs, so it is ±∞ at p = 0 and 1; ' +
      'ours is the derivative of the loss actually computed, whose logs are clamped at −100',
  },
};

/** Builds the case's tensors, runs f and backward; returns the errors of the output and each gradient. */
function runCase(c: ValueCase, f: (t: Inputs, l: Labels) => Tensor): Record<string, number> {
  const documented = DOCUMENTED[c.name];
  return ag.tidy(() => {
    const t: Inputs = {};
    for (const [k, v] of Object.entries(c.inputs)) t[k] = toTensor(v, c.dtype, k in c.grads);
    const out = f(t, c.labels ?? {});
    expect(out.shape).toEqual(c.output.shape);
    expect(out.dtype).toBe(c.dtype);
    out.backward(c.seed ? toTensor(c.seed, c.dtype) : null);
    const errors: Record<string, number> = { output: relativeError(out.data, values(c.output)) };
    for (const [k, g] of Object.entries(c.grads)) {
      const mine = t[k].grad?.data ?? new Float64Array(t[k].size);
      const theirs = values(g);
      if (documented?.grad === k) {
        const seed = values(c.seed as FixtureTensor);
        const differ = theirs.map((v) => (Number.isFinite(v) ? 0 : 1)).reduce((a, b) => a + b, 0);
        expect(differ, documented.why).toBeGreaterThan(0);
        theirs.forEach((v, i) => {
          if (!Number.isFinite(v)) theirs[i] = documented.ours(v, seed[i]);
        });
      }
      errors[`grad ${k}`] = relativeError(mine, theirs);
    }
    return errors;
  });
}

const fixture = loadFixture<{ torch: string; cases: ValueCase[] }>('models.json');

describe(`values and gradients match torch ${fixture.torch}`, () => {
  it('has a formula here for every case of the fixture, and the fixture has every formula', () => {
    const names = new Set(fixture.cases.map((c) => c.name));
    expect([...names].sort()).toEqual([...Object.keys(MODELS), ...Object.keys(OPS)].sort());
  });

  for (const c of fixture.cases) {
    const f = c.kind === 'model' ? MODELS[c.name] : OPS[c.name];
    it(`${c.kind === 'model' ? 'model' : 'op'}: ${c.name} (${c.dtype})`, () => {
      const errors = runCase(c, f);
      for (const [what, e] of Object.entries(errors))
        expect(e, `${what}: relative error ${e}`).toBeLessThanOrEqual(tolerance(c.dtype));
    });
  }
});

interface HessianCase {
  name: string;
  dtype: 'f32' | 'f64';
  shapes: number[][];
  inputs: Record<string, FixtureTensor>;
  labels: Labels;
  value: FixtureTensor;
  grad: FixtureTensor;
  hessian: FixtureTensor;
  hvp: FixtureTensor;
  eigenvalues: FixtureTensor;
  trace: number;
}

/** The losses of hessians.json over the parameter tensors (in the order of `shapes`) and the data. */
const HESSIAN_MODELS: Record<string, (p: Tensor[], d: Inputs, l: Labels) => Tensor> = {
  'MLP 3-5-2, tanh, cross-entropy (32 params)': ([W1, b1, W2, b2], d, l) =>
    ag.crossEntropy(add(matmul(ag.tanh(add(matmul(d.X, W1), b1)), W2), b2), l.labels),
  'MLP 4-6-3, gelu then softplus, mse (51 params)': ([W1, b1, W2, b2], d) =>
    ag.mse(ag.softplus(add(matmul(ag.gelu(add(matmul(d.X, W1), b1)), W2), b2)), d.Y),
  'conv2d 2->2 channels 3x3 (padding 1) + tanh + avgPool2d(2) + cross-entropy (38 params)': (
    [W, b],
    d,
    l,
  ) => {
    const h = ag.avgPool2d(ag.tanh(ag.conv2d(d.x, W, b, { padding: 1 })), 2);
    return ag.crossEntropy(matmul(reshape(h, [2, 8]), d.D), l.labels);
  },
  'conv2d 1->2 channels 3x3 (padding 1) + relu + maxPool2d(2) + dense + cross-entropy (44 params)': (
    [W, b, Wd],
    d,
    l,
  ) => {
    const h = ag.maxPool2d(ag.relu(ag.conv2d(d.x, W, b, { padding: 1 })), 2);
    return ag.crossEntropy(matmul(reshape(h, [2, 8]), Wd), l.labels);
  },
  'logistic regression: sigmoid + binaryCrossEntropy + L2 (6 params)': ([w, b], d) =>
    add(ag.binaryCrossEntropy(ag.sigmoid(add(matmul(d.X, w), b)), d.y), mul(sum(square(w)), 0.05)),
  'softmax regression on elu features, cross-entropy with probabilities (15 params)': ([W, b], d) =>
    ag.crossEntropy(add(matmul(ag.elu(d.X), W), b), d.P),
};

/** theta's consecutive blocks, each reshaped to its shape. */
function unflatten(theta: Tensor, shapes: number[][]): Tensor[] {
  let at = 0;
  return shapes.map((s) => {
    const n = s.reduce((p, d) => p * d, 1);
    const part = reshape(slice(theta, [at], [n]), s);
    at += n;
    return part;
  });
}

const hessians = loadFixture<{ torch: string; cases: HessianCase[] }>('hessians.json');

describe(`Hessians match torch.autograd.functional ${hessians.torch}`, () => {
  for (const c of hessians.cases) {
    const model = HESSIAN_MODELS[c.name];
    const tol = tolerance(c.dtype);
    const theta = typed(c.inputs.theta, c.dtype);
    const v = typed(c.inputs.v, c.dtype);
    const withData = <T>(run: (d: Inputs) => T): T =>
      ag.tidy(() => {
        const d: Inputs = {};
        for (const [k, x] of Object.entries(c.inputs))
          if (k !== 'theta' && k !== 'v') d[k] = toTensor(x, c.dtype);
        return run(d);
      });
    const close = (what: string, actual: ArrayLike<number>, expected: FixtureTensor) => {
      const e = relativeError(actual, values(expected));
      expect(e, `${what}: relative error ${e}`).toBeLessThanOrEqual(tol);
    };

    it(`hessian(f) and hvp(f) of a flat parameter vector: ${c.name} (${c.dtype})`, () => {
      withData((d) => {
        const f = (t: Tensor) => model(unflatten(t, c.shapes), d, c.labels);
        const g = theta.slice().fill(0);
        close('value', [ag.valueAndGrad(f)(theta, g)], c.value);
        close('valueAndGrad', g, c.grad);
        close('grad', ag.grad(f)(theta), c.grad);
        close('hessian', ag.hessian(f)(theta), c.hessian);
        close('hvp', ag.hvp(f)(theta, v), c.hvp);
      });
    });

    it(`modelHessian over separate parameter tensors: ${c.name} (${c.dtype})`, () => {
      withData((d) => {
        const leaves = ag.noGrad(() => unflatten(toTensor(c.inputs.theta, c.dtype), c.shapes));
        for (const l of leaves) l.requiresGrad = true;
        const H = ag.modelHessian(() => model(leaves, d, c.labels), leaves);
        expect(H.n).toBe(theta.length);
        close('gradient', H.gradient(), c.grad);
        close('dense', H.dense(), c.hessian);
        close('hvp', H.hvp(Float64Array.from(v), new Float64Array(H.n)), c.hvp);
      });
    });

    if (c.dtype === 'f64')
      it(`lanczos top-5 and hutchinsonTrace of modelHessian agree with torch's eigvalsh: ${c.name}`, () => {
        withData((d) => {
          const leaves = ag.noGrad(() => unflatten(toTensor(c.inputs.theta, c.dtype), c.shapes));
          for (const l of leaves) l.requiresGrad = true;
          const H = ag.modelHessian(() => model(leaves, d, c.labels), leaves);
          const eig = values(c.eigenvalues); // ascending
          const scale = Math.max(Math.abs(eig[0]), Math.abs(eig[eig.length - 1]));
          const { largest, smallest } = lanczos(H.hvp, H.n, 5, { seed: 3 });
          const top = eig.slice(-5).reverse();
          for (let i = 0; i < 5; i++) {
            expect(Math.abs(largest[i] - top[i]) / scale).toBeLessThan(1e-9);
            expect(Math.abs(smallest[i] - eig[i]) / scale).toBeLessThan(1e-9);
          }
          const { trace, standardError } = hutchinsonTrace(H.hvp, H.n, { probes: 200, seed: 5 });
          expect(Math.abs(trace - c.trace)).toBeLessThan(4 * standardError);
        });
      });
  }
});
