import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alloc, type DType, type FloatArray, fromArray } from './arena.js';
import {
  avgPool2d,
  avgPool2dBackward,
  maxPool2d,
  maxPool2dBackward,
  type Pool2dGeometry,
  pool2dOutputSize,
} from './pool.js';
import { avgPoolNaive, maxPoolNaive, outputSize } from './test-support/conv-reference.js';
import { randomArray, rng } from './test-support/random.js';

interface FloatCtor {
  new (n: number): FloatArray;
  from(values: ArrayLike<number>): FloatArray;
}
const dtypes: [DType, FloatCtor][] = [
  ['f32', Float32Array],
  ['f64', Float64Array],
];

/** A geometry from the fields that differ from 3 planes of 6x7, 2x2 windows, stride 1. */
function geom(fields: Partial<Pool2dGeometry>): Pool2dGeometry {
  return {
    N: 3,
    H: 6,
    W: 7,
    kH: 2,
    kW: 2,
    strideH: 1,
    strideW: 1,
    padH: 0,
    padW: 0,
    dilH: 1,
    dilW: 1,
    ...fields,
  };
}

const avgGeometries: [string, Pool2dGeometry][] = [
  ['2x2 stride 2', geom({ H: 8, W: 9, strideH: 2, strideW: 2 })],
  ['3x3 stride 2 padding 1', geom({ H: 7, W: 8, kH: 3, kW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1 })],
  [
    '3x3 stride 2 padding 1, ceil mode',
    geom({ H: 8, W: 6, kH: 3, kW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1, ceilMode: true }),
  ],
  [
    '2x3 stride (1, 2) padding (0, 1), ceil mode',
    geom({ H: 5, W: 8, kH: 2, kW: 3, strideW: 2, padW: 1, ceilMode: true }),
  ],
  [
    '4x4 stride 3 padding 2, ceil mode',
    geom({ H: 10, W: 11, kH: 4, kW: 4, strideH: 3, strideW: 3, padH: 2, padW: 2, ceilMode: true }),
  ],
  [
    '4x1 stride (3, 1), ceil mode: a window taller than the input',
    geom({ H: 2, W: 3, kH: 4, kW: 1, strideH: 3, ceilMode: true }),
  ],
  ['1x1', geom({ kH: 1, kW: 1 })],
];
const maxGeometries: [string, Pool2dGeometry][] = [
  ...avgGeometries,
  [
    '3x2 dilation (2, 3) padding 1',
    geom({ H: 9, W: 10, kH: 3, kW: 2, strideW: 2, padH: 1, padW: 1, dilH: 2, dilW: 3 }),
  ],
  [
    '2x2 dilation 3 padding 1: a window that misses the input',
    geom({ H: 2, W: 2, padH: 1, padW: 1, dilH: 3, dilW: 3 }),
  ],
  [
    '3x3 dilation 2 stride 2, ceil mode',
    geom({ H: 9, W: 8, kH: 3, kW: 3, strideH: 2, strideW: 2, dilH: 2, dilW: 2, ceilMode: true }),
  ],
];

/** Values in {0, 1, 2}: most windows have tied maxima. */
function ties(C: FloatCtor, n: number, seed: number): FloatArray {
  const r = rng(seed);
  return C.from(Array.from({ length: n }, () => Math.floor(3 * r())));
}

/** Random values with NaN at every 5th position (so some windows hold two). */
function withNaN(C: FloatCtor, n: number, seed: number): FloatArray {
  const x = randomArray(C, n, seed);
  for (let i = 0; i < n; i += 5) x[i] = Number.NaN;
  return x;
}

const same = (got: ArrayLike<number>, want: ArrayLike<number>) =>
  expect(Array.from(got)).toEqual(Array.from(want));

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) {
      expect.fail(`element ${i}: got ${got[i]}, expected ${want[i]}`);
    }
  }
}

describe('pool2dOutputSize', () => {
  it('agrees with counting the windows one by one, ceil mode included', () => {
    for (const [, g] of maxGeometries) expect(pool2dOutputSize(g)).toEqual(outputSize(g));
  });

  it('ceil mode keeps the partial last window', () => {
    // H = 5, k = 2, s = 2, p = 0: floor(3 / 2) + 1 = 2 windows, ceil(3 / 2) + 1 = 3
    expect(pool2dOutputSize(geom({ H: 5, W: 5, strideH: 2, strideW: 2 })).Hout).toBe(2);
    expect(pool2dOutputSize(geom({ H: 5, W: 5, strideH: 2, strideW: 2, ceilMode: true })).Hout).toBe(3);
  });

  it("ceil mode drops the window that would start in the right padding (torch's rule)", () => {
    // H = 5, k = 2, s = 2, p = 1: ceil(5 / 2) + 1 = 4, but window 3 would start at 3 * 2 - 1 = 5 = H
    expect(
      pool2dOutputSize(geom({ H: 5, W: 5, strideH: 2, strideW: 2, padH: 1, padW: 1, ceilMode: true })),
    ).toEqual({
      Hout: 3,
      Wout: 3,
    });
    // H = 4, k = 2, s = 3, p = 1: ceil(4 / 3) + 1 = 3, but window 2 would start at 2 * 3 - 1 = 5 > H
    expect(
      pool2dOutputSize(geom({ H: 4, W: 4, strideH: 3, strideW: 3, padH: 1, padW: 1, ceilMode: true })),
    ).toEqual({
      Hout: 2,
      Wout: 2,
    });
  });

  it("rejects a pad over half the kernel with torch's message, naming the field", () => {
    expect(() => pool2dOutputSize(geom({ kH: 3, padH: 2 }))).toThrow(
      /geometry\.padH: 2 \(pad should be at most half of kernel size, but got pad=2 and kernel_size=3/,
    );
    expect(() => pool2dOutputSize(geom({ kW: 3, padW: 2 }))).toThrow(/geometry\.padW/);
    expect(pool2dOutputSize(geom({ kW: 3, padW: 1 })).Wout).toBe(7);
  });

  it('names the field that is not an integer in range, and a non-boolean ceilMode', () => {
    expect(() => pool2dOutputSize(geom({ strideW: 0 }))).toThrow(/geometry\.strideW: 0/);
    expect(() => pool2dOutputSize(geom({ N: -1 }))).toThrow(/geometry\.N: -1/);
    expect(() => pool2dOutputSize(geom({ dilH: 0 }))).toThrow(/geometry\.dilH: 0/);
    expect(() => pool2dOutputSize(geom({ kH: 2.5 }))).toThrow(/geometry\.kH: 2\.5/);
    expect(() => pool2dOutputSize(geom({ ceilMode: 1 as unknown as boolean }))).toThrow(TypeError);
    expect(pool2dOutputSize(geom({ N: 0 }))).toEqual({ Hout: 5, Wout: 6 });
  });

  it('names Hout or Wout when the window does not fit', () => {
    expect(() => pool2dOutputSize(geom({ H: 2, kH: 3 }))).toThrow(/Hout = 0 < 1 .*output size is too small/);
    expect(() => pool2dOutputSize(geom({ W: 3, kW: 2, dilW: 3 }))).toThrow(/Wout = 0 < 1/);
  });
});

describe.each(dtypes)('maxPool2d (%s)', (dt, C) => {
  const inputs: [string, (n: number, seed: number) => FloatArray][] = [
    ['random', (n, seed) => randomArray(C, n, seed)],
    ['ties', (n, seed) => ties(C, n, seed)],
    ['NaN', (n, seed) => withNaN(C, n, seed)],
  ];
  const cases = maxGeometries.flatMap(([name, g]) =>
    inputs.map(([kind, make]) => [`${name}, ${kind}`, g, make] as const),
  );

  it.each(cases)('values and argmax equal the naive window scan: %s', (_name, g, make) => {
    const x = make(g.N * g.H * g.W, 7);
    const { Hout, Wout } = pool2dOutputSize(g);
    const out = alloc(dt, g.N * Hout * Wout);
    const argmax = alloc(dt, g.N * Hout * Wout);
    maxPool2d(fromArray(x), g, out, argmax);
    const want = maxPoolNaive(x, g.N, g);
    same(out.data, want.out);
    same(argmax.data, want.argmax);
  });

  it.each(cases)('backward adds dy at argmax, as the naive scatter: %s', (_name, g, make) => {
    const x = make(g.N * g.H * g.W, 8);
    const { Hout, Wout } = pool2dOutputSize(g);
    const argmax = alloc(dt, g.N * Hout * Wout);
    maxPool2d(fromArray(x), g, alloc(dt, argmax.length), argmax);
    const dy = randomArray(C, argmax.length, 9);
    const dx0 = randomArray(C, x.length, 10);
    const dx = fromArray(dx0);
    maxPool2dBackward(fromArray(dy), argmax, g, dx);
    const want = Float64Array.from(dx0);
    const at = maxPoolNaive(x, g.N, g).argmax;
    for (let q = 0; q < dy.length; q++) {
      const p = Math.floor(q / (Hout * Wout));
      if (at[q] >= 0) want[p * g.H * g.W + at[q]] += dy[q];
    }
    expectClose(dx.data, want, dt === 'f32' ? 2 ** -21 : 2 ** -50);
  });
});

describe('maxPool2dBackward against finite differences (f64)', () => {
  it.each(maxGeometries.filter(([name]) => !name.includes('misses')))(
    'd/dx Σ dy · maxPool2d(x): %s',
    (_name, g) => {
      const x = randomArray(Float64Array, g.N * g.H * g.W, 50);
      const { Hout, Wout } = pool2dOutputSize(g);
      const dy = randomArray(Float64Array, g.N * Hout * Wout, 51);
      const loss = (v: Float64Array) => {
        const out = alloc('f64', dy.length);
        maxPool2d(fromArray(v), g, out, alloc('f64', dy.length));
        return out.data.reduce((s, o, i) => s + o * dy[i], 0);
      };
      const argmax = alloc('f64', dy.length);
      maxPool2d(fromArray(x), g, alloc('f64', dy.length), argmax);
      const dx = alloc('f64', x.length);
      maxPool2dBackward(fromArray(dy), argmax, g, dx);
      const h = 1e-7; // random inputs sit far more than h apart, so no window changes its winner
      for (let i = 0; i < x.length; i++) {
        const xp = Float64Array.from(x);
        const xm = Float64Array.from(x);
        xp[i] += h;
        xm[i] -= h;
        expect(Math.abs((loss(xp) - loss(xm)) / (2 * h) - dx.data[i])).toBeLessThan(1e-7);
      }
    },
  );
});

describe.each(dtypes)('avgPool2d (%s)', (dt, C) => {
  const eps = dt === 'f32' ? 2 ** -24 : 2 ** -53;
  const cases = avgGeometries.flatMap(([name, g]) =>
    [true, false].map((inc) => [`${name}, countIncludePad ${inc}`, g, inc] as const),
  );

  it.each(cases)('equals the naive window mean: %s', (_name, g, inc) => {
    const x = randomArray(C, g.N * g.H * g.W, 60);
    const { Hout, Wout } = pool2dOutputSize(g);
    const out = alloc(dt, g.N * Hout * Wout);
    avgPool2d(fromArray(x), g, out, inc);
    expectClose(out.data, avgPoolNaive(x, g.N, g, inc), 4 * g.kH * g.kW * eps);
  });

  it.each(cases)(
    'backward is the adjoint: <avgPool2d(x), dy> = <x, avgPool2dBackward(dy)>: %s',
    (_name, g, inc) => {
      const x = randomArray(C, g.N * g.H * g.W, 61);
      const { Hout, Wout } = pool2dOutputSize(g);
      const dy = randomArray(C, g.N * Hout * Wout, 62);
      const out = alloc(dt, dy.length);
      avgPool2d(fromArray(x), g, out, inc);
      const dx = alloc(dt, x.length);
      avgPool2dBackward(fromArray(dy), g, dx, inc);
      let lhs = 0;
      let rhs = 0;
      let scale = 0;
      for (let i = 0; i < dy.length; i++) lhs += out.data[i] * dy[i];
      for (let i = 0; i < x.length; i++) {
        rhs += x[i] * dx.data[i];
        scale += Math.abs(x[i]) * g.kH * g.kW;
      }
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(8 * g.kH * g.kW * eps * scale);
    },
  );

  it('backward accumulates into dx and defaults to countIncludePad = true', () => {
    const g = geom({ N: 1, H: 3, W: 3, kH: 3, kW: 3, padH: 1, padW: 1 });
    const dx = fromArray(new C(9).fill(1));
    avgPool2dBackward(fromArray(new C(9).fill(9)), g, dx);
    // each input is in 4 (corner), 6 (edge) or 9 (centre) windows, each giving 9 / 9 = 1
    same(dx.data, [5, 7, 5, 7, 10, 7, 5, 7, 5]);
    const out = alloc(dt, 9);
    avgPool2d(fromArray(C.from([1, 2, 3, 4, 5, 6, 7, 8, 9])), g, out);
    expectClose(out.data, [12 / 9, 21 / 9, 16 / 9, 27 / 9, 45 / 9, 33 / 9, 24 / 9, 39 / 9, 28 / 9], 4 * eps);
  });
});

interface PoolFixture extends Pool2dGeometry {
  name: string;
  Hout: number;
  Wout: number;
  x: (number | null)[];
  max: (number | null)[];
  argmax: number[];
  dy: number[];
  maxDx: number[];
  avgIncludePad?: number[];
  avgIncludePadDx?: number[];
  avgExcludePad?: number[];
  avgExcludePadDx?: number[];
}
const fixtures: { pool: PoolFixture[] } = JSON.parse(
  readFileSync(fileURLToPath(new URL('../test/fixtures/conv/conv_pool.json', import.meta.url)), 'utf8'),
);
const f64 = (v: (number | null)[]) => Float64Array.from(v, (e) => (e === null ? Number.NaN : e));

describe('against torch 1.13 max_pool2d / avg_pool2d (test/fixtures/conv/make_conv_pool_fixtures.py, f64)', () => {
  const cases = fixtures.pool.map((f) => [f.name, f] as const);

  it.each(cases)('max_pool2d values, indices and gradient: %s', (_name, f) => {
    expect(pool2dOutputSize(f)).toEqual({ Hout: f.Hout, Wout: f.Wout });
    const out = alloc('f64', f.argmax.length);
    const argmax = alloc('f64', f.argmax.length);
    maxPool2d(fromArray(f64(f.x)), f, out, argmax);
    same(out.data, f64(f.max));
    same(argmax.data, f.argmax);
    const dx = alloc('f64', f.x.length);
    maxPool2dBackward(fromArray(f64(f.dy)), argmax, f, dx);
    expectClose(dx.data, f.maxDx, 1e-15);
  });

  it.each(cases.filter(([, f]) => f.avgIncludePad))(
    'avg_pool2d with and without the padding counted: %s',
    (_name, f) => {
      for (const inc of [true, false]) {
        const key = inc ? 'avgIncludePad' : 'avgExcludePad';
        const out = alloc('f64', f.argmax.length);
        avgPool2d(fromArray(f64(f.x)), f, out, inc);
        expectClose(out.data, f[key]!, 1e-15);
        const dx = alloc('f64', f.x.length);
        avgPool2dBackward(fromArray(f64(f.dy)), f, dx, inc);
        expectClose(dx.data, f[`${key}Dx`]!, 1e-15);
      }
    },
  );
});

describe('bad input', () => {
  const g = geom({ N: 2, H: 4, W: 4, strideH: 2, strideW: 2 }); // out 2 x 2 x 2
  const x = () => randomArray(Float64Array, 32, 1);

  it('maxPool2d names an out or argmax of the wrong length or dtype', () => {
    expect(() => maxPool2d(fromArray(x()), g, alloc('f64', 7), alloc('f64', 8))).toThrow(
      /out has length 7, expected 8/,
    );
    expect(() => maxPool2d(fromArray(x()), g, alloc('f64', 8), alloc('f64', 9))).toThrow(
      /argmax has length 9/,
    );
    expect(() => maxPool2d(fromArray(x()), g, alloc('f64', 8), alloc('f32', 8))).toThrow(
      /argmax has dtype f32/,
    );
    expect(() => maxPool2d(fromArray(x()), g, alloc('f32', 8), alloc('f32', 8))).toThrow(/out has dtype f32/);
    expect(() => maxPool2d(alloc('f64', 31), g, alloc('f64', 8), alloc('f64', 8))).toThrow(
      /x has length 31, expected 32/,
    );
  });

  it('maxPool2d rejects argmax that is out itself', () => {
    const out = alloc('f64', 8);
    expect(() => maxPool2d(fromArray(x()), g, out, out)).toThrow(/argmax overlaps out/);
  });

  it('maxPool2d refuses f32 indices for planes over 2^24 elements', () => {
    const big = geom({ N: 0, H: 4097, W: 4097 });
    expect(() => maxPool2d(alloc('f32', 0), big, alloc('f32', 0), alloc('f32', 0))).toThrow(/use f64/);
    expect(() => maxPool2d(alloc('f64', 0), big, alloc('f64', 0), alloc('f64', 0))).not.toThrow();
  });

  it('maxPool2dBackward names an index outside the plane and leaves dx unchanged', () => {
    for (const bad of [16, -2, 1.5, Number.NaN]) {
      const argmax = fromArray(new Float64Array([0, 1, 2, 3, 4, bad, 6, 7]));
      const dx = fromArray(new Float64Array(32).fill(2));
      expect(() => maxPool2dBackward(fromArray(new Float64Array(8).fill(1)), argmax, g, dx)).toThrow(
        new RegExp(`argmax\\[5\\] = ${bad} is not a flat index in \\[0, H \\* W = 16\\)`),
      );
      expect(dx.data.every((v) => v === 2)).toBe(true);
    }
  });

  it('avgPool2d rejects dilation and a non-boolean countIncludePad', () => {
    const out = alloc('f64', 8);
    expect(() => avgPool2d(fromArray(x()), { ...g, dilW: 2 }, out)).toThrow(
      /geometry\.dilW: 2 \(avgPool2d has no dilation/,
    );
    expect(() => avgPool2dBackward(out, { ...g, dilH: 2 }, fromArray(x()))).toThrow(/geometry\.dilH: 2/);
    expect(() => avgPool2d(fromArray(x()), g, out, 'yes' as unknown as boolean)).toThrow(TypeError);
    expect(out.data.every((v) => v === 0)).toBe(true);
  });

  it('avgPool2dBackward names a dy of the wrong length', () => {
    expect(() => avgPool2dBackward(alloc('f64', 9), g, alloc('f64', 32))).toThrow(
      /dy has length 9, expected 8/,
    );
  });
});
