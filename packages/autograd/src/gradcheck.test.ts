import { describe, expect, it } from 'vitest';
import { gradcheck } from './gradcheck.js';
import { exp, mul, record, type Tensor } from './index.js';
import { unaryRaw } from './ops/elementwise.js';

/** exp with a deliberately wrong gradient (ḡ e^x · 1.01): gradcheck must catch it. */
function wrongExp(x: Tensor): Tensor {
  const out = unaryRaw('exp', x);
  return record(out, 'wrongExp', [x], (g) => [mul(mul(g, out), 1.01)]);
}

describe('gradcheck', () => {
  it('passes a correct gradient and reports every entry checked', () => {
    const r = gradcheck((x) => exp(x), [new Float64Array([0.1, -0.5, 1.2])]);
    expect(r.ok).toBe(true);
    expect(r.checked).toBe(3);
    expect(r.maxAbsError).toBeLessThan(1e-8);
  });

  it('fails a gradient that is 1% off, naming the worst entry', () => {
    const r = gradcheck((x) => wrongExp(x), [new Float64Array([0.1, -0.5, 1.2])]);
    expect(r.ok).toBe(false);
    expect(r.worst?.index).toBe(2);
    expect(r.worst?.analytic).toBeCloseTo(
      (1.01 * Math.exp(1.2) * (r.worst?.numeric ?? 0)) / Math.exp(1.2),
      6,
    );
  });

  it('fails an f32 gradient that is 1% off too', () => {
    const r = gradcheck((x) => wrongExp(x), [new Float32Array([0.5, 2, -1])]);
    expect(r.ok).toBe(false);
  });
});
