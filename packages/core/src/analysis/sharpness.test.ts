import { describe, expect, it } from 'vitest';
import { epsilonSharpness, hessianTraceAt, largestHessianEigenvalue } from './sharpness.js';

/** f(x) = ½ Σ λ_i x_i² + 1: Hessian diag(λ), f ≥ 1. */
const lambdas = [10, 4, 1, 0.25, 0.1];
const diagonal = {
  f: (x: Float64Array) => 1 + 0.5 * x.reduce((s, v, i) => s + lambdas[i] * v * v, 0),
  grad: (x: Float64Array, out: Float64Array) => {
    x.forEach((v, i) => {
      out[i] = lambdas[i] * v;
    });
    return out;
  },
};

describe('largestHessianEigenvalue', () => {
  it('is the largest λ of a diagonal quadratic, with its eigenvector e_1', () => {
    const r = largestHessianEigenvalue(diagonal, Float64Array.from([0.3, -1, 2, 0, 5]));
    expect(r.value).toBeCloseTo(10, 6);
    expect(Math.abs(r.vector[0])).toBeCloseTo(1, 6);
  });

  it('matches the closed form of a rotated 2-D quadratic [[2, 1], [1, 2]]: λ_max = 3', () => {
    const grad = (x: Float64Array, out: Float64Array) => {
      out[0] = 2 * x[0] + x[1];
      out[1] = x[0] + 2 * x[1];
      return out;
    };
    expect(largestHessianEigenvalue(grad, Float64Array.from([1, 1])).value).toBeCloseTo(3, 6);
  });
});

describe('hessianTraceAt', () => {
  it('is Σ λ_i for a diagonal Hessian (exact for Rademacher probes)', () => {
    const r = hessianTraceAt(diagonal, Float64Array.from([1, 2, 3, 4, 5]), { probes: 10 });
    expect(r.trace).toBeCloseTo(15.35, 6);
  });
});

describe('epsilonSharpness', () => {
  it('reaches the maximizing corner of a convex quadratic: ½ Σ λ_i (|x_i| + ε(|x_i| + 1))²', () => {
    const x = Float64Array.from([0.5, -0.2, 1, -3, 0.05]);
    const epsilon = 0.01;
    const r = epsilonSharpness(diagonal, x, { epsilon });
    const max =
      1 +
      0.5 * lambdas.reduce((s, l, i) => s + l * (Math.abs(x[i]) + epsilon * (Math.abs(x[i]) + 1)) ** 2, 0);
    expect(r.maxValue).toBeCloseTo(max, 12);
    expect(r.sharpness).toBeCloseTo((max - diagonal.f(x)) / (1 + diagonal.f(x)), 12);
  });

  it('at an exact minimum (∇f = 0) finds a corner from its random starts: ½ ε² Σ λ_i', () => {
    const r = epsilonSharpness(diagonal, new Float64Array(5), { epsilon: 1e-3 });
    expect(r.maxValue - 1).toBeCloseTo(0.5 * 1e-6 * 15.35, 15);
    expect(r.sharpness).toBeCloseTo((0.5 * 1e-6 * 15.35) / 2, 15);
  });

  it('converges to an interior/boundary maximum of a concave f: y* = clamp(c - x, -r, r)', () => {
    const c = [0.001, -0.5, 0.0002];
    const concave = {
      f: (x: Float64Array) => 5 - x.reduce((s, v, i) => s + (i + 1) * (v - c[i]) ** 2, 0),
      grad: (x: Float64Array, out: Float64Array) => {
        x.forEach((v, i) => {
          out[i] = -2 * (i + 1) * (v - c[i]);
        });
        return out;
      },
    };
    const x = new Float64Array(3);
    const r = epsilonSharpness(concave, x, { epsilon: 1e-3, iterations: 60 });
    const want = c.map((ci) => Math.min(Math.max(ci, -1e-3), 1e-3));
    r.delta.forEach((d, i) => {
      expect(d).toBeCloseTo(want[i], 8);
    });
  });

  it("with method 'lbfgsb' reaches the same corner and the same interior maximum", () => {
    const x = Float64Array.from([0.5, -0.2, 1, -3, 0.05]);
    const pg = epsilonSharpness(diagonal, x, { epsilon: 0.01 });
    const lb = epsilonSharpness(diagonal, x, { epsilon: 0.01, method: 'lbfgsb' });
    expect(lb.maxValue).toBeCloseTo(pg.maxValue, 12);
    const c = [0.001, -0.5];
    const concave = {
      f: (z: Float64Array) => -((z[0] - c[0]) ** 2) - 2 * (z[1] - c[1]) ** 2,
      grad: (z: Float64Array, out: Float64Array) => out.set([-2 * (z[0] - c[0]), -4 * (z[1] - c[1])]) ?? out,
    };
    const r = epsilonSharpness(concave, new Float64Array(2), { epsilon: 1e-2, method: 'lbfgsb' });
    expect(r.delta[0]).toBeCloseTo(0.001, 8);
    expect(r.delta[1]).toBeCloseTo(-0.01, 12);
  });

  it('names bad options', () => {
    const x = new Float64Array(5);
    expect(() => epsilonSharpness(diagonal, x, { method: 'newton' as never })).toThrow(
      /Invalid method value: newton/,
    );
    expect(() => epsilonSharpness(diagonal, x, { epsilon: 0 })).toThrow(/Invalid epsilon value: 0/);
    expect(() => epsilonSharpness(diagonal, x, { iterations: 1.5 })).toThrow(/Invalid iterations value: 1.5/);
    expect(() => epsilonSharpness(diagonal, x, { restarts: -1 })).toThrow(/Invalid restarts value: -1/);
    expect(() => epsilonSharpness(diagonal, Float64Array.from([Number.NaN]))).toThrow(/non-finite entry NaN/);
    expect(() => epsilonSharpness({} as never, x)).toThrow(TypeError);
  });
});
