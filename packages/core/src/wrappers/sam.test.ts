import { describe, expect, it } from 'vitest';
import { Adam } from '../optim/adam.js';
import { SGD } from '../optim/sgd.js';
import { type Param, param } from '../param.js';
import { ASAM, SAM } from './sam.js';

/** f(w) = ½ wᵀAw - bᵀw with A = [[3, 1], [1, 2]], b = (1, -1): ∇f = Aw - b. */
const grad = (w: ArrayLike<number>) => [3 * w[0] + w[1] - 1, w[0] + 2 * w[1] + 1];
const f = (w: ArrayLike<number>) => 0.5 * (3 * w[0] ** 2 + 2 * w[0] * w[1] + 2 * w[1] ** 2) - w[0] + w[1];

const closureFor = (p: Param) => () => {
  p.grad.set(grad(p.data));
  return f(p.data);
};

describe('SAM', () => {
  it('takes the hand-computed step w − lr ∇f(w + ρ g/‖g‖) with SGD, twice', () => {
    const p = param(Float64Array.from([1, 2]));
    const sam = new SAM(new SGD([p], { lr: 0.1 }), { rho: 0.3 });
    let w = [1, 2];
    for (let k = 0; k < 2; k++) {
      const loss = sam.step(closureFor(p));
      expect(loss).toBeCloseTo(f(w), 14);
      const g = grad(w);
      const n = Math.hypot(...g);
      const gs = grad([w[0] + (0.3 * g[0]) / n, w[1] + (0.3 * g[1]) / n]);
      w = [w[0] - 0.1 * gs[0], w[1] - 0.1 * gs[1]];
      expect(p.data[0]).toBeCloseTo(w[0], 14);
      expect(p.data[1]).toBeCloseTo(w[1], 14);
    }
    expect(sam.gradientEvaluations).toBe(4);
  });

  it('feeds any base optimizer the gradient at w + e: Adam under SAM equals Adam given ∇f(w + e)', () => {
    const p = param(Float64Array.from([0.5, -1.5]));
    const twin = param(Float64Array.from([0.5, -1.5]));
    const sam = new SAM(new Adam([p], { lr: 0.05 }), { rho: 0.1 });
    const adam = new Adam([twin], { lr: 0.05 });
    for (let k = 0; k < 5; k++) {
      const w = Array.from(twin.data);
      const g = grad(w);
      const n = Math.hypot(...g);
      twin.grad.set(grad([w[0] + (0.1 * g[0]) / n, w[1] + (0.1 * g[1]) / n]));
      adam.step();
      sam.step(closureFor(p));
      expect(Array.from(p.data)).toEqual(Array.from(twin.data));
    }
  });

  it('ASAM perturbs by e = ρ T² g / ‖T g‖ with T = |w| + η (hand-computed)', () => {
    const p = param(Float64Array.from([1, -2]));
    const asam = new ASAM(new SGD([p], { lr: 0.1 }), { rho: 0.5, eta: 0.01 });
    const w = [1, -2];
    asam.step(closureFor(p));
    const g = grad(w);
    const t = w.map((wi) => Math.abs(wi) + 0.01);
    const n = Math.hypot(t[0] * g[0], t[1] * g[1]);
    const gs = grad(w.map((wi, i) => wi + (0.5 * t[i] ** 2 * g[i]) / n));
    expect(p.data[0]).toBeCloseTo(w[0] - 0.1 * gs[0], 14);
    expect(p.data[1]).toBeCloseTo(w[1] - 0.1 * gs[1], 14);
    expect(asam.name).toBe('ASAM(SGD)');
  });

  it('with ρ = 0 is its base optimizer', () => {
    const p = param(Float64Array.from([1, 2]));
    const q = param(Float64Array.from([1, 2]));
    const sam = new SAM(new SGD([p], { lr: 0.1, momentum: 0.9 }), { rho: 0 });
    const sgd = new SGD([q], { lr: 0.1, momentum: 0.9 });
    for (let k = 0; k < 3; k++) {
      sam.step(closureFor(p));
      sgd.step(closureFor(q));
    }
    expect(Array.from(p.data)).toEqual(Array.from(q.data));
  });

  it('puts w back when the second closure call throws', () => {
    const p = param(Float64Array.from([1, 2]));
    const sam = new SAM(new SGD([p], { lr: 0.1 }));
    let calls = 0;
    const closure = () => {
      if (++calls === 2) throw new Error('out of memory');
      return closureFor(p)();
    };
    expect(() => sam.step(closure)).toThrow('out of memory');
    expect(Array.from(p.data)).toEqual([1, 2]);
  });

  it("leaves a non-finite gradient to the base's onNonFinite policy", () => {
    const p = param(Float64Array.from([1, 2]));
    const sam = new SAM(new SGD([p], { lr: 0.1, onNonFinite: 'skip' }));
    sam.step(() => {
      p.grad.set([Number.NaN, 1]);
      return 0;
    });
    expect(Array.from(p.data)).toEqual([1, 2]);
    expect(sam.base.skippedSteps).toBe(1);
  });

  it('names bad options and a missing closure', () => {
    const opt = new SGD([param(Float64Array.from([1]))], { lr: 0.1 });
    expect(() => new SAM(opt, { rho: -1 })).toThrow(/Invalid rho value: -1/);
    expect(() => new SAM(opt, { eta: Number.NaN })).toThrow(/Invalid eta value: NaN/);
    expect(() => new SAM(opt, { radius: 1 } as never)).toThrow(/Unknown SAM option: radius/);
    expect(() => new SAM({} as never)).toThrow(TypeError);
    expect(() => new SAM(opt).step(undefined as never)).toThrow(/needs a closure/);
  });
});
