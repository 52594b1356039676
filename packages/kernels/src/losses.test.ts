import { describe, expect, it } from 'vitest';
import { alloc, fromArray, type WasmArray } from './arena.js';
import { bceWithLogits, mseLoss } from './losses.js';
import { bceWithLogitsReference, mseReference } from './nn-reference.js';
import { randomArray, rng } from './test-support/random.js';

/** Float32Array's constructor has the same shape as Float64Array's: typed as the latter. */
type Ctor = Float64ArrayConstructor;
const dtypes: [string, Ctor, number][] = [
  ['f32', Float32Array as unknown as Ctor, 2e-6],
  ['f64', Float64Array, 1e-14],
];

type Loss = (p: WasmArray, t: WasmArray, grad?: WasmArray) => number;
type Reference = (p: ArrayLike<number>, t: ArrayLike<number>) => { loss: number; grad: number[] };

/** Predictions / logits in [-6, 6]; targets in [-1, 1] (MSE) or [0, 1] (BCE: also 0/1 labels). */
const losses: [string, Loss, Reference, (v: number) => number][] = [
  ['mseLoss', mseLoss, mseReference, (v) => v],
  ['bceWithLogits', bceWithLogits, bceWithLogitsReference, (v) => (v > 0.5 ? 1 : v < -0.5 ? 0 : v + 0.5)],
];

describe.each(dtypes)('losses (%s)', (_dt, C, tol) => {
  describe.each(losses)('%s', (_name, loss, reference, toTarget) => {
    it('matches the reference loss and gradient for every length 1..67 and 1031', () => {
      for (const n of [...Array.from({ length: 67 }, (_, i) => i + 1), 1031]) {
        const p = randomArray(C, n, n).map((v) => 6 * v);
        const t = randomArray(C, n, n + 500).map(toTarget);
        const grad = alloc(C === Float64Array ? 'f64' : 'f32', n);
        const value = loss(fromArray(p), fromArray(t), grad);
        const ref = reference(p, t);
        expect(Math.abs(value - ref.loss)).toBeLessThan(tol * (1 + ref.loss));
        for (let i = 0; i < n; i++) expect(Math.abs(grad.data[i] - ref.grad[i])).toBeLessThan((tol * 10) / n);
        expect(loss(fromArray(p), fromArray(t))).toBe(value); // value only, no gradient written
      }
    });

    it('may write the gradient over the predictions', () => {
      const p = fromArray(randomArray(C, 13, 1));
      const t = fromArray(randomArray(C, 13, 2).map(toTarget));
      const grad = alloc(p.dtype, 13);
      const value = loss(p, t, grad);
      expect(loss(p, t, p)).toBe(value);
      expect(Array.from(p.data)).toEqual(Array.from(grad.data));
    });

    it('gives NaN for empty input, as torch', () => {
      expect(loss(fromArray(new C(0)), fromArray(new C(0)))).toBeNaN();
    });

    it('names both arrays on a length mismatch', () => {
      expect(() => loss(fromArray(new C(3)), fromArray(new C(4)))).toThrow(/has 3 elements, .* has 4/);
      expect(() => loss(fromArray(new C(3)), fromArray(new C(3)), fromArray(new C(2)))).toThrow(
        /has 3 elements, grad has 2/,
      );
    });
  });
});

describe.each(losses)('%s gradient', (_name, loss, _reference, toTarget) => {
  it('equals central finite differences of the loss (f64)', () => {
    const n = 9;
    const p = randomArray(Float64Array, n, 31).map((v) => 4 * v);
    const t = fromArray(randomArray(Float64Array, n, 32).map(toTarget));
    const grad = alloc('f64', n);
    loss(fromArray(p), t, grad);
    const h = 1e-6;
    for (let i = 0; i < n; i++) {
      const at = (v: number) => {
        const q = p.slice();
        q[i] = v;
        return loss(fromArray(q), t);
      };
      expect(Math.abs(grad.data[i] - (at(p[i] + h) - at(p[i] - h)) / (2 * h))).toBeLessThan(1e-9);
    }
  });
});

describe('bceWithLogits stability', () => {
  it.each(dtypes)('is finite and exact for logits of ±1000 (%s)', (_dt, C) => {
    const x = C.from([1000, -1000, 1000, -1000, 0]);
    const y = C.from([1, 0, 0, 1, 1]);
    const grad = alloc(C === Float64Array ? 'f64' : 'f32', 5);
    const value = bceWithLogits(fromArray(x), fromArray(y), grad);
    // ℓ = 0, 0, 1000, 1000, log 2
    expect(Math.abs(value - (2000 + Math.LN2) / 5)).toBeLessThan(1e-12 * value);
    expect(Array.from(grad.data).map((g) => Math.round(g * 5 * 1e6) / 1e6)).toEqual([0, 0, 1, -1, -0.5]);
  });

  it('matches the naive -[y log σ(x) + (1-y) log(1-σ(x))] where that is accurate', () => {
    const r = rng(5);
    const x = Float64Array.from({ length: 40 }, () => 10 * r() - 5);
    const y = Float64Array.from({ length: 40 }, () => r());
    let naive = 0;
    for (let i = 0; i < 40; i++) {
      const s = 1 / (1 + Math.exp(-x[i]));
      naive -= y[i] * Math.log(s) + (1 - y[i]) * Math.log(1 - s);
    }
    expect(Math.abs(bceWithLogits(fromArray(x), fromArray(y)) - naive / 40)).toBeLessThan(1e-12);
  });
});
