import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, clipGradValue } from './clip.js';
import { expectClose } from './optim/test-support/conformance.js';
import { param } from './param.js';

interface ClipCase {
  normType: number | 'inf';
  maxNorm: number;
  dtype: 'f32' | 'f64';
  grads: number[][];
  totalNorm: number;
  clipped: number[][];
}

const fixture = JSON.parse(
  readFileSync(new URL('../test/fixtures/torch_optim_others.json', import.meta.url), 'utf8'),
) as { clipGradNorm: ClipCase[] };

function paramsWithGrads(c: Pick<ClipCase, 'dtype' | 'grads'>) {
  return c.grads.map((g) => {
    const Ctor = c.dtype === 'f32' ? Float32Array : Float64Array;
    const p = param(new Ctor(g.length));
    p.grad.set(g);
    return p;
  });
}

describe('clipGradNorm', () => {
  it.each(fixture.clipGradNorm.map((c) => [String(c.normType), c.maxNorm, c.dtype, c] as const))(
    'matches torch.nn.utils.clip_grad_norm_ (normType %s, maxNorm %s, %s)',
    (_t, _m, dtype, c) => {
      const params = paramsWithGrads(c);
      const total = clipGradNorm(params, c.maxNorm, c.normType === 'inf' ? Infinity : c.normType);
      const tol = dtype === 'f64' ? 1e-13 : 1e-6;
      expectClose([total], [c.totalNorm], tol, 'total norm');
      params.forEach((p, j) => {
        expectClose(p.grad, c.clipped[j], tol, `grad ${j}`);
      });
    },
  );

  it('leaves gradients bit-identical when the norm is below maxNorm', () => {
    const [p] = paramsWithGrads({ dtype: 'f64', grads: [[0.1, -0.2, 0.3]] });
    const before = p.grad.slice();
    expect(clipGradNorm(p, 10)).toBeCloseTo(Math.hypot(0.1, 0.2, 0.3), 15);
    expect(Array.from(p.grad)).toEqual(Array.from(before));
  });

  it('computes the global norm of huge gradients without overflow (1e200 in f64)', () => {
    const params = paramsWithGrads({ dtype: 'f64', grads: [[3e200], [4e200]] });
    expect(clipGradNorm(params, 1)).toBeCloseTo(5e200, -190);
    expect(params[0].grad[0]).toBeCloseTo(0.6, 12);
    expect(params[1].grad[0]).toBeCloseTo(0.8, 12);
  });

  it('returns a NaN norm and NaN gradients for a NaN gradient, or throws with errorIfNonfinite', () => {
    const params = paramsWithGrads({ dtype: 'f64', grads: [[1, NaN], [2]] });
    expect(() => clipGradNorm(params, 1, 2, { errorIfNonfinite: true })).toThrow(/non-finite/);
    expect(params[1].grad[0]).toBe(2);
    expect(clipGradNorm(params, 1)).toBeNaN();
    expect(params[1].grad[0]).toBeNaN();
  });

  it('rejects a negative maxNorm and a non-positive normType, naming them', () => {
    const p = param(new Float64Array(2));
    expect(() => clipGradNorm(p, -1)).toThrow('Invalid maxNorm value: -1');
    expect(() => clipGradNorm(p, 1, 0)).toThrow(/Invalid normType value: 0/);
  });
});

describe('clipGradValue', () => {
  it('clamps each element to [-v, v] and leaves the others alone', () => {
    const [p] = paramsWithGrads({ dtype: 'f32', grads: [[-3, -0.5, 0, 0.25, 7]] });
    clipGradValue(p, 0.5);
    expect(Array.from(p.grad)).toEqual([-0.5, -0.5, 0, 0.25, 0.5]);
  });

  it('rejects a negative clipValue', () => {
    expect(() => clipGradValue(param(new Float64Array(1)), -1)).toThrow('Invalid clipValue value: -1');
  });
});
