import { describe, expect, it } from 'vitest';
import { alloc, type DType, fromArray } from './arena.js';
import { batchNormBackward, batchNormForward, columnMeanVar } from './batchnorm.js';
import { matrix, matrixFrom } from './matrix.js';
import {
  type Ctor,
  expectNear,
  features,
  freeAll,
  ref,
  savedFor,
} from './test-support/batchnorm-reference.js';
import { randomArray } from './test-support/random.js';

const dtypes: [DType, Ctor][] = [
  ['f32', Float32Array as unknown as Ctor],
  ['f64', Float64Array],
];
const epsOf = (dt: DType): number => (dt === 'f32' ? 2 ** -24 : 2 ** -53);
const FEATURES = Array.from({ length: 68 }, (_, F) => F);

describe.each(dtypes)('batch norm kernels (%s)', (dt, C) => {
  const eps = epsOf(dt);
  /** k ε (|ref| + 1), with k growing with the batch (the sums' rounding). */
  const tolFor = (B: number, scale: (k: number) => number) => (k: number) =>
    8 * (B + 4) * eps * (scale(k) + 1);

  it('columnMeanVar matches the naive two-pass mean and biased variance for 0..67 features', () => {
    for (const B of [0, 1, 2, 5, 33]) {
      for (const F of FEATURES) {
        const xs = randomArray(C, B * F, 100 * B + F).map((v) => 3 * v + 0.5);
        const X = matrixFrom(B, F, xs);
        const mean = alloc(dt, F);
        const variance = alloc(dt, F);
        columnMeanVar(X, mean, variance);
        const r = ref.meanVar(xs, B, F);
        expectNear(
          `mean B=${B} F=${F}`,
          mean.data,
          r.mean,
          tolFor(B, (k) => Math.abs(r.mean[k])),
        );
        expectNear(
          `var B=${B} F=${F}`,
          variance.data,
          r.variance,
          tolFor(B, (k) => r.variance[k]),
        );
        freeAll(X, mean, variance);
      }
    }
  });

  for (const training of [true, false]) {
    for (const affine of [true, false]) {
      const mode = `${training ? 'training' : 'eval'}${affine ? '' : ', affine: false'}`;

      it(`forward (${mode}) matches the reference y, x̂, statistics and running update for 0..67 features`, () => {
        for (const B of [2, 3, 8, 31]) {
          for (const F of FEATURES) {
            const seed = 1000 * B + F;
            const xs = randomArray(C, B * F, seed).map((v) => 2 * v - 0.3);
            const g = affine ? features(C, F, seed + 1, 0.5, 1.5) : undefined;
            const b = affine ? features(C, F, seed + 2, -1, 1) : undefined;
            const rm0 = features(C, F, seed + 3, -0.5, 0.5);
            const rv0 = features(C, F, seed + 4, 0.5, 2);
            const x = matrixFrom(B, F, xs);
            const y = matrix(dt, B, F);
            const saved = savedFor(dt, B, F);
            const [rm, rv] = [fromArray(rm0), fromArray(rv0)];
            const [weight, bias] = [g && fromArray(g), b && fromArray(b)];
            batchNormForward(x, y, saved, { training, runningMean: rm, runningVar: rv, weight, bias });
            const r = ref.forward(xs, B, F, { training, rm: rm0, rv: rv0, g, b });
            const tol = tolFor(B, () => 1);
            expectNear(`mean B=${B} F=${F}`, saved.mean.data, r.mean, tol);
            expectNear(
              `invStd B=${B} F=${F}`,
              saved.invStd.data,
              r.inv,
              tolFor(B, (k) => r.inv[k]),
            );
            // x̂ = (x - μ) / s inherits the rounding of x and μ magnified by 1/s (the cancellation in x - μ)
            const xhatScale = (k: number) =>
              (Math.abs(xs[k]) + Math.abs(r.mean[k % F])) * r.inv[k % F] + Math.abs(r.xhat[k]);
            const gain = (k: number) => (g ? Math.abs(g[k % F]) : 1);
            expectNear(`xhat B=${B} F=${F}`, saved.xhat.data.data, r.xhat, tolFor(B, xhatScale));
            expectNear(
              `y B=${B} F=${F}`,
              y.data.data,
              r.y,
              tolFor(B, (k) => gain(k) * xhatScale(k) + Math.abs(r.y[k])),
            );
            expectNear(`runningMean B=${B} F=${F}`, rm.data, r.rm, tol);
            expectNear(
              `runningVar B=${B} F=${F}`,
              rv.data,
              r.rv,
              tolFor(B, (k) => r.rv[k]),
            );
            freeAll(x, y, saved, rm, rv, weight, bias);
          }
        }
      });

      it(`backward (${mode}) matches the reference dx and accumulates dγ, dβ for 0..67 features`, () => {
        for (const B of [2, 3, 8, 31]) {
          for (const F of FEATURES) {
            const seed = 2000 * B + F;
            const xs = randomArray(C, B * F, seed);
            const dys = randomArray(C, B * F, seed + 1);
            const g = affine ? features(C, F, seed + 2, -1.5, 1.5) : undefined;
            const x = matrixFrom(B, F, xs);
            const dy = matrixFrom(B, F, dys);
            const y = matrix(dt, B, F);
            const dx = matrix(dt, B, F);
            const saved = savedFor(dt, B, F);
            const [rm, rv] = [
              fromArray(features(C, F, seed + 3, -1, 1)),
              fromArray(features(C, F, seed + 4, 0.5, 2)),
            ];
            const weight = g && fromArray(g);
            const bias = g && alloc(dt, F);
            const dg0 = features(C, F, seed + 5, -1, 1);
            const db0 = features(C, F, seed + 6, -1, 1);
            const [weightGrad, biasGrad] = affine ? [fromArray(dg0), fromArray(db0)] : [undefined, undefined];
            batchNormForward(x, y, saved, { training, runningMean: rm, runningVar: rv, weight, bias });
            batchNormBackward(dy, dx, saved, { training, weight, weightGrad, biasGrad });
            const r = ref.backward(dys, saved.xhat.data.data, saved.invStd.data, B, F, training, g);
            expectNear(
              `dx B=${B} F=${F}`,
              dx.data.data,
              r.dx,
              tolFor(B, (k) => 4 * r.scale[k]),
            );
            if (weightGrad && biasGrad) {
              const wantDg = dg0.map((v, j) => v + r.sdx[j]);
              const wantDb = db0.map((v, j) => v + r.sdy[j]);
              expectNear(
                `dgamma B=${B} F=${F}`,
                weightGrad.data,
                wantDg,
                tolFor(B, () => B),
              );
              expectNear(
                `dbeta B=${B} F=${F}`,
                biasGrad.data,
                wantDb,
                tolFor(B, () => B),
              );
            }
            freeAll(x, dy, y, dx, saved, rm, rv, weight, bias, weightGrad, biasGrad);
          }
        }
      });
    }
  }

  it('runs in place (y === x, dx === dy) with the same results as separate outputs', () => {
    const [B, F] = [9, 13];
    const xs = randomArray(C, B * F, 5);
    const dys = randomArray(C, B * F, 6);
    const run = (inPlace: boolean) => {
      const x = matrixFrom(B, F, xs);
      const dy = matrixFrom(B, F, dys);
      const y = inPlace ? x : matrix(dt, B, F);
      const dx = inPlace ? dy : matrix(dt, B, F);
      const saved = savedFor(dt, B, F);
      const [rm, rv] = [alloc(dt, F), fromArray(new C(F).fill(1))];
      batchNormForward(x, y, saved, { training: true, runningMean: rm, runningVar: rv });
      batchNormBackward(dy, dx, saved, { training: true, scratch: alloc(dt, 2 * F) });
      const out = [y.data.toArray(), dx.data.toArray()];
      freeAll(x, dy, saved, rm, rv, inPlace ? undefined : y, inPlace ? undefined : dx);
      return out;
    };
    expect(run(true)).toEqual(run(false));
  });

  it('leaves every array unchanged when an argument is bad', () => {
    const [B, F] = [4, 3];
    const x = matrixFrom(B, F, randomArray(C, B * F, 7));
    const y = matrix(dt, B, F);
    const saved = savedFor(dt, B, F);
    const rm = fromArray(new C([1, 2, 3]));
    const rv = fromArray(new C([4, 5, 6]));
    const opts = { training: true, runningMean: rm, runningVar: rv };
    expect(() => batchNormForward(x, y, saved, { ...opts, momentum: -1 })).toThrow('Invalid momentum: -1');
    expect(() => batchNormForward(x, y, saved, { ...opts, eps: Number.NaN })).toThrow('Invalid eps: NaN');
    expect(() => batchNormForward(x, y, saved, { ...opts, weight: alloc(dt, F) })).toThrow(
      'weight and bias go together',
    );
    expect(() => batchNormForward(x, y, saved, { ...opts, runningVar: alloc(dt, 4) })).toThrow(
      'runningVar has 4 elements, the batch has 3 features',
    );
    expect(() => batchNormForward(x, matrix(dt, B, 2), saved, opts)).toThrow('x is 4x3, y is 4x2');
    expect(() => batchNormForward(x, y, { ...saved, mean: rm }, opts)).toThrow(
      'saved.mean overlaps runningMean',
    );
    const one = matrixFrom(1, F, new C(F));
    expect(() => batchNormForward(one, matrix(dt, 1, F), savedFor(dt, 1, F), opts)).toThrow(
      'needs more than 1 row per batch, got 1',
    );
    expect(rm.toArray()).toEqual(new C([1, 2, 3]));
    expect(rv.toArray()).toEqual(new C([4, 5, 6]));
    expect(y.data.toArray()).toEqual(new C(B * F));
    const other: DType = dt === 'f32' ? 'f64' : 'f32';
    const dy = matrix(dt, B, F);
    expect(() => batchNormBackward(dy, matrix(other, B, F), saved, { training: true })).toThrow(
      `dx.data has dtype ${other}, expected ${dt}`,
    );
    expect(() => batchNormBackward(dy, matrix(dt, B + 1, F), saved, { training: true })).toThrow(
      'dy is 4x3, dx is 5x3',
    );
    expect(() => batchNormBackward(dy, dy, saved, { training: true, scratch: alloc(dt, F) })).toThrow(
      'scratch has length 3, expected at least 2 * 3 = 6',
    );
    expect(() => batchNormBackward(dy, dy, saved, { training: true, weightGrad: alloc(dt, F) })).toThrow(
      'weightGrad and biasGrad go together',
    );
    expect(() => columnMeanVar(x, alloc(dt, 3), alloc(dt, 2))).toThrow(
      'variance has 2 elements, the batch has 3 features',
    );
  });
});
