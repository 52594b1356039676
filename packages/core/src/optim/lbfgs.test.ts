import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Param, param } from '../param.js';
import { LBFGS, type LBFGSOptions } from './lbfgs.js';
import { NonFiniteGradientError } from './optimizer.js';
import { decodeStateDict, encodeStateDict } from './state-dict.js';

interface TorchStep {
  params: number[][];
  loss: number;
  funcEvals: number;
  nIter: number;
}
interface TorchCase {
  name: string;
  dtype: 'f32' | 'f64';
  x0: number[];
  sizes: number[];
  options: Partial<LBFGSOptions>;
  steps: TorchStep[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/torch_lbfgs.json', import.meta.url), 'utf8'),
) as { cases: TorchCase[] };

/** Rosenbrock over the concatenation of `params`; fills their gradients (scipy.optimize.rosen). */
function rosenbrockClosure(params: Param[], opt: { zeroGrad(): void }): () => number {
  // f32 parameters: every operation rounded to f32, as torch computes in the tensor's dtype
  const R = params[0].dtype === 'f32' ? Math.fround : (v: number) => v;
  return () => {
    opt.zeroGrad();
    const x = params.flatMap((p) => Array.from(p.data));
    const n = x.length;
    const fromPow = new Float64Array(n);
    const fromRsub = new Float64Array(n);
    const fromNext = new Float64Array(n);
    let f = 0;
    for (let i = 0; i < n - 1; i++) {
      const a = R(x[i + 1] - R(x[i] * x[i]));
      const e = R(1 - x[i]);
      f = R(f + R(R(100 * R(a * a)) + R(e * e)));
      // the gradient as autograd computes it: d(a²)·100 = 100 (2a), d(x²) = g (2x)
      const ga = R(100 * (2 * a));
      fromNext[i + 1] = ga;
      fromPow[i] = -R(ga * (2 * x[i]));
      fromRsub[i] = -(2 * e);
    }
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) g[i] = R(R(fromNext[i] + fromRsub[i]) + fromPow[i]);
    let off = 0;
    for (const p of params) {
      p.grad.set(g.subarray(off, off + p.length));
      off += p.length;
    }
    return f;
  };
}

function makeParams(c: { x0: number[]; sizes: number[]; dtype: 'f32' | 'f64' }): Param[] {
  let off = 0;
  return c.sizes.map((s) => {
    const values = c.x0.slice(off, off + s);
    off += s;
    return param(values, { dtype: c.dtype });
  });
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe('LBFGS matches torch.optim.LBFGS on Rosenbrock', () => {
  for (const c of fixture.cases) {
    for (const impl of ['fused', 'reference'] as const) {
      it(`${c.name} (${impl})`, () => {
        const params = makeParams(c);
        const opt = new LBFGS(params, { ...c.options, impl });
        const closure = rosenbrockClosure(params, opt);
        // Rounding differs from torch's (its BLAS dot, fused multiply-adds in add_, autograd's
        // summation order) and Rosenbrock's valley amplifies it near convergence to ~4e-7 (f64):
        // the iterates agree to 1e-6 while every branch taken agrees exactly (the counts match).
        const tol = c.dtype === 'f64' ? 1e-6 : 1e-3;
        let worst = 0;
        c.steps.forEach((s, k) => {
          const loss = opt.step(closure);
          expect(relErr(loss, s.loss), `loss at step ${k + 1}`).toBeLessThan(tol);
          params.forEach((p, j) => {
            for (let i = 0; i < p.length; i++) worst = Math.max(worst, relErr(p.data[i], s.params[j][i]));
          });
          expect(worst, `parameters after step ${k + 1}`).toBeLessThan(tol);
          expect(opt.funcEvals).toBe(s.funcEvals);
          expect(opt.nIter).toBe(s.nIter);
        });
      });
    }
  }
});

function runSteps(opt: LBFGS, closure: () => number, steps: number): void {
  for (let k = 0; k < steps; k++) opt.step(closure);
}

describe('LBFGS fused and reference paths', () => {
  for (const lineSearchFn of [null, 'strong_wolfe'] as const) {
    it(`agree to 1e-12 over 10 iterations on Rosenbrock (n = 10, two params, lineSearchFn ${lineSearchFn})`, () => {
      const c = { x0: [-1.2, 1, -1.2, 1, -1.2, 1, -1.2, 1, -1.2, 1], sizes: [3, 7], dtype: 'f64' as const };
      const run = (impl: 'fused' | 'reference') => {
        const ps = makeParams(c);
        const opt = new LBFGS(ps, {
          impl,
          lineSearchFn,
          lr: lineSearchFn ? 1 : 0.2,
          maxIter: 5,
          historySize: 4,
        });
        runSteps(opt, rosenbrockClosure(ps, opt), 2);
        return { x: ps.flatMap((p) => Array.from(p.data)), evals: opt.funcEvals };
      };
      const fused = run('fused');
      const reference = run('reference');
      expect(fused.evals).toBe(reference.evals);
      for (let i = 0; i < 10; i++) expect(relErr(fused.x[i], reference.x[i])).toBeLessThan(1e-12);
    });
  }
});

describe('LBFGS state', () => {
  const setups = [
    {
      name: 'strong Wolfe, two params, history 3',
      options: { lineSearchFn: 'strong_wolfe', historySize: 3, maxIter: 4 },
    },
    { name: 'fixed step', options: { lr: 0.5, maxIter: 3, historySize: 2 } },
  ] as const;
  for (const setup of setups) {
    for (const via of ['direct', 'structuredClone', 'JSON'] as const) {
      it(`continues bit-identically after a stateDict round trip (${setup.name}, ${via})`, () => {
        const c = { x0: [-1.2, 1, -1.2, 1, -1.2, 1], sizes: [2, 4], dtype: 'f64' as const };
        const a = makeParams(c);
        const optA = new LBFGS(a, setup.options);
        runSteps(optA, rosenbrockClosure(a, optA), 6);

        const b = makeParams(c);
        const optB = new LBFGS(b, setup.options);
        runSteps(optB, rosenbrockClosure(b, optB), 3);
        let sd = optB.stateDict();
        if (via === 'structuredClone') sd = structuredClone(sd);
        if (via === 'JSON') sd = decodeStateDict(JSON.parse(JSON.stringify(encodeStateDict(sd))));
        const c2 = makeParams(c);
        for (const [j, p] of c2.entries()) p.data.set(b[j].data);
        const optC = new LBFGS(c2, setup.options);
        optC.loadStateDict(sd);
        runSteps(optC, rosenbrockClosure(c2, optC), 3);
        for (const [j, p] of a.entries()) expect(Array.from(c2[j].data)).toEqual(Array.from(p.data));
        expect(optC.funcEvals).toBe(optA.funcEvals);
        expect(optC.stateDict()).toEqual(optA.stateDict());
      });
    }
  }

  it('keeps at most historySize correction pairs, oldest first', () => {
    const p = [param([-1.2, 1, -1.2, 1])];
    const opt = new LBFGS(p, { historySize: 3, lineSearchFn: 'strong_wolfe' });
    opt.step(rosenbrockClosure(p, opt));
    const s = opt.stateDict().state[0];
    expect(s.ro).toHaveLength(3);
    expect((s.oldDirs as Float64Array).length).toBe(12);
    expect((s.oldStps as Float64Array).length).toBe(12);
  });

  it('rejects a state dict for parameters of another size, changing nothing', () => {
    const p = [param([-1.2, 1])];
    const opt = new LBFGS(p);
    opt.step(rosenbrockClosure(p, opt));
    const before = opt.stateDict();
    const other = new LBFGS([param([0, 0, 0])]);
    other.step(rosenbrockClosure(other.paramGroups[0].params, other));
    expect(() => opt.loadStateDict(other.stateDict())).toThrow(
      /prevFlatGrad has length 3, expected 2|d has length 3, expected 2/,
    );
    expect(opt.stateDict()).toEqual(before);
  });

  it('resetState starts the next step from steepest descent again', () => {
    const p = [param([-1.2, 1])];
    const opt = new LBFGS(p, { maxIter: 3 });
    const closure = rosenbrockClosure(p, opt);
    opt.step(closure);
    opt.resetState();
    expect(opt.nIter).toBe(0);
    expect(opt.stateDict().state).toEqual({});
  });
});

describe('LBFGS options', () => {
  it("has torch's defaults, with maxEval = floor(1.25 maxIter)", () => {
    const opt = new LBFGS([param([1, 2])]);
    expect({ ...opt.defaults }).toEqual({
      lr: 1,
      maxIter: 20,
      maxEval: 25,
      toleranceGrad: 1e-7,
      toleranceChange: 1e-9,
      historySize: 100,
      lineSearchFn: null,
    });
    expect(new LBFGS([param([1])], { maxIter: 10 }).defaults.maxEval).toBe(12);
  });

  const invalid: [Record<string, unknown>, string | RegExp][] = [
    [{ lr: -1 }, 'Invalid learning rate: -1'],
    [{ maxIter: 0 }, 'Invalid maxIter value: 0 (expected a positive integer)'],
    [{ maxIter: 2.5 }, 'Invalid maxIter value: 2.5 (expected a positive integer)'],
    [{ maxEval: -3 }, 'Invalid maxEval value: -3 (expected a positive integer)'],
    [{ toleranceGrad: -1e-5 }, 'Invalid toleranceGrad value: -0.00001'],
    [{ toleranceChange: Number.NaN }, 'Invalid toleranceChange value: NaN'],
    [{ historySize: 0 }, 'Invalid historySize value: 0 (expected a positive integer)'],
    [{ lineSearchFn: 'armijo' }, "Invalid lineSearchFn value: armijo (expected 'strong_wolfe' or null)"],
    [{ line_search_fn: 'strong_wolfe' }, /Unknown LBFGS option: line_search_fn/],
  ];
  for (const [options, message] of invalid) {
    it(`rejects ${JSON.stringify(options)} with a RangeError naming it`, () => {
      expect(() => new LBFGS([param([1, 2])], options as Partial<LBFGSOptions>)).toThrow(
        message instanceof RegExp ? message : new RangeError(message),
      );
    });
  }

  it('rejects more than one parameter group, as torch', () => {
    expect(() => new LBFGS([{ params: [param([1])] }, { params: [param([2])] }])).toThrow(
      "LBFGS doesn't support per-parameter options (parameter groups)",
    );
    const opt = new LBFGS([param([1])]);
    expect(() => opt.addParamGroup()).toThrow(RangeError);
  });

  it('rejects parameters of different dtypes', () => {
    expect(() => new LBFGS([param([1], { dtype: 'f32' }), param([2], { dtype: 'f64' })])).toThrow(
      /one dtype/,
    );
  });

  it('needs a closure', () => {
    const opt = new LBFGS([param([1])]);
    expect(() => opt.step()).toThrow(TypeError);
  });
});

describe('LBFGS with non-finite values', () => {
  it('throws on a NaN gradient at the first evaluation, changing nothing', () => {
    const p = [param([-1.2, 1])];
    const opt = new LBFGS(p, { maxIter: 2 });
    const good = rosenbrockClosure(p, opt);
    opt.step(good);
    const before = opt.stateDict();
    const x = Array.from(p[0].data);
    const bad = () => {
      good();
      p[0].grad[1] = Number.NaN;
      return 1;
    };
    expect(() => opt.step(bad)).toThrow(NonFiniteGradientError);
    expect(Array.from(p[0].data)).toEqual(x);
    expect(opt.stateDict()).toEqual(before);
  });

  it("skips the step with onNonFinite: 'skip'", () => {
    const p = [param([-1.2, 1])];
    const opt = new LBFGS(p, { onNonFinite: 'skip' });
    const x = Array.from(p[0].data);
    opt.step(() => {
      p[0].grad.fill(Number.POSITIVE_INFINITY);
      return 0;
    });
    expect(opt.skippedSteps).toBe(1);
    expect(opt.nIter).toBe(0);
    expect(Array.from(p[0].data)).toEqual(x);
  });

  it('puts the parameters back at the last finite iterate when a fixed step overflows', () => {
    // f = exp(x²): a fixed step of lr = 1e3 from x = 1 overflows
    const p = [param([1])];
    const opt = new LBFGS(p, { lr: 1e3 });
    const closure = () => {
      const x = p[0].data[0];
      p[0].grad[0] = 2 * x * Math.exp(x * x);
      return Math.exp(x * x);
    };
    expect(() => opt.step(closure)).toThrow(NonFiniteGradientError);
    expect(Number.isFinite(p[0].data[0])).toBe(true);
    expect(Math.exp(p[0].data[0] ** 2)).toBeLessThan(Number.POSITIVE_INFINITY);
  });

  it('backtracks with strong Wolfe when a trial point overflows, and converges', () => {
    // f = (x - 3)² for x < 5, +Infinity beyond: the first trial steps past 5
    const p = [param([0])];
    const opt = new LBFGS(p, { lr: 100, lineSearchFn: 'strong_wolfe' });
    const closure = () => {
      const x = p[0].data[0];
      p[0].grad[0] = x < 5 ? 2 * (x - 3) : Number.NaN;
      return x < 5 ? (x - 3) ** 2 : Number.POSITIVE_INFINITY;
    };
    for (let k = 0; k < 3; k++) opt.step(closure);
    expect(p[0].data[0]).toBeCloseTo(3, 6);
  });
});
