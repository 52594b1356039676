import { describe, expect, it } from 'vitest';
import { rosenbrock } from '../problems/classic-nd.js';
import { quadratic } from '../problems/quadratic.js';
import { firstOrderMethodNames } from './first-order.js';
import { type MinimizeOptions, minimize } from './minimize.js';

/** f = ½ xᵀAx - bᵀx with minimizer x* = (1, -1) (A x* = b). */
const A = [
  [3, 0.5],
  [0.5, 1],
];
const b = [2.5, -0.5];
const xStar = [1, -1];

/** Rosenbrock as one function (x, g?) => f filling g when given. */
function rosenbrockFn(x: Float64Array, g?: Float64Array): number {
  const p = rosenbrock(x.length);
  if (g) p.grad(x, g);
  return p.f(x);
}

describe('minimize() objectives and results', () => {
  it('gives the same result for a problem object and for one (x, g?) => f function', () => {
    const p = rosenbrock(4);
    const a = minimize(p, p.x0);
    const c = minimize(rosenbrockFn, p.x0);
    expect(Array.from(c.x)).toEqual(Array.from(a.x));
    expect(c.nfev).toBe(a.nfev);
    expect(a.converged).toBe(true);
  });

  it('uses lbfgs by default and returns x, fun, grad consistent with each other', () => {
    const p = rosenbrock(3);
    const r = minimize(p, p.x0);
    expect(r.fun).toBe(p.f(r.x));
    const g = p.grad(r.x, new Float64Array(3));
    expect(Array.from(r.grad)).toEqual(Array.from(g));
    expect(Math.max(...Array.from(r.grad, Math.abs))).toBeLessThanOrEqual(1e-5);
    // lbfgs words its messages as SciPy's L-BFGS-B does
    expect(r.message).toBe('CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL');
  });

  it('records f at x0 and after every iteration, and the path with recordPath', () => {
    const p = rosenbrock(2);
    const r = minimize(p, p.x0, { method: 'bfgs', recordPath: true });
    expect(r.history.f).toHaveLength(r.nit + 1);
    expect(r.history.f[0]).toBe(p.f(p.x0));
    expect(r.history.f[r.nit]).toBe(r.fun);
    expect(r.history.x).toHaveLength(r.nit + 1);
    expect(Array.from(r.history.x?.[r.nit] ?? [])).toEqual(Array.from(r.x));
    expect(minimize(p, p.x0, { method: 'bfgs' }).history.x).toBeUndefined();
  });

  it('does not modify x0', () => {
    const x0 = new Float64Array([-1.2, 1]);
    minimize(rosenbrock(2), x0);
    expect(Array.from(x0)).toEqual([-1.2, 1]);
  });

  it('counts Hessian evaluations for newton', () => {
    const p = rosenbrock(2);
    const r = minimize(p, p.x0, { method: 'newton' });
    expect(r.nhev).toBe(r.nit);
    expect(r.ngev).toBe(r.nfev);
  });
});

describe('minimize() stopping rules', () => {
  const p = rosenbrock(2);
  it('stops at maxIter with converged false', () => {
    const r = minimize(p, p.x0, { method: 'bfgs', maxIter: 3 });
    expect(r.nit).toBe(3);
    expect(r.converged).toBe(false);
    expect(r.message).toBe('Maximum number of iterations reached');
  });

  it('stops at maxFev', () => {
    const r = minimize(p, p.x0, { method: 'lbfgs', maxFev: 10 });
    expect(r.nfev).toBeLessThanOrEqual(10);
    expect(r.converged).toBe(false);
    expect(r.message).toBe('STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT'); // L-BFGS-B's words
  });

  it('stops on ftol, the relative change of f', () => {
    const loose = minimize(p, p.x0, { method: 'lbfgs', ftol: 1e-3, gtol: 0 });
    expect(loose.converged).toBe(true);
    expect(loose.message).toBe('CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH'); // L-BFGS-B's words
    const [f1, f0] = [loose.history.f[loose.nit], loose.history.f[loose.nit - 1]];
    expect(Math.abs(f0 - f1) / Math.max(Math.abs(f0), Math.abs(f1), 1)).toBeLessThanOrEqual(1e-3);
  });

  it('stops when the callback returns true', () => {
    const seen: number[] = [];
    const r = minimize(p, p.x0, {
      callback: (_x, f, nit) => {
        seen.push(f);
        return nit === 4;
      },
    });
    expect(r.nit).toBe(4);
    expect(seen).toHaveLength(4);
    expect(r.message).toBe('Stopped by the callback');
  });
});

describe('minimize() with first-order methods', () => {
  const cases: [string, MinimizeOptions][] = [
    ['gd', { lr: 0.2 }],
    ['momentum', { lr: 0.05 }],
    ['nesterov', { lr: 0.05 }],
    ['adagrad', { lr: 0.5 }],
    ['rmsprop', { lr: 0.01 }],
    ['adam', { lr: 0.05 }],
    ['adamw', { lr: 0.05, optimizerOptions: { weightDecay: 0 } }],
    ['nadam', { lr: 0.05 }],
    ['radam', { lr: 0.05 }],
    ['adamax', { lr: 0.05 }],
    ['rprop', {}],
  ];
  for (const [method, options] of cases) {
    it(`${method} reaches the minimizer of a convex quadratic (closed form A⁻¹b)`, () => {
      const r = minimize(quadratic(A, b), [0, 0], { method, maxIter: 5000, gtol: 1e-6, ...options });
      expect(r.converged, r.message).toBe(true);
      expect(r.x[0]).toBeCloseTo(xStar[0], 4);
      expect(r.x[1]).toBeCloseTo(xStar[1], 4);
    });
  }

  for (const method of firstOrderMethodNames()) {
    it(`${method} runs by name, lowering f on a convex quadratic`, () => {
      const q = quadratic(A, b);
      const r = minimize(q, [0, 0], { method, maxIter: 20, lr: 1e-2 });
      expect(r.nit).toBe(20);
      expect(r.ngev).toBe(method.startsWith('schedule-free') ? 41 : 21); // + one at y per step
      expect(r.fun).toBeLessThan(q.f(new Float64Array([0, 0])));
    });
  }

  it("gd's iterates are x ← x - lr ∇f(x), by hand", () => {
    const q = quadratic(A, b);
    const r = minimize(q, [0, 0], { method: 'gd', lr: 0.1, maxIter: 3, recordPath: true });
    const x = new Float64Array([0, 0]);
    const g = new Float64Array(2);
    for (let k = 1; k <= 3; k++) {
      q.grad(x, g);
      x[0] -= 0.1 * g[0];
      x[1] -= 0.1 * g[1];
      expect(Array.from(r.history.x?.[k] ?? [])).toEqual(Array.from(x));
    }
    expect(r.nit).toBe(3);
    expect(r.ngev).toBe(4);
  });

  it('momentum is SGD with momentum 0.9 (the heavy ball v ← 0.9 v + g, x ← x - lr v)', () => {
    const q = quadratic(A, b);
    const r = minimize(q, [0, 0], { method: 'momentum', lr: 0.1, maxIter: 4, recordPath: true });
    const x = new Float64Array([0, 0]);
    const v = new Float64Array(2);
    const g = new Float64Array(2);
    for (let k = 1; k <= 4; k++) {
      q.grad(x, g);
      for (let i = 0; i < 2; i++) {
        v[i] = k === 1 ? g[i] : 0.9 * v[i] + g[i];
        x[i] -= 0.1 * v[i];
      }
      for (let i = 0; i < 2; i++) expect(r.history.x?.[k][i]).toBeCloseTo(x[i], 14);
    }
  });

  it('ends a divergent run (gd with a huge learning rate) with converged false and a message', () => {
    const p = rosenbrock(2);
    const r = minimize(p, p.x0, { method: 'gd', lr: 10 });
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/^Diverged/);
    expect(r.nit).toBeLessThan(1000);
  });

  it('ends a slowly divergent run at maxIter, converged false', () => {
    // f = -x (unbounded below): gd moves by lr each step, never non-finite
    const r = minimize(
      (x, g) => {
        if (g) g[0] = -1;
        return -x[0];
      },
      [0],
      { method: 'gd', lr: 1, maxIter: 50 },
    );
    expect(r.converged).toBe(false);
    expect(r.nit).toBe(50);
  });
});

describe('minimize() divergence with line-search methods', () => {
  it('reports a non-finite f at x0 instead of throwing', () => {
    const r = minimize(() => Number.NaN, [1, 2], { method: 'bfgs' });
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/^Diverged/);
    expect(r.nit).toBe(0);
  });

  it('ends an unbounded problem with converged false, without hanging', () => {
    const r = minimize(
      (x, g) => {
        if (g) g[0] = -Math.exp(x[0]);
        return -Math.exp(x[0]);
      },
      [0],
      { method: 'lbfgs' },
    );
    expect(r.converged).toBe(false);
    expect(r.message).not.toBe('');
  });
});

describe('minimize() rejects bad input before evaluating anything', () => {
  let calls = 0;
  const counted = (x: Float64Array, g?: Float64Array) => {
    calls++;
    return rosenbrockFn(x, g);
  };
  const bad: [string, unknown, MinimizeOptions | undefined, string | RegExp][] = [
    ['an unknown option', [1, 1], { maxiter: 5 } as MinimizeOptions, /Unknown minimize option: maxiter/],
    ['an unknown method', [1, 1], { method: 'cg' }, /Invalid method: cg \(known: lbfgs, bfgs, newton, .*gd/],
    ['a negative gtol', [1, 1], { gtol: -1 }, 'Invalid gtol value: -1'],
    ['an ftol of 2', [1, 1], { ftol: 2 }, 'Invalid ftol value: 2'],
    ['maxIter 0', [1, 1], { maxIter: 0 }, 'Invalid maxIter value: 0 (expected a positive integer)'],
    [
      'a fractional maxFev',
      [1, 1],
      { maxFev: 1.5 },
      'Invalid maxFev value: 1.5 (expected a positive integer)',
    ],
    [
      'historySize 0',
      [1, 1],
      { historySize: 0 },
      'Invalid historySize value: 0 (expected a positive integer)',
    ],
    [
      'an unknown lineSearch',
      [1, 1],
      { method: 'bfgs', lineSearch: 'armijo' as 'exact' },
      /Invalid lineSearch value: armijo/,
    ],
    [
      'an exact Hessian the objective lacks',
      [1, 1],
      { method: 'newton', hessian: 'exact' },
      /Invalid hessian value: 'exact'/,
    ],
    ['a negative learning rate', [1, 1], { method: 'adam', lr: -1 }, 'Invalid learning rate: -1'],
    [
      'bad optimizer options',
      [1, 1],
      { method: 'adam', optimizerOptions: { betas: [0.9, 1.5] } },
      /Invalid beta parameter at index 1: 1.5/,
    ],
    ['a non-finite x0', [1, Number.NaN], {}, 'x0 has a non-finite entry'],
    ['an empty x0', [], {}, 'x0 is empty'],
  ];
  for (const [what, x0, options, message] of bad) {
    it(`throws a RangeError for ${what}`, () => {
      calls = 0;
      expect(() => minimize(counted, x0 as number[], options)).toThrow(
        typeof message === 'string' ? new RangeError(message) : message,
      );
      expect(calls).toBe(0);
    });
  }

  it("names both lengths when x0 does not match the problem's dim", () => {
    expect(() => minimize(rosenbrock(3), [1, 2])).toThrow("x0 has length 2, but the objective's dim is 3");
  });

  it('throws a TypeError for an objective that is neither form', () => {
    expect(() => minimize({ f: () => 0 } as never, [1])).toThrow(TypeError);
  });
});

describe("minimize() accepts SciPy's method names and result fields", () => {
  const p = rosenbrock(3);

  it("runs 'L-BFGS-B' and 'BFGS' (any case) exactly as 'lbfgs' and 'bfgs'", () => {
    for (const [alias, own] of [
      ['L-BFGS-B', 'lbfgs'],
      ['l-bfgs-b', 'lbfgs'],
      ['BFGS', 'bfgs'],
      ['Bfgs', 'bfgs'],
      ['LBFGS', 'lbfgs'],
      ['Adam', 'adam'],
    ]) {
      const a = minimize(p, p.x0, { method: alias, maxIter: 50 });
      const b = minimize(p, p.x0, { method: own, maxIter: 50 });
      expect(Array.from(a.x), alias).toEqual(Array.from(b.x));
      expect(a.nfev).toBe(b.nfev);
    }
  });

  it('refuses bounds instead of ignoring them in a method without them, naming the method', () => {
    const bounds: [number, number][] = [
      [0, 2],
      [0, 2],
      [0, 2],
    ];
    for (const method of ['BFGS', 'Newton-CG', 'Nelder-Mead', 'trust-exact']) {
      expect(() => minimize(p, p.x0, { method, bounds })).toThrow(
        `bounds are not supported by method ${method}`,
      );
    }
  });

  it('names unknown methods with the SciPy aliases in the message', () => {
    expect(() => minimize(p, p.x0, { method: 'SLSQP' })).toThrow(/Invalid method: SLSQP.*'L-BFGS-B'/);
  });

  it('adds success, status, jac and njev beside converged, grad and ngev', () => {
    const done = minimize(p, p.x0, { method: 'BFGS' });
    expect(done.success).toBe(true);
    expect(done.status).toBe(0);
    expect(done.jac).toBe(done.grad);
    expect(done.njev).toBe(done.ngev);
    expect(minimize(p, p.x0, { method: 'BFGS', maxIter: 2 }).status).toBe(1);
    expect(minimize(p, p.x0, { method: 'L-BFGS-B', maxFev: 5 }).status).toBe(1);
    const nan = minimize((x) => (x[0] > 0.5 ? Number.NaN : (x[0] - 1) ** 2), [0], { method: 'gd', lr: 0.6 });
    expect(nan.success).toBe(false);
    expect(nan.status).toBe(3);
    const cb = minimize(p, p.x0, { callback: () => true });
    expect(cb.status).toBe(99);
  });
});
