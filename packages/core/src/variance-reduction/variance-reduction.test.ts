/**
 * SAG, SAGA and SVRG: the same iterates as a NumPy reference on the same index sequence
 * (test/fixtures/finite-sum/variance_reduction.py), the same minimum as L-BFGS, linear convergence
 * at a fixed step (the measured rate per epoch), where plain SGD at the same step stalls at a noise
 * floor; and the shared option checks.
 */
import { readFileSync } from 'node:fs';
import { memoryStats } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { asObjective, type FiniteSum } from '../finite-sum/finite-sum.js';
import { irisLeastSquares, irisLogistic } from '../finite-sum/linear-models.js';
import { minimize } from '../minimize/minimize.js';
import { sag } from './sag.js';
import { saga } from './saga.js';
import { svrg } from './svrg.js';

interface RunCase {
  problem: string;
  method: 'sag' | 'saga' | 'svrg';
  lr: number;
  epochs: number;
  m: number;
  indices: number[];
  iterates: number[][];
  f: number[];
}
interface MinCase {
  problem: string;
  method: 'lbfgs';
  x: number[];
  fStar: number;
  l2: number;
  lipschitzMax: number;
}
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/finite-sum/variance_reduction.json', import.meta.url), 'utf8'),
) as { cases: (RunCase | MinCase)[] };

const problems: Record<string, () => FiniteSum> = {
  logistic: () => irisLogistic({ l2: 0.1 }),
  'least-squares': () => irisLeastSquares(),
};
const methods = { sag, saga, svrg };
const runs = fixture.cases.filter((c): c is RunCase => c.method !== 'lbfgs');
const minima = Object.fromEntries(
  fixture.cases.filter((c): c is MinCase => c.method === 'lbfgs').map((c) => [c.problem, c]),
);

describe('the NumPy reference', () => {
  it.each(runs.map((c) => [c.method, c.problem, c] as const))(
    '%s on iris %s gives its iterates epoch by epoch on the same indices',
    (method, problem, c) => {
      const fs = problems[problem]();
      let k = 0;
      const seen: number[][] = [];
      methods[method](fs, fs.x0, {
        lr: c.lr,
        epochs: c.epochs,
        m: c.m,
        sample: () => c.indices[k++],
        onEpoch: (_, theta) => {
          seen.push(Array.from(theta));
          return false;
        },
      });
      expect(k).toBe(c.indices.length);
      expect(seen.length).toBe(c.epochs);
      seen.forEach((theta, e) => {
        theta.forEach((v, j) => {
          expect(v).toBeCloseTo(c.iterates[e][j], 10);
        });
        expect(fs.full(Float64Array.from(theta))).toBeCloseTo(c.f[e], 12);
      });
    },
  );

  it('states the same L_max as the reference', () => {
    for (const [name, make] of Object.entries(problems)) {
      expect(make().lipschitzMax).toBeCloseTo(minima[name].lipschitzMax, 12);
    }
  });
});

/**
 * The measured linear rate per epoch, ρ = (gap_b / gap_a)^(1/(b − a)), on [a, b] = [5, the last
 * epoch with a gap above 1e-11] (below, rounding of f dominates), and on its two halves.
 */
function measuredRates(gap: number[]) {
  let b = gap.length - 1;
  while (b > 5 && !(gap[b] > 1e-11)) b--;
  const a = 5;
  const mid = Math.round((a + b) / 2);
  const rho = (from: number, to: number) => (gap[to] / gap[from]) ** (1 / (to - from));
  return { rho: rho(a, b), first: rho(a, mid), second: rho(mid, b), window: b - a };
}

/** Plain SGD, θ ← θ − η ∇fⱼ(θ), j uniform: the contrast (a naive loop, independent of the methods). */
function plainSgd(fs: FiniteSum, lr: number, epochs: number): number[] {
  let s = 12345;
  const theta = fs.x0.slice();
  const g = new Float64Array(fs.dim);
  const f = [fs.full(theta)];
  for (let e = 0; e < epochs; e++) {
    for (let t = 0; t < fs.n; t++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      fs.term(theta, s % fs.n, g);
      for (let j = 0; j < fs.dim; j++) theta[j] -= lr * g[j];
    }
    f.push(fs.full(theta));
  }
  return f;
}

describe.each(Object.keys(problems))('on iris %s', (name) => {
  const fs = problems[name]();
  const lbfgs = minimize(asObjective(fs), fs.x0, { method: 'lbfgs', gtol: 1e-12, ftol: 0 });
  const fStar = lbfgs.fun;
  const L = fs.lipschitzMax!;

  it('L-BFGS agrees with SciPy on the minimum', () => {
    expect(fStar).toBeCloseTo(minima[name].fStar, 13);
    lbfgs.x.forEach((v, j) => {
      expect(v).toBeCloseTo(minima[name].x[j], 6);
    });
  });

  const steps = { saga: 1 / (3 * L), sag: 1 / (16 * L), svrg: 1 / (10 * L) };
  it.each(Object.entries(steps))(
    '%s reaches the L-BFGS minimum linearly at its fixed textbook step, where SGD stalls',
    (method, lr) => {
      const epochs = 150;
      const r = methods[method as keyof typeof methods](fs, fs.x0, { lr, epochs, seed: 3 });
      const gap = r.history.f.map((f) => f - fStar);
      const { rho, first, second, window } = measuredRates(gap);
      // linear: a rate well below 1, the same in both halves of the window (not slowing down)
      expect(window).toBeGreaterThanOrEqual(10);
      expect(rho).toBeLessThan(0.9);
      expect(first).toBeLessThan(0.92);
      expect(second).toBeLessThan(0.92);
      expect(gap[epochs]).toBeLessThan(1e-6);
      if (method !== 'sag') {
        r.x.forEach((v, j) => {
          expect(v).toBeCloseTo(lbfgs.x[j], 5);
        });
      }
      // the same step without variance reduction: a noise floor over the last 50 epochs
      const floor = Math.min(
        ...plainSgd(fs, lr, epochs)
          .slice(100)
          .map((f) => f - fStar),
      );
      expect(floor).toBeGreaterThan(100 * Math.max(gap[epochs], 1e-15));
    },
  );
});

describe('SAG, SAGA and SVRG', () => {
  const fs = irisLogistic({ l2: 0.1 });

  it.each(Object.keys(methods))('%s counts its component gradients', (method) => {
    const r = methods[method as keyof typeof methods](fs, fs.x0, { lr: 0.01, epochs: 3, m: 7 });
    const perEpoch = method === 'svrg' ? fs.n + 14 : fs.n;
    const init = method === 'saga' ? fs.n : 0;
    expect(r.history.gradEvals).toEqual([0, 1, 2, 3].map((e) => init + e * perEpoch));
    expect(r.gradEvals).toBe(init + 3 * perEpoch);
    expect(r.fun).toBe(fs.full(r.x));
  });

  it.each(Object.keys(methods))('%s returns its kernel memory', (method) => {
    const before = memoryStats().bytesInUse;
    methods[method as keyof typeof methods](fs, fs.x0, { lr: 0.01, epochs: 1 });
    expect(memoryStats().bytesInUse).toBe(before);
  });

  it.each(Object.keys(methods))('%s refuses bad options by name and stops on divergence', (method) => {
    const run = methods[method as keyof typeof methods];
    expect(() => run(fs, fs.x0, { lr: 0 })).toThrow(/Invalid lr: 0/);
    expect(() => run(fs, fs.x0, { lr: 0.1, epochs: 1.5 })).toThrow(/Invalid epochs: 1.5/);
    expect(() => run(fs, [1, 2], { lr: 0.1 })).toThrow(/theta0 has length 2/);
    expect(() => run(fs, fs.x0, { lr: 0.1, sample: () => 100 })).toThrow(/sample\(\): 100/);
    expect(() => run(fs, fs.x0, { lr: 1e6, epochs: 50 })).toThrow(/diverged/);
  });

  it('stops early when onEpoch returns true', () => {
    const r = saga(fs, fs.x0, { lr: 0.05, epochs: 10, onEpoch: (e) => e === 2 });
    expect(r.history.f.length).toBe(3);
  });

  it('refuses an unknown table start and SVRG an invalid m', () => {
    expect(() => saga(fs, fs.x0, { lr: 0.1, init: 'ones' as never })).toThrow(/init: ones/);
    expect(() => svrg(fs, fs.x0, { lr: 0.1, m: 0 })).toThrow(/Invalid m: 0/);
  });
});
