import { describe, expect, it } from 'vitest';
import { alloc, type DType, fromArray, type WasmArray } from './arena.js';
import { type BatchNormSaved, batchNormBackward, batchNormForward, columnMeanVar } from './batchnorm.js';
import { matrix, matrixFrom, type WasmMatrix } from './matrix.js';
import { randomArray, rng } from './test-support/random.js';

/** Float32Array's constructor has the same shape as Float64Array's: typed as the latter. */
type Ctor = Float64ArrayConstructor;
const dtypes: [DType, Ctor][] = [
  ['f32', Float32Array as unknown as Ctor],
  ['f64', Float64Array],
];
const epsOf = (dt: DType): number => (dt === 'f32' ? 2 ** -24 : 2 ** -53);
const FEATURES = Array.from({ length: 68 }, (_, F) => F);

/** The naive reference, in f64 loops, straight from the formulas (inputs as the kernel saw them). */
const ref = {
  meanVar(X: ArrayLike<number>, B: number, F: number) {
    const mean = new Float64Array(F);
    const variance = new Float64Array(F);
    for (let j = 0; j < F; j++) {
      let s = 0;
      for (let i = 0; i < B; i++) s += X[i * F + j];
      mean[j] = B > 0 ? s / B : 0;
      let q = 0;
      for (let i = 0; i < B; i++) q += (X[i * F + j] - mean[j]) ** 2;
      variance[j] = B > 0 ? q / B : 0;
    }
    return { mean, variance };
  },
  /** y, x̂, 1/√(σ² + ε) and the new running statistics. */
  forward(
    X: ArrayLike<number>,
    B: number,
    F: number,
    o: {
      training: boolean;
      rm: ArrayLike<number>;
      rv: ArrayLike<number>;
      g?: ArrayLike<number>;
      b?: ArrayLike<number>;
    },
    m = 0.1,
    eps = 1e-5,
  ) {
    const { mean, variance } = o.training
      ? ref.meanVar(X, B, F)
      : { mean: Float64Array.from(o.rm), variance: Float64Array.from(o.rv) };
    const rm = Float64Array.from(o.rm);
    const rv = Float64Array.from(o.rv);
    if (o.training) {
      for (let j = 0; j < F; j++) {
        rm[j] = (1 - m) * rm[j] + m * mean[j];
        rv[j] = (1 - m) * rv[j] + (m * variance[j] * B) / (B - 1);
      }
    }
    const inv = variance.map((v) => 1 / Math.sqrt(v + eps));
    const xhat = new Float64Array(B * F);
    const y = new Float64Array(B * F);
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < F; j++) {
        xhat[i * F + j] = (X[i * F + j] - mean[j]) * inv[j];
        y[i * F + j] = (o.g ? o.g[j] : 1) * xhat[i * F + j] + (o.b ? o.b[j] : 0);
      }
    }
    return { mean, inv, xhat, y, rm, rv };
  },
  /** dx, Σ dy x̂, Σ dy, and the size of the terms dx is made of (for the tolerance). */
  backward(
    DY: ArrayLike<number>,
    XH: ArrayLike<number>,
    inv: ArrayLike<number>,
    B: number,
    F: number,
    training: boolean,
    g?: ArrayLike<number>,
  ) {
    const sdy = new Float64Array(F);
    const sdx = new Float64Array(F);
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < F; j++) {
        sdy[j] += DY[i * F + j];
        sdx[j] += DY[i * F + j] * XH[i * F + j];
      }
    }
    const dx = new Float64Array(B * F);
    const scale = new Float64Array(B * F);
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < F; j++) {
        const a = (g ? g[j] : 1) * inv[j];
        const k = i * F + j;
        const t = training ? [DY[k], -sdy[j] / B, -XH[k] * (sdx[j] / B)] : [DY[k]];
        dx[k] = a * t.reduce((p, q) => p + q, 0);
        scale[k] = Math.abs(a) * t.reduce((p, q) => p + Math.abs(q), 0);
      }
    }
    return { dx, sdy, sdx, scale };
  },
};

/** |got_k - want_k| <= tol_k for every k, naming the first offender. */
function expectNear(
  what: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: (k: number) => number,
): void {
  expect(got.length, `${what} length`).toBe(want.length);
  for (let k = 0; k < want.length; k++) {
    if (!(Math.abs(got[k] - want[k]) <= tol(k))) {
      expect.fail(`${what}[${k}]: got ${got[k]}, expected ${want[k]} (tolerance ${tol(k)})`);
    }
  }
}

/** A per-feature array of F values in [lo, hi), seeded. */
function features(C: Ctor, F: number, seed: number, lo: number, hi: number): Float64Array {
  const r = rng(seed);
  const a = new C(F);
  for (let j = 0; j < F; j++) a[j] = lo + (hi - lo) * r();
  return a;
}

/** A fresh saved state for a B x F batch. */
function savedFor(dt: DType, B: number, F: number): BatchNormSaved {
  return { mean: alloc(dt, F), invStd: alloc(dt, F), xhat: matrix(dt, B, F) };
}

function freeAll(...xs: (WasmArray | WasmMatrix | BatchNormSaved | undefined)[]): void {
  for (const x of xs) {
    if (!x) continue;
    if ('ptr' in x) x.free();
    else if ('rows' in x) x.data.free();
    else freeAll(x.mean, x.invStd, x.xhat);
  }
}

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
