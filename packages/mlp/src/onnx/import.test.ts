import { readFileSync } from 'node:fs';
import { Adam, SGD } from '@descent/core';
import { alloc, fromArray, memoryStats } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { digits } from '../datasets/digits.js';
import { evaluate, predict } from '../evaluate.js';
import { fit } from '../fit.js';
import { softmaxCrossEntropy } from '../losses/losses.js';
import { mlp } from '../mlp.js';
import { sequentialToOnnx } from './export.js';
import { sequentialFromOnnx } from './import.js';
import { decodeOnnx, encodeOnnx } from './schema.js';

// written by test/fixtures/torch-handoff/generate.py (torch 1.13: torch.onnx.export, onnx.helper)
const dir = new URL('../../test/fixtures/torch-handoff/', import.meta.url);
const file = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)));
const fx = JSON.parse(readFileSync(new URL('torch_mlp.json', dir), 'utf8')) as Record<string, number[]>;
const x64 = Float64Array.from(fx.x);
const n = fx.labels.length;

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

describe('ONNX import', () => {
  it("reproduces a torch-trained MLP's logits (Gemm, BatchNormalization, Relu, Tanh) in f64 to 1e-12", () => {
    const { model, softmax, opset, producer } = sequentialFromOnnx(file('torch_mlp.onnx'), { dtype: 'f64' });
    expect([softmax, opset, producer]).toEqual([false, 17, 'pytorch']);
    expect(model.layers.map((l) => l.type)).toEqual([
      'dense',
      'batchNorm1d',
      'relu',
      'dense',
      'tanh',
      'dense',
    ]);
    expect(maxDiff(predict(model, x64).data, fx.logits64)).toBeLessThan(1e-12);
    model.free();
  });

  it("reproduces torch's float32 logits in f32 (the weights' own dtype, the default) to 1e-5", () => {
    const { model } = sequentialFromOnnx(file('torch_mlp.onnx'));
    expect(model.dtype).toBe('f32');
    expect(maxDiff(predict(model, Float32Array.from(fx.x)).data, fx.logits32)).toBeLessThan(1e-5);
    model.free();
  });

  it("fine-tunes: one SGD step (lr 0.1, eval mode) gives torch's logits after its step to 1e-12", () => {
    const { model } = sequentialFromOnnx(file('torch_mlp.onnx'), { dtype: 'f64' });
    const xs = fromArray(x64);
    const labels = fromArray(Float64Array.from(fx.labels));
    const grad = { rows: n, cols: 10, data: alloc('f64', n * 10) };
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    model.zeroGrad();
    softmaxCrossEntropy.compute(model.forward({ rows: n, cols: 64, data: xs }), labels, grad);
    model.backward(grad);
    opt.step();
    expect(maxDiff(predict(model, x64).data, fx.afterSgdStep)).toBeLessThan(1e-12);
    for (const a of [xs, labels, grad.data]) a.free();
    model.free();
  });

  it('fine-tunes with fit: a few epochs of Adam on the digits lower the training loss', () => {
    const { model } = sequentialFromOnnx(file('torch_mlp.onnx'));
    const data = digits();
    const scaled = { ...data, x: (data.x as Float32Array).map((v) => v / 16) };
    const before = evaluate(model, scaled).loss;
    fit(model, scaled, { optimizer: (ps) => new Adam(ps, { lr: 1e-3 }), epochs: 3, seed: 0 });
    expect(evaluate(model, scaled).loss).toBeLessThan(before);
    model.free();
  });

  it("reads torch's GELU (Div, Erf, Add, Mul, Mul), Sigmoid and final Softmax: probabilities to 1e-12", () => {
    const { model, softmax } = sequentialFromOnnx(file('torch_gelu.onnx'));
    expect(model.dtype).toBe('f64');
    expect(softmax).toBe(true);
    expect(model.layers.map((l) => l.type)).toEqual(['dense', 'gelu', 'dense', 'sigmoid', 'dense']);
    const logits = predict(model, x64).data;
    const probs = new Float64Array(logits.length);
    for (let i = 0; i < n; i++) {
      const row = Array.from(logits.subarray(i * 10, i * 10 + 10));
      const m = Math.max(...row);
      const z = row.reduce((s, v) => s + Math.exp(v - m), 0);
      for (let k = 0; k < 10; k++) probs[i * 10 + k] = Math.exp(row[k] - m) / z;
    }
    expect(maxDiff(probs, fx.geluProbs)).toBeLessThan(1e-12);
    model.free();
  });

  it('reads MatMul + Add (either order) and the opset-20 Gelu operator', () => {
    const { model } = sequentialFromOnnx(file('matmul_add.onnx'), { dtype: 'f64' });
    expect(model.layers.map((l) => l.type)).toEqual(['dense', 'gelu', 'dense']);
    expect(maxDiff(predict(model, x64).data, fx.matmulAdd)).toBeLessThan(1e-12);
    model.free();
  });

  it("round-trips descent's own export exactly (BatchNorm1d, LeakyReLU, GELU)", () => {
    const a = mlp({ sizes: [6, 5, 4, 3], batchNorm: true, activation: 'gelu', dtype: 'f64', seed: 4 });
    const x = Float64Array.from({ length: 6 * 4 }, (_, i) => Math.sin(3 * i));
    const b = sequentialFromOnnx(sequentialToOnnx(a)).model;
    expect(b.config().layers.map((l) => l.type)).toEqual(a.config().layers.map((l) => l.type));
    expect(predict(b, x).data).toEqual(predict(a, x).data);
    a.free();
    b.free();
  });

  it('refuses an unsupported operator, a branch or bytes that are not ONNX, naming them, and allocates nothing', () => {
    const good = decodeOnnx(file('torch_mlp.onnx'));
    const withOp = structuredClone(good);
    const graph = withOp.graph as NonNullable<typeof good.graph>;
    (graph.node ?? [])[2].op_type = 'Elu';
    const branch = structuredClone(good);
    (branch.graph?.node ?? [])[3].input = ['/1/BatchNormalization_output_0', '4.weight', '4.bias'];
    const before = memoryStats().bytesInUse;
    expect(() => sequentialFromOnnx(encodeOnnx(withOp))).toThrow(
      /node \/2\/Relu \(Elu\): unsupported operator Elu \(supported: Gemm, MatMul \+ Add/,
    );
    expect(() => sequentialFromOnnx(encodeOnnx(branch))).toThrow(
      /the graph branches at \/1\/BatchNormalization_output_0/,
    );
    expect(() => sequentialFromOnnx(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(/not an ONNX protobuf/);
    expect(() => sequentialFromOnnx(file('torch_mlp.onnx'), { dtype: 'f16' as never })).toThrow(
      /Invalid dtype: f16/,
    );
    expect(memoryStats().bytesInUse).toBe(before);
  });
});
