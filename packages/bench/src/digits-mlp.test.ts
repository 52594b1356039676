import { fromArray, matrixFrom } from '@descent/kernels';
import { mlp, softmaxCrossEntropy } from '@descent/mlp';
import { describe, expect, it } from 'vitest';
import {
  autogradHvp,
  autogradModel,
  autogradSide,
  type DigitsBatch,
  digitsBatch,
  handWrittenSide,
  initialWeights,
  jaxSide,
  type LayerWeights,
  PARAMETERS,
  tfSide,
} from './digits-mlp.js';

/** The mean cross-entropy in plain f64 JavaScript, loop by loop. */
function referenceLoss(weights: LayerWeights[], batch: DigitsBatch): number {
  let total = 0;
  for (let r = 0; r < batch.rows; r++) {
    let h: number[] = Array.from(batch.x.subarray(r * 64, (r + 1) * 64));
    weights.forEach((l, k) => {
      const next: number[] = [];
      for (let o = 0; o < l.out; o++) {
        let s = l.b[o];
        for (let i = 0; i < l.in; i++) s += h[i] * l.w[i * l.out + o];
        next.push(k < 2 ? Math.max(s, 0) : s);
      }
      h = next;
    });
    const m = Math.max(...h);
    const lse = m + Math.log(h.reduce((s, z) => s + Math.exp(z - m), 0));
    total += lse - h[batch.labels[r]];
  }
  return total / batch.rows;
}

/**
 * ∇L over the flattened parameters (W1 [in, out], b1, W2, b2, W3, b3) in f64 by @descent/mlp's
 * hand-derived backward pass, at θ = θ0 + t·v.
 */
function handWrittenGradient(weights: LayerWeights[], batch: DigitsBatch, v: Float64Array, t: number) {
  const model = mlp({ sizes: [64, 128, 128, 10], dtype: 'f64' });
  const sd: Record<string, Float64Array> = {};
  let at = 0;
  weights.forEach((l, k) => {
    const w = new Float64Array(l.in * l.out);
    for (let i = 0; i < l.in; i++)
      for (let o = 0; o < l.out; o++) w[o * l.in + i] = l.w[i * l.out + o] + t * v[at + i * l.out + o];
    at += l.in * l.out;
    sd[`dense${k}.weight`] = w;
    sd[`dense${k}.bias`] = Float64Array.from(l.b, (b, o) => b + t * v[at + o]);
    at += l.out;
  });
  model.loadStateDict(sd);
  const x = matrixFrom(batch.rows, 64, Float64Array.from(batch.x));
  const y = fromArray(Float64Array.from(batch.labels));
  const dOut = matrixFrom(batch.rows, 10, new Float64Array(batch.rows * 10));
  model.zeroGrad();
  softmaxCrossEntropy.compute(model.forward(x), y, dOut);
  model.backward(dOut);
  const g = new Float64Array(PARAMETERS);
  at = 0;
  weights.forEach((l, k) => {
    const [W, b] = model.parameters().slice(2 * k, 2 * k + 2);
    for (let i = 0; i < l.in; i++)
      for (let o = 0; o < l.out; o++) g[at + i * l.out + o] = W.grad[o * l.in + i];
    at += l.in * l.out;
    g.set(b.grad, at);
    at += l.out;
  });
  model.free();
  x.data.free();
  y.free();
  dOut.data.free();
  return g;
}

describe('the digits MLP, written for every side of the autograd races', () => {
  const weights = initialWeights();
  const batch = digitsBatch(32);

  it('has the loss of a plain f64 forward pass on every side at the shared weights (1e-5)', async () => {
    const expected = referenceLoss(weights, batch);
    const sides = [
      autogradSide(weights, batch),
      handWrittenSide(weights, batch),
      await tfSide(weights, batch),
      await jaxSide(weights, batch, { jit: true }),
      await jaxSide(weights, batch, { jit: false }),
    ];
    for (const s of sides) {
      expect(Math.abs((await s.step()) - expected), s.name).toBeLessThan(1e-5);
      s.dispose();
    }
  });

  it("gives autograd's Hv as central differences of the hand-written f64 gradient (1e-3 of ‖Hv‖∞)", () => {
    const small = digitsBatch(8);
    let s = 7;
    const v = Float64Array.from({ length: PARAMETERS }, () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 31 - 1;
    });
    const h = 1e-5;
    const plus = handWrittenGradient(weights, small, v, h);
    const minus = handWrittenGradient(weights, small, v, -h);
    const fd = plus.map((p, i) => (p - minus[i]) / (2 * h));
    const model = autogradModel(weights, small);
    const hv = autogradHvp(model)(v, new Float64Array(PARAMETERS));
    model.dispose();
    const scale = fd.reduce((m, a) => Math.max(m, Math.abs(a)), 0);
    const worst = hv.reduce((m, a, i) => Math.max(m, Math.abs(a - fd[i])), 0);
    expect(scale).toBeGreaterThan(0);
    expect(worst).toBeLessThan(1e-3 * scale);
  });
});
