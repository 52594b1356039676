/**
 * Dynamic sampling: the schedules against their closed forms, and the norm test run on a synthetic
 * logistic regression (n = 2000, large enough for many batches below n): every decision recomputed naively (two-pass variance over the batch's
 * gradients), the condition it claims holding for the next batch, and the population version
 * E‖∇f_S − ∇f‖² ≤ ϑ² ‖∇f‖² (exact, from all n gradients) where the test passed: in most steps,
 * and within a factor 2 in all — the test is a sample estimate, and ‖∇f_S‖² overestimates ‖∇f‖²
 * by Var/|S| on average.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../analysis/seeded-random.js';
import { asObjective, type FiniteSum } from '../finite-sum/finite-sum.js';
import { fromDataset, irisLogistic } from '../finite-sum/linear-models.js';
import { minimize } from '../minimize/minimize.js';
import { geometricBatchSize, lrDecayAsBatchGrowth, normTest } from './batch-size.js';
import { minibatchSgd } from './minibatch-sgd.js';

const fs = irisLogistic({ l2: 0.1 });

/** Labels drawn from a logistic model with weights (1.5, −2, 0.5, 1) and bias 0.3 on Gaussian features. */
function syntheticLogistic(n: number): FiniteSum {
  const rng = seededRandom(7);
  const p = 4;
  const w = [1.5, -2, 0.5, 1];
  const X = Float64Array.from({ length: n * p }, () => rng.normal());
  const y = Array.from({ length: n }, (_, i) => {
    let z = 0.3;
    for (let j = 0; j < p; j++) z += w[j] * X[i * p + j];
    return rng.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  });
  return fromDataset({ X, y, model: 'logistic', l2: 0.01 });
}

function gradients(fs: FiniteSum, theta: Float64Array, indices: ArrayLike<number>): Float64Array[] {
  return Array.from(indices, (i) => {
    const g = new Float64Array(fs.dim);
    fs.term(theta, i, g);
    return g;
  });
}
const mean = (gs: Float64Array[]) => gs[0].map((_, j) => gs.reduce((s, g) => s + g[j], 0) / gs.length);
const dist2 = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((s, v, j) => s + (v - b[j]) ** 2, 0);

describe('geometricBatchSize', () => {
  it('gives min(max, ceil(b0 r^k))', () => {
    const s = geometricBatchSize({ initial: 2, factor: 1.5, max: 40 });
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map(s)).toEqual([2, 3, 5, 7, 11, 16, 23, 35, 40]);
  });

  it('refuses a factor <= 1, a fractional start and a negative step', () => {
    expect(() => geometricBatchSize({ factor: 1 })).toThrow(/factor: 1/);
    expect(() => geometricBatchSize({ initial: 1.5 })).toThrow(/initial: 1.5/);
    expect(() => geometricBatchSize({ initial: 4, max: 2 })).toThrow(/max: 2/);
    expect(() => geometricBatchSize()(-1)).toThrow(/step k: -1/);
  });
});

describe('lrDecayAsBatchGrowth', () => {
  it('keeps the noise scale lr / batch of the decayed schedule, growing the batch up to its cap', () => {
    const grow = lrDecayAsBatchGrowth({ lr: 0.1, initial: 8, max: 100 });
    for (const c of [1, 0.5, 0.2, 0.1, 0.05, 0.01]) {
      const { batchSize, lr } = grow(c);
      expect(lr / batchSize).toBeCloseTo((0.1 * c) / 8, 15);
      expect(batchSize).toBe(Math.min(100, 8 / c));
      if (8 / c <= 100) expect(lr).toBeCloseTo(0.1, 15);
    }
    expect(() => grow(0)).toThrow(/lr factor: 0/);
  });
});

describe('normTest', () => {
  it('computes the sample variance and the size that would pass, from its formula', () => {
    const gs = [new Float64Array([1, 2]), new Float64Array([3, 0]), new Float64Array([2, 4])];
    const g = mean(gs);
    const v = gs.reduce((s, gi) => s + dist2(gi, g), 0) / 2;
    const r = normTest(
      gs.reduce((s, gi) => s + gi[0] ** 2 + gi[1] ** 2, 0),
      g[0] ** 2 + g[1] ** 2,
      3,
      0.3,
    );
    expect(r.variance).toBeCloseTo(v, 13);
    expect(r.passed).toBe(v / 3 <= 0.09 * (g[0] ** 2 + g[1] ** 2));
    expect(r.size).toBe(Math.ceil(v / (0.09 * (g[0] ** 2 + g[1] ** 2))));
  });
});

describe('minibatchSgd with the norm test', () => {
  const fs = syntheticLogistic(2000);
  const fStar = minimize(asObjective(fs), fs.x0, { gtol: 1e-12, ftol: 0 }).fun;
  const vartheta = 0.9;
  const steps: {
    theta: Float64Array;
    batch: number[];
    passed: boolean;
    size: number;
    variance: number;
    g2: number;
  }[] = [];
  const r = minibatchSgd(fs, fs.x0, {
    lr: 1,
    epochs: 30,
    batch: 'norm-test',
    initialBatch: 16,
    vartheta,
    seed: 1,
    onStep: (_, S, theta, t) => {
      steps.push({
        theta,
        batch: Array.from(S),
        passed: t!.passed,
        size: t!.size,
        variance: t!.variance,
        g2: t!.gradNorm2,
      });
    },
  });

  it('makes each decision from the batch it drew (checked by a naive two-pass variance)', () => {
    expect(steps.length).toBe(r.batchSizes.length);
    for (const s of steps) {
      expect(new Set(s.batch).size).toBe(s.batch.length);
      const gs = gradients(fs, s.theta, s.batch);
      const g = mean(gs);
      const v = gs.reduce((acc, gi) => acc + dist2(gi, g), 0) / (gs.length - 1);
      expect(s.variance).toBeCloseTo(v, 10);
      expect(s.passed).toBe(v / gs.length <= vartheta ** 2 * dist2(g, new Float64Array(fs.dim)));
    }
  });

  it('grows the batch so the condition holds for the next one (unless capped at n)', () => {
    for (let k = 0; k + 1 < steps.length; k++) {
      const s = steps[k];
      const next = r.batchSizes[k + 1];
      expect(next).toBeGreaterThanOrEqual(r.batchSizes[k]);
      if (next < fs.n) expect(s.variance / next).toBeLessThanOrEqual(vartheta ** 2 * s.g2 * (1 + 1e-12));
    }
    expect(r.batchSizes[r.batchSizes.length - 1]).toBeGreaterThan(r.batchSizes[0]);
  });

  it('passes (below n) where the population condition E‖∇f_S − ∇f‖² <= ϑ² ‖∇f‖² holds in most steps, within 2x in all', () => {
    const all = Array.from({ length: fs.n }, (_, i) => i);
    let holds = 0;
    let passedSteps = 0;
    for (const s of steps) {
      if (!s.passed || s.batch.length === fs.n) continue;
      passedSteps++;
      const gs = gradients(fs, s.theta, all);
      const g = mean(gs);
      const sigma2 = gs.reduce((acc, gi) => acc + dist2(gi, g), 0) / fs.n;
      const b = s.batch.length;
      const expected = ((sigma2 / b) * (fs.n - b)) / (fs.n - 1); // sampling without replacement
      const ratio = expected / dist2(g, new Float64Array(fs.dim));
      if (ratio <= vartheta ** 2) holds++;
      expect(ratio).toBeLessThanOrEqual(2 * vartheta ** 2);
    }
    expect(passedSteps).toBeGreaterThanOrEqual(10);
    expect(holds / passedSteps).toBeGreaterThan(0.5);
  });

  it('converges to the minimum, where batch-1 SGD at the same step stalls', () => {
    const sgd = minibatchSgd(fs, fs.x0, { lr: 1, epochs: 30, batch: 1, seed: 1 });
    expect(r.fun - fStar).toBeLessThan(1e-4);
    expect(sgd.fun - fStar).toBeGreaterThan(1000 * (r.fun - fStar));
  });
});

describe('minibatchSgd', () => {
  it('is full gradient descent when the batch is n', () => {
    const r = minibatchSgd(fs, fs.x0, { lr: 0.3, epochs: 5, batch: fs.n });
    const theta = fs.x0.slice();
    const g = new Float64Array(fs.dim);
    for (let t = 0; t < 5; t++) {
      fs.full(theta, g);
      for (let j = 0; j < fs.dim; j++) theta[j] -= 0.3 * g[j];
    }
    theta.forEach((v, j) => {
      expect(r.x[j]).toBeCloseTo(v, 13);
    });
    expect(r.batchSizes).toEqual([100, 100, 100, 100, 100]);
    expect(r.history.gradEvals).toEqual([0, 100, 200, 300, 400, 500]);
  });

  it('follows a geometric schedule and spends its budget', () => {
    const r = minibatchSgd(fs, fs.x0, {
      lr: 0.2,
      epochs: 4,
      batch: geometricBatchSize({ initial: 2, factor: 1.5 }),
    });
    const s = geometricBatchSize({ initial: 2, factor: 1.5, max: fs.n });
    expect(r.batchSizes).toEqual(r.batchSizes.map((_, k) => s(k)));
    expect(r.gradEvals).toBeGreaterThanOrEqual(400);
    expect(r.history.f.length).toBe(5);
  });

  it('decays the step by lrFactor, or (Smith et al.) grows the batch with the same noise scale η/|S|', () => {
    const c = (k: number) => 0.5 ** Math.floor(k / 5);
    const decayed = minibatchSgd(fs, fs.x0, { lr: 0.4, epochs: 2, batch: 4, lrFactor: c });
    decayed.lrs.forEach((eta, k) => {
      expect(eta).toBeCloseTo(0.4 * c(k), 15);
      expect(decayed.batchSizes[k]).toBe(4);
    });
    const grown = minibatchSgd(fs, fs.x0, {
      lr: 0.4,
      epochs: 12,
      batch: 4,
      lrFactor: c,
      growBatchInsteadOfDecay: true,
    });
    grown.batchSizes.forEach((b, k) => {
      expect(b).toBe(Math.min(fs.n, 4 / c(k)));
      expect(grown.lrs[k] / b).toBeCloseTo((0.4 * c(k)) / 4, 15);
    });
    expect(grown.batchSizes.at(-1)).toBe(fs.n);
    expect(grown.lrs.at(-1)).toBeLessThan(0.4); // past the cap the step takes the rest of the decay
    expect(() =>
      minibatchSgd(fs, fs.x0, { lr: 0.1, batch: 'norm-test', lrFactor: c, growBatchInsteadOfDecay: true }),
    ).toThrow(/growBatchInsteadOfDecay needs a fixed batch/);
    expect(() => minibatchSgd(fs, fs.x0, { lr: 0.1, lrFactor: () => 2 })).toThrow(/lrFactor\(0\): 2/);
  });

  it('refuses a bad batch option by name', () => {
    expect(() => minibatchSgd(fs, fs.x0, { lr: 0.1, batch: 0 })).toThrow(/Invalid batch: 0/);
    expect(() => minibatchSgd(fs, fs.x0, { lr: 0.1, batch: 'grow' as never })).toThrow(/Invalid batch: grow/);
    expect(() => minibatchSgd(fs, fs.x0, { lr: 0.1, batch: () => 2.5 })).toThrow(/batch\(0\): 2.5/);
    expect(() => minibatchSgd(fs, fs.x0, { lr: 0.1, batch: 'norm-test', vartheta: 0 })).toThrow(
      /vartheta: 0/,
    );
    expect(() => minibatchSgd(fs, fs.x0, { lr: -1 })).toThrow(/Invalid lr: -1/);
  });
});
