import { describe, expect, it } from 'vitest';
import { alloc, fromArray, type WasmArray } from './arena.js';
import {
  type AdamaxStepScalars,
  type AdamStepScalars,
  fusedAdamaxStep,
  fusedAdamStep,
  fusedNAdamStep,
  fusedRAdamStep,
  type NAdamStepScalars,
  type RAdamStepScalars,
} from './optim-adam.js';
import { randomArray } from './test-support/random.js';

const dtypes = [
  ['f32', Float32Array],
  ['f64', Float64Array],
] as const;

type R = (x: number) => number;

/**
 * Each kernel's update written out element by element; every operation is rounded to the element
 * type (f32 emulated with Math.fround), so the kernels must agree bit for bit. a, b are the state
 * buffers (m, v), c the third one (vmax / unused).
 */
interface Family {
  name: string;
  buffers: number;
  run(p: WasmArray, g: WasmArray, s: WasmArray[], k: Record<string, number | boolean>): void;
  naive(
    i: number,
    x: { p: number[]; g: number[]; s: number[][] },
    k: Record<string, number | boolean>,
    r: R,
  ): void;
}

function prologue(
  x: { p: number[]; g: number[]; s: number[][] },
  i: number,
  k: Record<string, number | boolean>,
  r: R,
) {
  const p = r(r(k.decay as number) * x.p[i]);
  let d = k.maximize ? -x.g[i] : x.g[i];
  if (k.weightDecay !== 0) d = r(d + r(r(k.weightDecay as number) * p));
  const m = r(x.s[0][i] + r(r(1 - (k.beta1 as number)) * r(d - x.s[0][i])));
  return { p, d, m };
}

function secondMoment(v: number, d: number, k: Record<string, number | boolean>, r: R) {
  return r(r(r(k.beta2 as number) * v) + r(r(r(1 - (k.beta2 as number)) * d) * d));
}

const families: Family[] = [
  {
    name: 'adam',
    buffers: 3,
    run: (p, g, s, k) => fusedAdamStep(p, g, s[0], s[1], s[2], k as unknown as AdamStepScalars),
    naive(i, x, k, r) {
      const { p, d, m } = prologue(x, i, k, r);
      let v = secondMoment(x.s[1][i], d, k, r);
      x.s[0][i] = m;
      x.s[1][i] = v;
      if (k.amsgrad) v = x.s[2][i] = Math.max(x.s[2][i], v);
      const denom = r(r(r(Math.sqrt(v)) * r(k.invBias2Sqrt as number)) + r(k.eps as number));
      x.p[i] = r(p - r(r(k.stepSize as number) * r(m / denom)));
    },
  },
  {
    name: 'nadam',
    buffers: 2,
    run: (p, g, s, k) => fusedNAdamStep(p, g, s[0], s[1], k as unknown as NAdamStepScalars),
    naive(i, x, k, r) {
      const { p, d, m } = prologue(x, i, k, r);
      const v = secondMoment(x.s[1][i], d, k, r);
      x.s[0][i] = m;
      x.s[1][i] = v;
      const denom = r(r(Math.sqrt(r(v / r(k.bias2 as number)))) + r(k.eps as number));
      const q = r(p + r(r(k.gradCoef as number) * r(d / denom)));
      x.p[i] = r(q + r(r(k.avgCoef as number) * r(m / denom)));
    },
  },
  {
    name: 'radam',
    buffers: 2,
    run: (p, g, s, k) => fusedRAdamStep(p, g, s[0], s[1], k as unknown as RAdamStepScalars),
    naive(i, x, k, r) {
      const { p, d, m } = prologue(x, i, k, r);
      const v = secondMoment(x.s[1][i], d, k, r);
      x.s[0][i] = m;
      x.s[1][i] = v;
      let u = r(r(m / r(k.bias1 as number)) * r(k.lr as number));
      if (k.rectify) {
        const adaptive = r(r(k.bias2Sqrt as number) / r(r(Math.sqrt(v)) + r(k.eps as number)));
        u = r(r(u * adaptive) * r(k.rect as number));
      }
      x.p[i] = r(p - u);
    },
  },
  {
    name: 'adamax',
    buffers: 2,
    run: (p, g, s, k) => fusedAdamaxStep(p, g, s[0], s[1], k as unknown as AdamaxStepScalars),
    naive(i, x, k, r) {
      const { p, d, m } = prologue(x, i, k, r);
      const u = Math.max(r(r(k.beta2 as number) * x.s[1][i]), r(Math.abs(d) + r(k.eps as number)));
      x.s[0][i] = m;
      x.s[1][i] = u;
      x.p[i] = r(p - r(r(k.clr as number) * r(m / u)));
    },
  },
];

const common = { beta1: 0.9, beta2: 0.999, eps: 1e-3, weightDecay: 0, decay: 1, maximize: false };
const scalars: Record<string, Array<Record<string, number | boolean>>> = {
  adam: [
    { ...common, stepSize: 0.01, invBias2Sqrt: 1 / 0.3, amsgrad: false },
    { ...common, stepSize: 0.01, invBias2Sqrt: 1 / 0.3, amsgrad: true, weightDecay: 0.1, maximize: true },
    { ...common, stepSize: 0.02, invBias2Sqrt: 1 / 0.9, amsgrad: false, decay: 0.999 },
  ],
  nadam: [
    { ...common, bias2: 0.01, gradCoef: -0.003, avgCoef: -0.02 },
    { ...common, bias2: 0.2, gradCoef: -0.003, avgCoef: -0.02, weightDecay: 0.1, maximize: true },
    { ...common, bias2: 0.2, gradCoef: -0.003, avgCoef: -0.02, decay: 0.99 },
  ],
  radam: [
    { ...common, lr: 0.01, bias1: 0.2, bias2Sqrt: 0.1, rectify: false, rect: 0 },
    { ...common, lr: 0.01, bias1: 0.2, bias2Sqrt: 0.1, rectify: true, rect: 0.3, weightDecay: 0.1 },
    {
      ...common,
      lr: 0.01,
      bias1: 0.2,
      bias2Sqrt: 0.1,
      rectify: true,
      rect: 0.3,
      decay: 0.99,
      maximize: true,
    },
  ],
  adamax: [
    { ...common, clr: 0.02 },
    { ...common, clr: 0.02, weightDecay: 0.1, maximize: true },
  ],
};

const table = families.flatMap((f) => scalars[f.name].map((k, j) => [`${f.name} #${j + 1}`, f, k] as const));

describe.each(dtypes)('Adam-family kernels (%s)', (dt, _Ctor) => {
  const rand = (n: number, seed: number): Float32Array | Float64Array =>
    dt === 'f32' ? randomArray(Float32Array, n, seed) : randomArray(Float64Array, n, seed);
  const r: R = dt === 'f32' ? Math.fround : (x) => x;

  it.each(table)(
    '%s matches the element-by-element update bit for bit for every length 0..37',
    (_n, f, k) => {
      for (let n = 0; n <= 37; n++) {
        const p0 = rand(n, n + 1);
        const g0 = rand(n, n + 100);
        // moments: m any sign, v and vmax / u positive
        const s0 = [rand(n, n + 200), rand(n, n + 300), rand(n, n + 400)];
        for (const b of s0.slice(1)) for (let i = 0; i < n; i++) b[i] = Math.abs(b[i]);
        const p = fromArray(p0);
        const g = fromArray(g0);
        const s = s0.slice(0, f.buffers).map((b) => fromArray(b));
        f.run(p, g, s, k);
        const x = { p: Array.from(p0), g: Array.from(g0), s: s0.map((b) => Array.from(b)) };
        for (let i = 0; i < n; i++) f.naive(i, x, k, r);
        expect(Array.from(p.data)).toEqual(x.p);
        s.forEach((b, j) => {
          expect(Array.from(b.data)).toEqual(x.s[j]);
        });
      }
    },
  );

  it.each(scalars.adam.map((k, j) => [`adam #${j + 1}`, k] as const))(
    '%s returns true exactly when every stored value is finite (an overflow at each index of lengths 0..37)',
    (_n, k) => {
      const huge = dt === 'f32' ? 1e30 : 1e200; // d² overflows to Inf in v
      for (let n = 0; n <= 37; n++) {
        for (let at = -1; at < n; at++) {
          const g0 = rand(n, n + 100);
          if (at >= 0) g0[at] = huge;
          const s0 = [rand(n, n + 200), rand(n, n + 300), rand(n, n + 400)];
          for (const b of s0.slice(1)) for (let i = 0; i < n; i++) b[i] = Math.abs(b[i]);
          const p = fromArray(rand(n, n + 1));
          const bufs = s0.map((b) => fromArray(b));
          const flag = fusedAdamStep(
            p,
            fromArray(g0),
            bufs[0],
            bufs[1],
            bufs[2],
            k as unknown as AdamStepScalars,
          );
          const stored = k.amsgrad ? [p, ...bufs] : [p, bufs[0], bufs[1]];
          const finite = stored.every((a) => Array.from(a.data).every(Number.isFinite));
          expect(flag, `n ${n}, overflow at ${at}`).toBe(finite);
          expect(finite, `n ${n}, overflow at ${at}`).toBe(at < 0);
        }
      }
    },
  );

  it('names both arguments on a length mismatch', () => {
    const k = scalars.adam[0] as unknown as AdamStepScalars;
    expect(() => fusedAdamStep(alloc(dt, 6), alloc(dt, 6), alloc(dt, 6), alloc(dt, 5), null, k)).toThrow(
      /p has 6 elements, expAvgSq has 5/,
    );
    expect(() =>
      fusedNAdamStep(alloc(dt, 6), alloc(dt, 7), alloc(dt, 6), alloc(dt, 6), scalars.nadam[0] as never),
    ).toThrow(/p has 6 elements, g has 7/);
  });

  it('requires maxExpAvgSq with amsgrad', () => {
    const k = scalars.adam[1] as unknown as AdamStepScalars;
    expect(() => fusedAdamStep(alloc(dt, 6), alloc(dt, 6), alloc(dt, 6), alloc(dt, 6), null, k)).toThrow(
      /maxExpAvgSq is required/,
    );
  });

  it('rejects state buffers that share memory', () => {
    const m = alloc(dt, 6);
    const k = scalars.adamax[0] as unknown as AdamaxStepScalars;
    expect(() => fusedAdamaxStep(alloc(dt, 6), alloc(dt, 6), m, m, k)).toThrow(/expAvg overlaps expInf/);
  });

  it('rejects a non-finite step size', () => {
    const k = { ...scalars.adam[0], stepSize: Infinity } as unknown as AdamStepScalars;
    expect(() => fusedAdamStep(alloc(dt, 6), alloc(dt, 6), alloc(dt, 6), alloc(dt, 6), null, k)).toThrow(
      /Invalid stepSize: Infinity/,
    );
  });
});
