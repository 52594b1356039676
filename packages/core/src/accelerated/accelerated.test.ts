/**
 * Accelerated gradient: its measured gap on Nesterov's worst-case quadratics lies between the
 * lower bound for every first-order method and its own upper bound (both ∝ 1/T²), with log-log
 * slope −2 against GD's −1; the strongly convex variant within (1 − 1/√κ)^k; the iterates equal a
 * naive loop; bad options refused.
 */
import { describe, expect, it } from 'vitest';
import { acceleratedGradient } from './nesterov.js';
import { accelerationExperiment, nesterovWorstCase } from './rate-experiment.js';

/** Least-squares slope of log y against log x. */
function slope(x: number[], y: number[]): number {
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length;
  const my = ly.reduce((a, b) => a + b) / ly.length;
  let num = 0;
  let den = 0;
  lx.forEach((v, i) => {
    num += (v - mx) * (ly[i] - my);
    den += (v - mx) ** 2;
  });
  return num / den;
}

describe('accelerationExperiment', () => {
  const data = accelerationExperiment({ L: 2, R: 3, horizons: [20, 50, 100, 200, 500, 1000] });

  it('keeps the worst gap over the quadratic family under each bound', () => {
    data.T.forEach((_, i) => {
      expect(data.agdGap[i]).toBeLessThanOrEqual(data.agdBound[i]);
      expect(data.gdGap[i]).toBeLessThanOrEqual(data.gdBound[i]);
      expect(data.agdGap[i]).toBeLessThan(data.gdGap[i]);
    });
  });

  it('measures log-log slopes of −2 for AGD and −1 for GD: each gap a steady fraction of its bound', () => {
    expect(slope(data.T, data.agdGap)).toBeCloseTo(-2, 1);
    expect(slope(data.T, data.gdGap)).toBeCloseTo(-1, 1);
    data.T.forEach((T, i) => {
      // AGD settles near a third of 2LR²/(T+1)²; GD at max_λ ½λ(1−λ/L)^{2T}R² → LR²/(4eT), 1/(2e) of its bound
      expect(data.agdGap[i] / data.agdBound[i]).toBeGreaterThan(0.3);
      expect(data.agdGap[i] / data.agdBound[i]).toBeLessThan(0.35);
      if (T >= 50) expect(data.gdGap[i] / data.gdBound[i]).toBeCloseTo(1 / (2 * Math.E), 2);
    });
  });

  it('refuses a bad horizon', () => {
    expect(() => accelerationExperiment({ horizons: [0] })).toThrow(/horizon T: 0/);
  });
});

describe('nesterovWorstCase', () => {
  it.each([5, 20, 80])(
    'pins AGD after T = %i steps between the first-order lower bound and its upper bound (d = 2T + 1)',
    (T) => {
      const d = 2 * T + 1;
      const p = nesterovWorstCase(d, 2);
      const g = new Float64Array(d);
      expect(Math.max(...p.grad(p.xStar, g).map(Math.abs))).toBeLessThan(1e-14); // θ* is the minimizer
      expect(p.f(p.xStar)).toBeCloseTo(p.fStar, 14);
      const R2 = p.xStar.reduce((s, v) => s + v * v, 0);
      const gap = acceleratedGradient(p, new Float64Array(d), { lipschitz: 2, maxIter: T }).fun - p.fStar;
      expect(gap).toBeGreaterThanOrEqual((3 * 2 * R2) / (32 * (T + 1) ** 2));
      expect(gap).toBeLessThanOrEqual((2 * 2 * R2) / (T + 1) ** 2);
    },
  );
});

describe('acceleratedGradient', () => {
  it("gives Nesterov's iterates θ_k = y − ∇f(y)/L, y = θ_k + (k−1)/(k+2)(θ_k − θ_{k−1}) (naive loop)", () => {
    const p = nesterovWorstCase(7, 3);
    const r = acceleratedGradient(p, new Float64Array(7), { lipschitz: 3, maxIter: 25 });
    let theta = new Float64Array(7);
    let y = theta.slice();
    const g = new Float64Array(7);
    for (let k = 1; k <= 25; k++) {
      p.grad(y, g);
      const next = y.map((v, i) => v - g[i] / 3);
      y = next.map((v, i) => v + ((k - 1) / (k + 2)) * (v - theta[i]));
      theta = next;
    }
    theta.forEach((v, i) => {
      expect(r.x[i]).toBeCloseTo(v, 14);
    });
    expect(r.history.f.length).toBe(26);
  });

  it('converges within (1 − 1/√κ)^k with constant momentum on a strongly convex quadratic; GD is far slower', () => {
    // f = ½ Σ λ_i θ_i², λ from μ = 1e-3 to L = 1 (κ = 1000)
    const d = 30;
    const lambda = Float64Array.from({ length: d }, (_, i) => 1e-3 * 1000 ** (i / (d - 1)));
    const f = {
      f: (x: Float64Array) => x.reduce((s, v, i) => s + 0.5 * lambda[i] * v * v, 0),
      grad: (x: Float64Array, out: Float64Array) => {
        x.forEach((v, i) => {
          out[i] = lambda[i] * v;
        });
        return out;
      },
    };
    const x0 = new Float64Array(d).fill(1);
    const r = acceleratedGradient(f, x0, { lipschitz: 1, mu: 1e-3, maxIter: 400 });
    const c0 = f.f(x0) + (1e-3 / 2) * d;
    const q = 1 - 1 / Math.sqrt(1000);
    r.history.f.forEach((v, k) => {
      expect(v).toBeLessThanOrEqual(q ** k * c0 * (1 + 1e-12));
    });
    const x = x0.slice();
    for (let k = 0; k < 400; k++)
      x.forEach((v, i) => {
        x[i] = v - lambda[i] * v;
      });
    expect(f.f(x)).toBeGreaterThan(100 * r.fun);
  });

  it('stops at gtol and refuses bad options by name', () => {
    const p = nesterovWorstCase(5);
    const r = acceleratedGradient(p, new Float64Array(5), { lipschitz: 1, gtol: 1e-8, maxIter: 10000 });
    expect(r.converged).toBe(true);
    p.xStar.forEach((v, i) => {
      expect(r.x[i]).toBeCloseTo(v, 6);
    });
    expect(() => acceleratedGradient(p, new Float64Array(5), { lipschitz: 0 })).toThrow(/lipschitz: 0/);
    expect(() => acceleratedGradient(p, new Float64Array(5), { lipschitz: 1, mu: 2 })).toThrow(/mu: 2/);
    expect(() => acceleratedGradient(p, [Number.NaN, 0, 0, 0, 0], { lipschitz: 1 })).toThrow(/x0\[0\]: NaN/);
    expect(() => acceleratedGradient(p, new Float64Array(5), { lipschitz: 1, maxIter: -1 })).toThrow(
      /maxIter: -1/,
    );
  });
});
