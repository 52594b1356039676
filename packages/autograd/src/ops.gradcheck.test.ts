/**
 * Every differentiable op, in f64 and f32, against central finite differences (gradcheck), over
 * broadcasting and edge shapes. Second derivatives are checked too: gradcheck of x ↦ ∇f(x)
 * exercises each op's backward as a recorded, differentiable computation.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from './index.js';
import * as ag from './index.js';

function values(n: number, seed: number, lo = -1.5, hi = 1.5): Float64Array {
  let a = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a * 1664525 + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * a) / 4294967296;
  }
  return out;
}
const positive = (n: number, seed: number) => values(n, seed, 0.3, 2);
const size = (s: number[]) => s.reduce((p, d) => p * d, 1);

interface Case {
  name: string;
  shapes: number[][];
  f: (...xs: Tensor[]) => Tensor;
  /** input generator (default: values in [-1.5, 1.5]) */
  gen?: (n: number, seed: number) => Float64Array;
  /** skip the second-order check (ops with kinks where FD of the gradient is meaningless) */
  firstOrderOnly?: boolean;
}

const S = (...s: number[]) => s;
const cases: Case[] = [
  { name: 'add (broadcast [3,1] + [1,4])', shapes: [S(3, 1), S(1, 4)], f: (a, b) => ag.add(a, b) },
  { name: 'add (scalar number)', shapes: [S(2, 3)], f: (a) => ag.add(a, 2.5) },
  { name: 'sub (broadcast [2,3,4] - [4])', shapes: [S(2, 3, 4), S(4)], f: (a, b) => ag.sub(a, b) },
  { name: 'sub (number - tensor)', shapes: [S(5)], f: (a) => ag.sub(1, a) },
  { name: 'mul (rank 0 x [2,3])', shapes: [S(), S(2, 3)], f: (a, b) => ag.mul(a, b) },
  {
    name: 'mul (same shape, rank 5)',
    shapes: [S(1, 2, 1, 2, 3), S(1, 2, 1, 2, 3)],
    f: (a, b) => ag.mul(a, b),
  },
  { name: 'div', shapes: [S(3, 4), S(4)], f: (a, b) => ag.div(a, b), gen: positive },
  { name: 'pow (tensor exponent)', shapes: [S(2, 3), S(3)], f: (a, b) => ag.pow(a, b), gen: positive },
  { name: 'pow (number exponent 3)', shapes: [S(4)], f: (a) => ag.pow(a, 3) },
  { name: 'pow (number exponent -1.5)', shapes: [S(4)], f: (a) => ag.pow(a, -1.5), gen: positive },
  { name: 'neg', shapes: [S(3)], f: (a) => ag.neg(a) },
  { name: 'square', shapes: [S(2, 2)], f: (a) => ag.square(a) },
  { name: 'sqrt', shapes: [S(5)], f: (a) => ag.sqrt(a), gen: positive },
  { name: 'reciprocal', shapes: [S(5)], f: (a) => ag.reciprocal(a), gen: positive },
  { name: 'exp', shapes: [S(2, 3)], f: (a) => ag.exp(a) },
  { name: 'log', shapes: [S(2, 3)], f: (a) => ag.log(a), gen: positive },
  { name: 'log1p', shapes: [S(6)], f: (a) => ag.log1p(a), gen: positive },
  { name: 'expm1', shapes: [S(6)], f: (a) => ag.expm1(a) },
  { name: 'sin', shapes: [S(6)], f: (a) => ag.sin(a) },
  { name: 'cos', shapes: [S(6)], f: (a) => ag.cos(a) },
  { name: 'abs', shapes: [S(7)], f: (a) => ag.abs(a), firstOrderOnly: true },
  { name: 'clamp', shapes: [S(8)], f: (a) => ag.clamp(a, -0.7, 0.6), firstOrderOnly: true },
  { name: 'maximum', shapes: [S(3, 4), S(4)], f: (a, b) => ag.maximum(a, b), firstOrderOnly: true },
  { name: 'minimum', shapes: [S(3, 4), S(3, 1)], f: (a, b) => ag.minimum(a, b), firstOrderOnly: true },
  {
    name: 'where (mask from a comparison)',
    shapes: [S(3, 4), S(3, 4)],
    f: (a, b) => ag.where(ag.gt(a, 0), ag.mul(a, b), ag.exp(b)),
    firstOrderOnly: true,
  },
  { name: 'tanh', shapes: [S(2, 5)], f: (a) => ag.tanh(a) },
  { name: 'sigmoid', shapes: [S(2, 5)], f: (a) => ag.sigmoid(a) },
  { name: 'relu', shapes: [S(2, 5)], f: (a) => ag.relu(a), firstOrderOnly: true },
  { name: 'leakyRelu', shapes: [S(2, 5)], f: (a) => ag.leakyRelu(a, 0.1), firstOrderOnly: true },
  { name: 'gelu', shapes: [S(2, 5)], f: (a) => ag.gelu(a) },
  { name: "gelu('tanh')", shapes: [S(2, 5)], f: (a) => ag.gelu(a, 'tanh') },
  { name: 'softplus', shapes: [S(2, 5)], f: (a) => ag.softplus(a) },
  { name: 'elu', shapes: [S(2, 5)], f: (a) => ag.elu(a, 0.8), firstOrderOnly: true },
  { name: 'sum (all)', shapes: [S(2, 3, 4)], f: (a) => ag.sum(a) },
  { name: 'sum (axes 0 and 2, keepDims)', shapes: [S(2, 3, 4)], f: (a) => ag.sum(a, [0, 2], true) },
  { name: 'sum (size-1 axis)', shapes: [S(3, 1, 2)], f: (a) => ag.sum(a, 1) },
  { name: 'mean (axis -1)', shapes: [S(3, 4)], f: (a) => ag.mean(a, -1) },
  { name: 'max (axis 1)', shapes: [S(3, 4)], f: (a) => ag.max(a, 1), firstOrderOnly: true },
  { name: 'min (all)', shapes: [S(3, 4)], f: (a) => ag.min(a), firstOrderOnly: true },
  { name: 'logSumExp (axis 1)', shapes: [S(3, 4)], f: (a) => ag.logSumExp(a, 1) },
  { name: 'logSumExp (all, keepDims)', shapes: [S(2, 3)], f: (a) => ag.logSumExp(a, undefined, true) },
  { name: 'matmul 2-D', shapes: [S(3, 4), S(4, 2)], f: (a, b) => ag.matmul(a, b) },
  { name: 'matmul batched x shared', shapes: [S(2, 3, 4), S(4, 5)], f: (a, b) => ag.matmul(a, b) },
  { name: 'matmul shared x batched', shapes: [S(3, 4), S(2, 4, 5)], f: (a, b) => ag.matmul(a, b) },
  {
    name: 'matmul broadcast batch [2,1] x [3]',
    shapes: [S(2, 1, 2, 3), S(3, 3, 2)],
    f: (a, b) => ag.matmul(a, b),
  },
  { name: 'matmul vector x matrix', shapes: [S(4), S(4, 3)], f: (a, b) => ag.matmul(a, b) },
  { name: 'matmul matrix x vector', shapes: [S(3, 4), S(4)], f: (a, b) => ag.matmul(a, b) },
  { name: 'matmul vector x vector', shapes: [S(4), S(4)], f: (a, b) => ag.matmul(a, b) },
  { name: 'transpose', shapes: [S(2, 3, 4)], f: (a) => ag.transpose(a, 0, 2) },
  { name: 'permute', shapes: [S(2, 3, 4)], f: (a) => ag.permute(a, [1, 2, 0]) },
  { name: 'reshape', shapes: [S(2, 6)], f: (a) => ag.mul(ag.reshape(a, [3, -1]), ag.reshape(a, [3, 4])) },
  { name: 'slice', shapes: [S(4, 5)], f: (a) => ag.slice(a, [1, 2], [2, -1]) },
  { name: 'concat (axis 1)', shapes: [S(2, 3), S(2, 1)], f: (a, b) => ag.concat([a, b, a], 1) },
  { name: 'stack (axis 0)', shapes: [S(3), S(3)], f: (a, b) => ag.stack([a, b], 0) },
  { name: 'indexSelect (repeated indices)', shapes: [S(4, 3)], f: (a) => ag.indexSelect(a, 0, [2, 0, 2, 3]) },
  { name: 'indexSelect (axis 1)', shapes: [S(2, 4)], f: (a) => ag.indexSelect(a, 1, [3, 1]) },
  { name: 'broadcastTo', shapes: [S(3, 1)], f: (a) => ag.broadcastTo(a, [2, 3, 4]) },
  { name: 'softmax (last axis)', shapes: [S(3, 4)], f: (a) => ag.softmax(a) },
  { name: 'softmax (axis 0)', shapes: [S(3, 4)], f: (a) => ag.softmax(a, 0) },
  { name: 'logSoftmax', shapes: [S(3, 4)], f: (a) => ag.logSoftmax(a) },
  { name: 'crossEntropy (labels, mean)', shapes: [S(4, 3)], f: (a) => ag.crossEntropy(a, [0, 2, 1, 2]) },
  {
    name: 'crossEntropy (labels, sum)',
    shapes: [S(4, 3)],
    f: (a) => ag.crossEntropy(a, [0, 2, 1, 2], { reduction: 'sum' }),
  },
  {
    name: 'crossEntropy (probabilities)',
    shapes: [S(2, 3), S(2, 3)],
    f: (a, p) => ag.crossEntropy(a, ag.softmax(p)),
  },
  { name: 'nllLoss', shapes: [S(3, 4)], f: (a) => ag.nllLoss(ag.logSoftmax(a), [3, 0, 1]) },
  { name: 'mse', shapes: [S(3, 2), S(3, 2)], f: (a, b) => ag.mse(a, b) },
  {
    name: 'binaryCrossEntropy',
    shapes: [S(5), S(5)],
    f: (a, b) => ag.binaryCrossEntropy(ag.sigmoid(a), ag.sigmoid(b)),
  },
  {
    name: 'binaryCrossEntropyWithLogits',
    shapes: [S(5), S(5)],
    f: (a, b) => ag.binaryCrossEntropyWithLogits(a, ag.sigmoid(b)),
  },
  {
    name: 'conv2d (stride 2, padding 1, bias)',
    shapes: [S(2, 2, 5, 5), S(3, 2, 3, 3), S(3)],
    f: (x, w, b) => ag.conv2d(x, w, b, { stride: 2, padding: 1 }),
  },
  {
    name: 'conv2d (dilation 2, groups 2, non-square kernel)',
    shapes: [S(1, 4, 6, 5), S(2, 2, 2, 3)],
    f: (x, w) => ag.conv2d(x, w, null, { dilation: 2, groups: 2 }),
  },
  {
    name: 'conv1d (padding 1)',
    shapes: [S(2, 2, 7), S(3, 2, 3), S(3)],
    f: (x, w, b) => ag.conv1d(x, w, b, { padding: 1 }),
  },
  { name: 'maxPool2d (2x2)', shapes: [S(2, 2, 4, 4)], f: (x) => ag.maxPool2d(x, 2), firstOrderOnly: true },
  {
    name: 'maxPool2d (3x3, stride 2, padding 1)',
    shapes: [S(1, 2, 5, 5)],
    f: (x) => ag.maxPool2d(x, 3, { stride: 2, padding: 1 }),
    firstOrderOnly: true,
  },
  { name: 'avgPool2d (2x2)', shapes: [S(2, 2, 4, 4)], f: (x) => ag.avgPool2d(x, 2) },
  {
    name: 'avgPool2d (3x3, stride 2, padding 1, countIncludePad false)',
    shapes: [S(1, 1, 5, 6)],
    f: (x) => ag.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }),
  },
];

describe.each(['f64', 'f32'] as const)('gradcheck (%s)', (dtype) => {
  for (const c of cases) {
    it(`${c.name}: gradients match central differences`, () => {
      const gen = c.gen ?? values;
      const inputs = c.shapes.map((s, i) => {
        const v = gen(size(s), 11 * i + c.name.length);
        return dtype === 'f64' ? v : Float32Array.from(v);
      });
      const r = ag.gradcheck((...xs) => c.f(...xs.map((x, i) => ag.reshape(x, c.shapes[i]))), inputs);
      expect(r.worst === null || r.ok, JSON.stringify(r.worst)).toBe(true);
      expect(r.checked).toBe(inputs.reduce((p, x) => p + x.length, 0));
    });
  }
});

describe('second derivatives (gradcheck of the recorded backward, f64)', () => {
  for (const c of cases.filter((k) => !k.firstOrderOnly)) {
    it(`${c.name}: the gradient's gradient matches central differences`, () => {
      const gen = c.gen ?? values;
      const inputs = c.shapes.map((s, i) => gen(size(s), 7 * i + c.name.length));
      // φ(x₀) = Σ w ⊙ f(x₀, …) is scalar; gradcheck x ↦ ∂φ/∂x₀ (a vector)
      const r = ag.gradcheck(
        (...xs) => {
          const shaped = xs.map((x, i) => ag.reshape(x, c.shapes[i]));
          const phi = (x0: Tensor) => {
            const y = c.f(x0, ...shaped.slice(1));
            return ag.sum(
              ag.mul(y, ag.tensor(values(y.size, 3, 0.5, 1.5), { dtype: y.dtype, shape: y.shape })),
            );
          };
          return ag.grad(phi)(shaped[0]);
        },
        inputs,
        { atol: 1e-6, rtol: 1e-5 },
      );
      expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    });
  }
});
