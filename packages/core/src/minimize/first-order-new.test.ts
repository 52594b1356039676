/**
 * minimize's newer first-order methods: schedule-free reports the averaged point x (checked against
 * the class driven by hand), Sophia takes the objective's exact Hessian or is refused, and the
 * matrix-preconditioned and low-precision Adams reach the closed-form minimum of
 * f(x) = x_0² + x_0 x_1 + x_1² - 5 x_0 - 5 x_1, x* = (5/3, 5/3).
 */
import { describe, expect, it } from 'vitest';
import { ScheduleFreeAdamW, ScheduleFreeSGD } from '../optim/schedule-free.js';
import { param } from '../param.js';
import { minimize } from './minimize.js';

const quadratic = {
  f: (x: Float64Array) => x[0] * x[0] + x[0] * x[1] + x[1] * x[1] - 5 * x[0] - 5 * x[1],
  grad(x: Float64Array, g: Float64Array) {
    g[0] = 2 * x[0] + x[1] - 5;
    g[1] = x[0] + 2 * x[1] - 5;
  },
};
const withHessian = {
  ...quadratic,
  hessian(_x: Float64Array, out: Float64Array) {
    out.set([2, 1, 1, 2]);
  },
};
const xStar = 5 / 3;

describe('schedule-free methods report the averaged point x', () => {
  it.each([
    ['schedule-free-sgd', ScheduleFreeSGD, 0.1],
    ['schedule-free-adamw', ScheduleFreeAdamW, 0.05],
  ] as const)(
    '%s: the iterates are the x sequence of the class driven by hand (eval, read, train, step)',
    (method, cls, lr) => {
      const seen: number[][] = [];
      const r = minimize(quadratic, [0, 0], {
        method,
        lr,
        maxIter: 30,
        gtol: 0,
        callback: (x: Float64Array) => {
          seen.push(Array.from(x));
        },
      });
      const p = param(new Float64Array([0, 0]));
      const opt = new cls([p], { lr });
      const xs: number[][] = [];
      const g = new Float64Array(2);
      for (let k = 0; k <= 30; k++) {
        opt.eval();
        xs.push(Array.from(p.data));
        opt.train();
        quadratic.grad(p.data, g);
        p.grad.set(g);
        opt.step();
      }
      p.free();
      expect(Array.from(r.x)).toEqual(xs[30]);
      expect(seen[seen.length - 1]).toEqual(xs[30]);
      expect(seen).toEqual(xs.slice(xs.length - seen.length));
      expect(r.fun).toBe(quadratic.f(Float64Array.from(xs[30])));
    },
  );

  it('schedule-free-sgd reaches x* on the quadratic', () => {
    const r = minimize(quadratic, [0, 0], { method: 'schedule-free-sgd', lr: 0.1, maxIter: 5000 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(xStar, 4);
    expect(r.x[1]).toBeCloseTo(xStar, 4);
  });

  it('schedule-free methods refuse bounds, naming them', () => {
    expect(() =>
      minimize(quadratic, [0, 0], {
        method: 'schedule-free-sgd',
        bounds: [
          [0, 1],
          [0, 1],
        ],
      }),
    ).toThrow(/Invalid bounds for method 'schedule-free-sgd'/);
  });
});

describe('sophia in minimize', () => {
  it('is refused, by name and reason, for an objective with neither hvp nor hessian', () => {
    expect(() => minimize(quadratic, [0, 0], { method: 'sophia' })).toThrow(
      /'sophia' needs Hessian-vector products/,
    );
  });

  it('reaches x* with the exact Hessian (weightDecay 0)', () => {
    const r = minimize(withHessian, [0, 0], {
      method: 'sophia',
      lr: 0.05,
      maxIter: 5000,
      optimizerOptions: { weightDecay: 0 },
    });
    expect(r.x[0]).toBeCloseTo(xStar, 3);
    expect(r.x[1]).toBeCloseTo(xStar, 3);
  });
});

describe('matrix-preconditioned and low-precision Adams', () => {
  it.each([
    ['shampoo', 0.05, 4],
    ['soap', 0.05, 4],
    ['adam8bit', 0.05, 2],
    ['adamw8bit', 0.05, 2],
    ['adam-bf16', 0.05, 2],
    ['adamw-bf16', 0.05, 2],
  ] as const)('%s reaches x* (to %s, %s digits)', (method, lr, digits) => {
    const r = minimize(quadratic, [0, 0], {
      method,
      lr,
      maxIter: 5000,
      gtol: 1e-6,
      optimizerOptions: method.startsWith('adamw') || method === 'soap' ? { weightDecay: 0 } : {},
    });
    expect(Number.isFinite(r.fun)).toBe(true);
    expect(r.x[0]).toBeCloseTo(xStar, digits);
    expect(r.x[1]).toBeCloseTo(xStar, digits);
  });
});
