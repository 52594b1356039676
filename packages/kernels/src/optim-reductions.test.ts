/**
 * The two-pass optimizer kernels (Prodigy, D-Adaptation Adam, LAMB, LARS): the state they write is
 * compared bit for bit with a naive update rounded to the element type, the f64 sums they return
 * with the same sums taken naively (to 1e-12 relative), and the SIMD apply passes bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { fromArray } from './arena.js';
import { dadaptAdamAccumulate } from './optim-dadapt-adam.js';
import { lambApply, lambMoments } from './optim-lamb.js';
import { larsApply, larsNorms } from './optim-lars.js';
import { adaptiveAdamApply, prodigyAccumulate } from './optim-prodigy.js';
import { expectBitExact, rounders } from './test-support/elementwise-step.js';
import { randomArray } from './test-support/random.js';

const dtypes = ['f32', 'f64'] as const;

function arrays(dtype: 'f32' | 'f64', n: number, count: number, seed: number) {
  const C: new (n: number) => Float32Array | Float64Array = dtype === 'f32' ? Float32Array : Float64Array;
  return Array.from({ length: count }, (_, k) => randomArray(C, n, seed + 17 * k));
}

function close(got: number, want: number) {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
}

describe.each(dtypes)('two-pass optimizer kernels (%s)', (dtype) => {
  const r = rounders[dtype];
  const n = 37;

  it('prodigyAccumulate writes the moments and returns Σ d (p0 - p) and Σ |s|', () => {
    const [p, g, p0, m, v0, s] = arrays(dtype, n, 6, 3);
    const v = v0.map((x) => x * x);
    const k = {
      beta1: 0.9,
      mCoef: 0.05,
      beta2: 0.999,
      vCoef: 2e-3,
      beta3: 0.97,
      sCoef: 0.3,
      weightDecay: 0.1,
    };
    const W = [p, g, p0, m, v, s].map((a) => fromArray(a));
    const got = prodigyAccumulate(W[0], W[1], W[2], W[3], W[4], W[5], k);
    let dot = 0;
    let l1 = 0;
    for (let i = 0; i < n; i++) {
      const d = r(g[i] + r(r(k.weightDecay) * p[i]));
      dot += d * r(p0[i] - p[i]);
      m[i] = r(r(r(k.beta1) * m[i]) + r(r(k.mCoef) * d));
      v[i] = r(r(r(k.beta2) * v[i]) + r(r(r(k.vCoef) * d) * d));
      s[i] = r(r(r(k.beta3) * s[i]) + r(r(k.sCoef) * d));
      l1 += Math.abs(s[i]);
    }
    close(got.dot, dot);
    close(got.l1, l1);
    expect(Array.from(W[3].data)).toEqual(Array.from(m));
    expect(Array.from(W[4].data)).toEqual(Array.from(v));
    expect(Array.from(W[5].data)).toEqual(Array.from(s));
  });

  it('dadaptAdamAccumulate writes the moments and returns Σ d²/denom, Σ s²/denom, Σ |s|', () => {
    const [p, g, m, v0, s] = arrays(dtype, n, 5, 5);
    const v = v0.map((x) => x * x);
    const k = { beta1: 0.9, mCoef: 0.01, beta2: 0.99, sCoef: 0.02, eps: 1e-8, weightDecay: 0.05 };
    const W = [p, g, m, v, s].map((a) => fromArray(a));
    const got = dadaptAdamAccumulate(W[0], W[1], W[2], W[3], W[4], k);
    let gsq = 0;
    let sksq = 0;
    let l1 = 0;
    for (let i = 0; i < n; i++) {
      const d = r(g[i] + r(r(k.weightDecay) * p[i]));
      m[i] = r(r(r(k.beta1) * m[i]) + r(r(k.mCoef) * d));
      v[i] = r(r(r(k.beta2) * v[i]) + r(r(r(1 - k.beta2) * d) * d));
      const denom = r(r(Math.sqrt(v[i])) + r(k.eps));
      gsq += r(r(d * d) / denom);
      s[i] = r(r(r(k.beta2) * s[i]) + r(r(k.sCoef) * d));
      sksq += r(r(s[i] * s[i]) / denom);
      l1 += Math.abs(s[i]);
    }
    close(got.gsq, gsq);
    close(got.sksq, sksq);
    close(got.l1, l1);
    expect(Array.from(W[2].data)).toEqual(Array.from(m));
    expect(Array.from(W[3].data)).toEqual(Array.from(v));
    expect(Array.from(W[4].data)).toEqual(Array.from(s));
  });

  it('adaptiveAdamApply equals p + decayCoef p + stepCoef m / (√v + eps) bit for bit', () => {
    expectBitExact(dtype, {
      states: 1,
      initState: (u) => u * u,
      run: (p, m, [v]) => adaptiveAdamApply(p, m, v, -1e-3, -0.5, 1e-6),
      naive(i, p, m, [v], rr) {
        const pv = rr(p[i] + rr(rr(-1e-3) * p[i]));
        p[i] = rr(pv + rr(rr(-0.5) * rr(m[i] / rr(rr(Math.sqrt(v[i])) + rr(1e-6)))));
      },
    });
  });

  const lamb = {
    beta1: 0.9,
    beta2: 0.999,
    bias1: 1 - 0.9 ** 3,
    bias2: 1 - 0.999 ** 3,
    eps: 1e-6,
    epsRoot: 1e-9,
    weightDecay: 0.01,
  };
  const lambU = (m: number, v: number, p: number) =>
    r(
      r(r(r(m / r(lamb.bias1)) / r(r(Math.sqrt(r(r(v / r(lamb.bias2)) + r(lamb.epsRoot)))) + r(lamb.eps)))) +
        r(r(lamb.weightDecay) * p),
    );

  it('lambMoments writes m, v and returns ‖p‖², ‖u‖²', () => {
    const [p, g, m, v0] = arrays(dtype, n, 4, 7);
    const v = v0.map((x) => x * x);
    const W = [p, g, m, v].map((a) => fromArray(a));
    const got = lambMoments(W[0], W[1], W[2], W[3], lamb);
    let pp = 0;
    let uu = 0;
    for (let i = 0; i < n; i++) {
      m[i] = r(r(r(1 - r(lamb.beta1)) * g[i]) + r(r(lamb.beta1) * m[i]));
      v[i] = r(r(r(1 - r(lamb.beta2)) * r(g[i] * g[i])) + r(r(lamb.beta2) * v[i]));
      const u = lambU(m[i], v[i], p[i]);
      pp += p[i] * p[i];
      uu += u * u;
    }
    close(got.paramSq, pp);
    close(got.updateSq, uu);
    expect(Array.from(W[2].data)).toEqual(Array.from(m));
    expect(Array.from(W[3].data)).toEqual(Array.from(v));
  });

  it('lambApply equals p + scale u bit for bit', () => {
    expectBitExact(dtype, {
      states: 1,
      initState: (u) => u * u,
      run: (p, m, [v]) => lambApply(p, m, v, lamb, -0.02),
      naive(i, p, m, [v], rr) {
        p[i] = rr(p[i] + rr(rr(-0.02) * lambU(m[i], v[i], p[i])));
      },
    });
  });

  it('larsNorms returns ‖p‖² and ‖g + λ p‖²', () => {
    const [p, g] = arrays(dtype, n, 2, 9);
    const got = larsNorms(fromArray(p), fromArray(g), 0.1);
    let pp = 0;
    let uu = 0;
    for (let i = 0; i < n; i++) {
      const u = r(g[i] + r(r(0.1) * p[i]));
      pp += p[i] * p[i];
      uu += u * u;
    }
    close(got.paramSq, pp);
    close(got.updateSq, uu);
  });

  it.each([false, true])('larsApply (nesterov %s) equals the trace update bit for bit', (nesterov) => {
    const o = { weightDecay: 0.01, scale: -0.03, momentum: 0.9, nesterov };
    expectBitExact(dtype, {
      states: 1,
      run: (p, g, [t]) => larsApply(p, g, t, o),
      naive(i, p, g, [t], rr) {
        const u = rr(rr(g[i] + rr(rr(o.weightDecay) * p[i])) * rr(o.scale));
        t[i] = rr(u + rr(rr(o.momentum) * t[i]));
        p[i] = rr(p[i] + (nesterov ? rr(u + rr(rr(o.momentum) * t[i])) : t[i]));
      },
    });
  });
});
