import { param } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { l1, l2 } from './elastic-net.js';
import { objective } from './objective.js';

function setup() {
  const w = param(new Float64Array([1, -2, 3]), { name: 'dense0.weight' });
  const b = param(new Float64Array([0.5, -0.5]), { name: 'dense0.bias' });
  // L(θ) = Σ w_i + Σ b_j, so ∇L = 1 everywhere
  const loss = () => {
    w.grad.fill(1);
    b.grad.fill(1);
    return w.data.reduce((a, v) => a + v, 0) + b.data.reduce((a, v) => a + v, 0);
  };
  return { w, b, loss };
}

describe('objective', () => {
  it('returns L + Σ Ω over all parameters and adds the penalties gradients', () => {
    const { w, b, loss } = setup();
    const O = objective(loss, [l2(0.1), l1(0.2)], [w, b]);
    const value = O();
    const omega = (v: number) => 0.1 * v * v + 0.2 * Math.abs(v);
    const all = [1, -2, 3, 0.5, -0.5];
    expect(value).toBeCloseTo(2 + all.reduce((a, v) => a + omega(v), 0), 12);
    expect(Array.from(w.grad)).toEqual([1, -2, 3].map((v) => 1 + 0.2 * v + 0.2 * Math.sign(v)));
    expect(O.penalty()).toBeCloseTo(
      all.reduce((a, v) => a + omega(v), 0),
      12,
    );
  });

  it('skips excluded parameters, by name or by predicate', () => {
    for (const exclude of [['dense0.bias'], (p: { name: string }) => p.name.endsWith('.bias')]) {
      const { w, b, loss } = setup();
      const O = objective(loss, [l2(0.1)], [w, b], { exclude });
      expect(O.penalized.map((p) => p.name)).toEqual(['dense0.weight']);
      O();
      expect(Array.from(b.grad)).toEqual([1, 1]);
      expect(w.grad[0]).toBeCloseTo(1.2, 12);
    }
  });

  it('names a missing parameter in the mask and lists the real ones', () => {
    const { w, b, loss } = setup();
    expect(() => objective(loss, [l2(0.1)], [w, b], { exclude: ['dense1.bias'] })).toThrow(
      /does not exist: dense1.bias \(parameters: dense0.weight, dense0.bias\)/,
    );
  });
});
