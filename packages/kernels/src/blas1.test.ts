import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DType, type FloatArray, fromArray, growMemory } from './arena.js';
import { allFinite, axpy, copy, dot, maxAbs, nrm2, scal, sum, sumSquares } from './blas1.js';
import { randomArray } from './test-support/random.js';

interface FloatCtor {
  new (n: number): FloatArray;
  from(values: ArrayLike<number>): FloatArray;
}
const dtypes: [DType, FloatCtor][] = [
  ['f32', Float32Array],
  ['f64', Float64Array],
];

/** Every length 0..67 (each SIMD tail, with and without the 2x-unrolled loop) and a few larger. */
const lengths = [...Array.from({ length: 68 }, (_, n) => n), 255, 1000, 4099];

/** Error bound for a sum of n terms whose absolute values add up to `mass`. */
const tol = (f32: boolean, mass: number) => (f32 ? 2e-6 : 1e-14) * (mass + 1e-30) * 4;

/** Reductions: kernel, naive reference (in f64), and the absolute "mass" its rounding scales with. */
const reductions = [
  {
    name: 'dot',
    run: (x: FloatArray, y: FloatArray) => dot(fromArray(x), fromArray(y)),
    ref: (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i], 0),
    mass: (x: number[], y: number[]) => x.reduce((s, v, i) => s + Math.abs(v * y[i]), 0),
  },
  {
    name: 'sum',
    run: (x: FloatArray) => sum(fromArray(x)),
    ref: (x: number[]) => x.reduce((s, v) => s + v, 0),
    mass: (x: number[]) => x.reduce((s, v) => s + Math.abs(v), 0),
  },
  {
    name: 'sumSquares',
    run: (x: FloatArray) => sumSquares(fromArray(x)),
    ref: (x: number[]) => x.reduce((s, v) => s + v * v, 0),
    mass: (x: number[]) => x.reduce((s, v) => s + v * v, 0),
  },
  {
    name: 'nrm2',
    run: (x: FloatArray) => nrm2(fromArray(x)),
    ref: (x: number[]) => Math.sqrt(x.reduce((s, v) => s + v * v, 0)),
    mass: (x: number[]) => Math.sqrt(x.reduce((s, v) => s + v * v, 0)),
  },
  {
    name: 'maxAbs',
    run: (x: FloatArray) => maxAbs(fromArray(x)),
    ref: (x: number[]) => x.reduce((s, v) => Math.max(s, Math.abs(v)), 0),
    mass: () => 0,
  },
];

describe.each(dtypes)('level-1 reductions (%s)', (dt, Ctor) => {
  it.each(reductions)(
    '$name matches a naive loop for every length 0..67 and larger',
    ({ run, ref, mass }) => {
      for (const n of lengths) {
        const x = randomArray(Ctor, n, n + 1);
        const y = randomArray(Ctor, n, n + 1000);
        const got = run(x, y);
        const [xs, ys] = [Array.from(x), Array.from(y)];
        expect(Math.abs(got - ref(xs, ys)), `n = ${n}`).toBeLessThanOrEqual(tol(dt === 'f32', mass(xs, ys)));
      }
    },
  );
});

describe.each(dtypes)('level-1 updates (%s)', (dt, Ctor) => {
  const round = dt === 'f32' ? Math.fround : (v: number) => v;

  it('axpy computes y + a x exactly as a naive loop for every length', () => {
    for (const n of lengths) {
      const x = randomArray(Ctor, n, n + 1);
      const y = randomArray(Ctor, n, n + 7);
      const a = -1.375;
      const wy = fromArray(y);
      axpy(a, fromArray(x), wy);
      const want = y.map((v, i) => round(v + round(a * x[i])));
      expect(wy.toArray(), `n = ${n}`).toEqual(want);
    }
  });

  it('scal computes a x exactly as a naive loop for every length', () => {
    for (const n of lengths) {
      const x = randomArray(Ctor, n, n + 3);
      const wx = fromArray(x);
      scal(0.3, wx); // an f32 kernel sees a = fround(0.3)
      expect(wx.toArray(), `n = ${n}`).toEqual(x.map((v) => round(round(0.3) * v)));
    }
  });

  it('copy copies every element for every length', () => {
    for (const n of lengths) {
      const x = randomArray(Ctor, n, n + 5);
      const wy = fromArray(new Ctor(n));
      copy(fromArray(x), wy);
      expect(wy.toArray()).toEqual(x);
    }
  });

  it('allFinite finds a NaN, +Inf or -Inf at every position of every length 0..67', () => {
    for (let n = 0; n <= 67; n++) {
      const x = fromArray(randomArray(Ctor, n, n));
      expect(allFinite(x), `n = ${n}`).toBe(true);
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        for (let i = 0; i < n; i++) {
          const keep = x.data[i];
          x.data[i] = bad;
          expect(allFinite(x), `n = ${n}, x[${i}] = ${bad}`).toBe(false);
          x.data[i] = keep;
        }
      }
    }
  });

  it('allFinite finds one non-finite value in a long array, past the first early-exit block', () => {
    const x = fromArray(randomArray(Ctor, 5000, 9));
    expect(allFinite(x)).toBe(true);
    x.data[4321] = Number.NaN;
    expect(allFinite(x)).toBe(false);
  });

  it('maxAbs and nrm2 propagate NaN, and nrm2 of an infinity is +Inf', () => {
    const x = fromArray(Ctor.from([1, Number.NaN, 2, 3, 4]));
    expect(maxAbs(x)).toBeNaN();
    expect(nrm2(x)).toBeNaN();
    expect(nrm2(fromArray(Ctor.from([1, 2, Number.NEGATIVE_INFINITY, 3, 4])))).toBe(Number.POSITIVE_INFINITY);
  });

  it('names the argument at fault', () => {
    const x = fromArray(new Ctor(3));
    expect(() => dot(x, fromArray(new Ctor(4)))).toThrow(/x has 3 elements, y has 4/);
    expect(() => axpy(Number.NaN, x, x)).toThrow(/Invalid a: NaN/);
    expect(() => scal(Number.POSITIVE_INFINITY, x)).toThrow(/Invalid a: Infinity/);
    const other = dt === 'f32' ? new Float64Array(3) : new Float32Array(3);
    expect(() => copy(x, fromArray(other))).toThrow(/y has dtype/);
  });

  it('keeps giving right answers after kernel memory grows between calls', () => {
    const x = randomArray(Ctor, 100, 11);
    const y = randomArray(Ctor, 100, 12);
    const wx = fromArray(x);
    const wy = fromArray(y);
    const before = dot(wx, wy);
    growMemory(1 << 20);
    expect(dot(wx, wy)).toBe(before);
    axpy(2, wx, wy);
    growMemory(1 << 20);
    expect(wy.data[7]).toBe(round(y[7] + round(2 * x[7])));
    expect(nrm2(wy)).toBeCloseTo(Math.sqrt(sumSquares(wy)), dt === 'f32' ? 4 : 12);
  });
});

describe('nrm2 overflow and underflow', () => {
  const cases = [
    ['f64 values near 1e200', Float64Array, [1e200, -2e200, 2e200], 3e200],
    ['f64 values near 1e-200', Float64Array, [3e-200, -4e-200], 5e-200],
    ['f64 subnormal values', Float64Array, [3e-310, 4e-310], 5e-310],
    ['f64 a huge value among ordinary ones', Float64Array, [1, 1e300, 1], 1e300],
    ['f32 values near 1e30', Float32Array, [3e30, -4e30, 0, 12e30], 13e30],
    ['f32 values near 1e-30', Float32Array, [3e-30, 4e-30], 5e-30],
    ['f32 values near 1e-40 (subnormal)', Float32Array, [3e-40, -4e-40], 5e-40],
  ] as const;
  it.each(cases)('gives the right norm for %s', (_, Ctor, values, want) => {
    // Repeat the pattern so both the SIMD body and the scalar tail see it.
    const n = values.length * 11;
    const x = new Ctor(n);
    for (let i = 0; i < n; i++) x[i] = values[i % values.length];
    const exact = want * Math.sqrt(11);
    const rel = Ctor === Float32Array ? (want < 1e-38 ? 1e-2 : 1e-6) : want < 1e-300 ? 1e-9 : 1e-14;
    expect(Math.abs(nrm2(fromArray(x)) - exact) / exact).toBeLessThanOrEqual(rel);
  });

  it('is 0 for an empty or all-zero array', () => {
    expect(nrm2(fromArray(new Float64Array(0)))).toBe(0);
    expect(nrm2(fromArray(new Float32Array(9)))).toBe(0);
  });
});

describe('level-1 algebraic identities (fast-check, f64)', () => {
  const vec = (n: number) =>
    fc
      .array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: n, maxLength: n })
      .map((a) => Float64Array.from(a));
  const pair = fc.integer({ min: 0, max: 40 }).chain((n) => fc.tuple(vec(n), vec(n)));

  it('axpy is linear: axpy(b, x, axpy(a, x, y)) == axpy(a + b, x, y)', () => {
    fc.assert(
      fc.property(
        pair,
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        ([x, y], a, b) => {
          const wx = fromArray(x);
          const y1 = fromArray(y);
          axpy(a, wx, y1);
          axpy(b, wx, y1);
          const y2 = fromArray(y);
          axpy(a + b, wx, y2);
          const d1 = y1.toArray();
          const d2 = y2.toArray();
          for (let i = 0; i < x.length; i++) expect(d1[i]).toBeCloseTo(d2[i], 8);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('dot is symmetric and nrm2(x)^2 == dot(x, x) == sumSquares(x)', () => {
    fc.assert(
      fc.property(pair, ([x, y]) => {
        const wx = fromArray(x);
        const wy = fromArray(y);
        expect(dot(wx, wy)).toBe(dot(wy, wx));
        const ss = sumSquares(wx);
        expect(dot(wx, wx)).toBe(ss);
        expect(Math.abs(nrm2(wx) ** 2 - ss)).toBeLessThanOrEqual(1e-12 * (ss + 1e-300));
      }),
      { numRuns: 60 },
    );
  });

  it('nrm2 is absolutely homogeneous: nrm2(c x) == |c| nrm2(x)', () => {
    fc.assert(
      fc.property(pair, fc.double({ min: -1e5, max: 1e5, noNaN: true }), ([x], c) => {
        const wx = fromArray(x);
        const n0 = nrm2(wx);
        scal(c, wx);
        expect(Math.abs(nrm2(wx) - Math.abs(c) * n0)).toBeLessThanOrEqual(1e-13 * Math.abs(c) * n0 + 1e-300);
      }),
      { numRuns: 60 },
    );
  });
});
