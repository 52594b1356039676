/**
 * The naive batch norm reference for the kernel tests (batchnorm.ts): the formulas in f64 loops,
 * two plain passes, on the inputs exactly as the kernel saw them; and the tests' shared helpers.
 */
import { expect } from 'vitest';
import { alloc, type DType, type WasmArray } from '../arena.js';
import type { BatchNormSaved } from '../batchnorm.js';
import { matrix, type WasmMatrix } from '../matrix.js';
import { rng } from './random.js';

/** Float32Array's constructor has the same shape as Float64Array's: typed as the latter. */
export type Ctor = Float64ArrayConstructor;

/** The naive reference, in f64 loops, straight from the formulas (inputs as the kernel saw them). */
export const ref = {
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
export function expectNear(
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
export function features(C: Ctor, F: number, seed: number, lo: number, hi: number): Float64Array {
  const r = rng(seed);
  const a = new C(F);
  for (let j = 0; j < F; j++) a[j] = lo + (hi - lo) * r();
  return a;
}

/** A fresh saved state for a B x F batch. */
export function savedFor(dt: DType, B: number, F: number): BatchNormSaved {
  return { mean: alloc(dt, F), invStd: alloc(dt, F), xhat: matrix(dt, B, F) };
}

export function freeAll(...xs: (WasmArray | WasmMatrix | BatchNormSaved | undefined)[]): void {
  for (const x of xs) {
    if (!x) continue;
    if ('ptr' in x) x.free();
    else if ('rows' in x) x.data.free();
    else freeAll(x.mean, x.invStd, x.xhat);
  }
}
