import { describe, expect, it } from 'vitest';
import { alloc, fromArray } from './arena.js';
import { batchNormBackward, batchNormForward, columnMeanVar } from './batchnorm.js';
import { matrix, matrixFrom } from './matrix.js';
import { expectNear, features, freeAll, ref, savedFor } from './test-support/batchnorm-reference.js';
import { randomArray, rng } from './test-support/random.js';

describe('batch norm accuracy', () => {
  it('keeps f32 statistics accurate for values 1e4 + noise, where a plain f32 Σx loses the mean', () => {
    const [B, F] = [1024, 37];
    const r = rng(11);
    const xs = new Float32Array(B * F);
    for (let k = 0; k < B * F; k++) xs[k] = 1e4 + (2 * r() - 1) * (1 + (k % F) / 8);
    const X = matrixFrom(B, F, xs);
    const mean = alloc('f32', F);
    const variance = alloc('f32', F);
    columnMeanVar(X, mean, variance);
    const want = ref.meanVar(xs, B, F);
    const ulp = 2 ** -10; // the spacing of f32 near 1e4
    expectNear('mean', mean.data, want.mean, () => ulp);
    expectNear('variance', variance.data, want.variance, (j) => 1e-4 * want.variance[j]);
    // The bound is meaningful: an f32 running sum Σx (sums near 1e7) misses it by far.
    let worst = 0;
    for (let j = 0; j < F; j++) {
      let s = Math.fround(0);
      for (let i = 0; i < B; i++) s = Math.fround(s + xs[i * F + j]);
      worst = Math.max(worst, Math.abs(Math.fround(s / B) - want.mean[j]));
    }
    expect(worst).toBeGreaterThan(10 * ulp);
    // and the forward normalizes to mean 0, variance 1 per feature within f32 rounding of 1e4
    const y = matrix('f32', B, F);
    const saved = savedFor('f32', B, F);
    const rm = alloc('f32', F);
    const rv = fromArray(new Float32Array(F).fill(1));
    batchNormForward(X, y, saved, { training: true, runningMean: rm, runningVar: rv, eps: 0 });
    const got = ref.meanVar(y.data.data, B, F);
    expectNear('mean of y', got.mean, new Float64Array(F), () => 1e-3);
    expectNear('variance of y', got.variance, new Float64Array(F).fill(1), () => 1e-3);
    freeAll(X, mean, variance, y, saved, rm, rv);
  });

  it('has a backward equal to central differences of Σ w ⊙ y through the batch statistics (f64)', () => {
    const [B, F] = [5, 7];
    const xs = randomArray(Float64Array, B * F, 21);
    const w = randomArray(Float64Array, B * F, 22);
    const g = features(Float64Array, F, 23, 0.5, 2);
    const bb = features(Float64Array, F, 24, -1, 1);
    /** L(x, γ, β) = Σ w ⊙ BN(x) in training mode. */
    const loss = (xv: Float64Array, gv: Float64Array, bv: Float64Array): number => {
      const y = ref.forward(xv, B, F, {
        training: true,
        rm: new Float64Array(F),
        rv: new Float64Array(F),
        g: gv,
        b: bv,
      }).y;
      return y.reduce((s, v, k) => s + v * w[k], 0);
    };
    const x = matrixFrom(B, F, xs);
    const y = matrix('f64', B, F);
    const saved = savedFor('f64', B, F);
    const [rm, rv, weight, bias] = [alloc('f64', F), alloc('f64', F), fromArray(g), fromArray(bb)];
    const [weightGrad, biasGrad] = [alloc('f64', F), alloc('f64', F)];
    batchNormForward(x, y, saved, { training: true, runningMean: rm, runningVar: rv, weight, bias });
    const dy = matrixFrom(B, F, w);
    const dx = matrix('f64', B, F);
    batchNormBackward(dy, dx, saved, { training: true, weight, weightGrad, biasGrad });
    const h = 1e-6;
    const central = (v: Float64Array, k: number, f: () => number): number => {
      const v0 = v[k];
      v[k] = v0 + h;
      const up = f();
      v[k] = v0 - h;
      const down = f();
      v[k] = v0;
      return (up - down) / (2 * h);
    };
    const f = () => loss(xs, g, bb);
    expectNear(
      'dx',
      dx.data.data,
      xs.map((_, k) => central(xs, k, f)),
      () => 1e-7,
    );
    expectNear(
      'dgamma',
      weightGrad.data,
      g.map((_, j) => central(g, j, f)),
      () => 1e-7,
    );
    expectNear(
      'dbeta',
      biasGrad.data,
      bb.map((_, j) => central(bb, j, f)),
      () => 1e-7,
    );
    freeAll(x, y, saved, rm, rv, weight, bias, weightGrad, biasGrad, dy, dx);
  });
});
