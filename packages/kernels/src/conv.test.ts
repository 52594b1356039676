import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alloc, type DType, type FloatArray, fromArray, type WasmArray } from './arena.js';
import { type Conv2dGeometry, col2im, conv2dOutputSize, im2col } from './conv.js';
import { gemm } from './gemm.js';
import { col2imNaive, conv2dNaive, im2colNaive, outputSize } from './test-support/conv-reference.js';
import { randomArray } from './test-support/random.js';

interface FloatCtor {
  new (n: number): FloatArray;
  from(values: ArrayLike<number>): FloatArray;
}
const dtypes: [DType, FloatCtor][] = [
  ['f32', Float32Array],
  ['f64', Float64Array],
];

/** A geometry from the fields that differ from a 3x3, stride 1, no padding or dilation one. */
function geom(fields: Partial<Conv2dGeometry>): Conv2dGeometry {
  return {
    C: 1,
    H: 5,
    W: 5,
    kH: 3,
    kW: 3,
    strideH: 1,
    strideW: 1,
    padH: 0,
    padW: 0,
    dilH: 1,
    dilW: 1,
    ...fields,
  };
}

const geometries: [string, Conv2dGeometry][] = [
  ['3x3, stride 1', geom({ C: 2, H: 6, W: 7 })],
  ['stride 2', geom({ C: 2, H: 9, W: 8, strideH: 2, strideW: 2 })],
  ['padding 1', geom({ C: 2, H: 5, W: 6, padH: 1, padW: 1 })],
  ['dilation 2', geom({ C: 2, H: 9, W: 10, dilH: 2, dilW: 2 })],
  ['non-square 2x5 kernel', geom({ C: 2, H: 6, W: 9, kH: 2, kW: 5 })],
  [
    'C = 3, 3x3, stride 2, padding 1 (a ResNet stem)',
    geom({ C: 3, H: 11, W: 10, strideH: 2, strideW: 2, padH: 1, padW: 1 }),
  ],
  ['1x1', geom({ C: 3, H: 4, W: 6, kH: 1, kW: 1 })],
  ['1x1, stride 2', geom({ C: 3, H: 5, W: 7, kH: 1, kW: 1, strideH: 2, strideW: 2 })],
  [
    'everything per axis: 3x2, stride (2, 3), padding (2, 1), dilation (1, 3)',
    geom({ C: 2, H: 10, W: 13, kH: 3, kW: 2, strideH: 2, strideW: 3, padH: 2, padW: 1, dilH: 1, dilW: 3 }),
  ],
  [
    'padding wider than the kernel: 2x2, padding 3',
    geom({ C: 1, H: 3, W: 4, kH: 2, kW: 2, padH: 3, padW: 3 }),
  ],
  ['kernel as large as the padded input', geom({ C: 2, H: 3, W: 4, kH: 5, kW: 4, padH: 1, padW: 0 })],
  ['wide rows (SIMD body and tail): 3x3, padding 1, W = 37', geom({ C: 2, H: 4, W: 37, padH: 1, padW: 1 })],
];

/** |got - want| <= tol (|want| scale) for every element, naming the first that is not. */
function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: number,
  scale: ArrayLike<number> | number = 1,
): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const s = typeof scale === 'number' ? scale : scale[i];
    if (!(Math.abs(got[i] - want[i]) <= tol * s)) {
      expect.fail(`element ${i}: got ${got[i]}, expected ${want[i]} (tolerance ${tol * s})`);
    }
  }
}

const same = (got: ArrayLike<number>, want: ArrayLike<number>) =>
  expect(Array.from(got)).toEqual(Array.from(want));

/** Conv of an NCHW batch by im2col (per image, at its offset) and one gemm per image. */
function convByIm2col(
  x: WasmArray,
  weight: WasmArray,
  N: number,
  Cout: number,
  g: Conv2dGeometry,
): Float64Array {
  const { Hout, Wout } = conv2dOutputSize(g);
  const K = g.C * g.kH * g.kW;
  const cols = alloc(x.dtype, K * Hout * Wout);
  const y = alloc(x.dtype, Cout * Hout * Wout);
  const out = new Float64Array(N * Cout * Hout * Wout);
  for (let n = 0; n < N; n++) {
    im2col(x, n * g.C * g.H * g.W, g, cols);
    gemm(
      { rows: Cout, cols: K, data: weight },
      { rows: K, cols: Hout * Wout, data: cols },
      { rows: Cout, cols: Hout * Wout, data: y },
    );
    out.set(y.data, n * Cout * Hout * Wout);
  }
  return out;
}

/** Σ |weight| |x| over each output's taps: the scale of its rounding error. */
function absScale(x: FloatArray, w: FloatArray, N: number, Cout: number, g: Conv2dGeometry): Float64Array {
  return conv2dNaive(x.map(Math.abs), w.map(Math.abs), N, g.C, Cout, g);
}

describe('conv2dOutputSize', () => {
  it('is floor((H + 2 padH - dilH (kH - 1) - 1) / strideH) + 1 per axis', () => {
    expect(conv2dOutputSize(geom({ H: 7, W: 6, strideH: 2, strideW: 2, padH: 1, padW: 1 }))).toEqual({
      Hout: 4,
      Wout: 3,
    });
    expect(conv2dOutputSize(geom({ H: 8, W: 9, kH: 2, kW: 3, dilH: 2, dilW: 2 }))).toEqual({
      Hout: 6,
      Wout: 5,
    });
    expect(
      conv2dOutputSize(geom({ H: 224, W: 224, kH: 7, kW: 7, strideH: 2, strideW: 2, padH: 3, padW: 3 })),
    ).toEqual({
      Hout: 112,
      Wout: 112,
    });
  });

  it('agrees with counting the windows one by one', () => {
    for (const [, g] of geometries) expect(conv2dOutputSize(g)).toEqual(outputSize(g));
  });

  it('names the field that is not an integer in range', () => {
    expect(() => conv2dOutputSize(geom({ strideH: 0 }))).toThrow(/geometry\.strideH: 0/);
    expect(() => conv2dOutputSize(geom({ padW: -1 }))).toThrow(/geometry\.padW: -1/);
    expect(() => conv2dOutputSize(geom({ C: 1.5 }))).toThrow(/geometry\.C: 1\.5/);
    expect(() => conv2dOutputSize(geom({ dilW: Number.NaN }))).toThrow(/geometry\.dilW: NaN/);
    expect(() => conv2dOutputSize(geom({ kH: '3' as unknown as number }))).toThrow(RangeError);
    expect(() => conv2dOutputSize(geom({ H: 2 ** 25 }))).toThrow(/geometry\.H/);
    expect(() => conv2dOutputSize(null as unknown as Conv2dGeometry)).toThrow(TypeError);
  });

  it('names Hout or Wout when the dilated kernel does not fit in the padded input', () => {
    expect(() => conv2dOutputSize(geom({ H: 4, kH: 5 }))).toThrow(/Hout = .* = 0 < 1/);
    expect(() => conv2dOutputSize(geom({ W: 4, dilW: 2 }))).toThrow(
      /Wout = .* < 1 .*spans 5, the padded input 4/,
    );
    expect(conv2dOutputSize(geom({ W: 4, dilW: 2, padW: 1 })).Wout).toBe(2);
  });
});

describe.each(dtypes)('im2col and col2im (%s)', (dt, C) => {
  const eps = dt === 'f32' ? 2 ** -24 : 2 ** -53;

  it.each(geometries)('im2col copies the naive windows exactly: %s', (_name, g) => {
    const x = randomArray(C, 2 * g.C * g.H * g.W, 11);
    const X = fromArray(x);
    const { Hout, Wout } = conv2dOutputSize(g);
    const cols = fromArray(new C(g.C * g.kH * g.kW * Hout * Wout).fill(Number.NaN)); // every entry written
    im2col(X, g.C * g.H * g.W, g, cols); // the second image of the batch
    expect(Array.from(cols.data)).toEqual(Array.from(im2colNaive(x.subarray(g.C * g.H * g.W), g.C, g)));
  });

  it.each(geometries)('conv by im2col + gemm equals the direct 7-loop convolution: %s', (_name, g) => {
    const N = 2;
    const Cout = 3;
    const x = randomArray(C, N * g.C * g.H * g.W, 21);
    const w = randomArray(C, Cout * g.C * g.kH * g.kW, 22);
    const got = convByIm2col(fromArray(x), fromArray(w), N, Cout, g);
    expectClose(
      got,
      conv2dNaive(x, w, N, g.C, Cout, g),
      4 * g.C * g.kH * g.kW * eps,
      absScale(x, w, N, Cout, g),
    );
  });

  it.each(geometries)('col2im adds the naive scatter to what dx held: %s', (_name, g) => {
    const { Hout, Wout } = conv2dOutputSize(g);
    const cols = randomArray(C, g.C * g.kH * g.kW * Hout * Wout, 31);
    const dx0 = randomArray(C, g.C * g.H * g.W, 32);
    const DX = fromArray(dx0);
    col2im(fromArray(cols), g, DX, 0);
    const terms = g.kH * g.kW + 1; // dx0 and at most one tap per kernel offset
    expectClose(DX.data, col2imNaive(cols, g.C, g, dx0), terms * eps, terms);
  });

  it('im2col and col2im with colsOffset address one image of a batch cols [N, C kH kW, Hout Wout]', () => {
    const g = geom({ C: 2, H: 5, W: 6, padH: 1, padW: 1, strideW: 2 });
    const { Hout, Wout } = conv2dOutputSize(g);
    const n = g.C * g.H * g.W;
    const m = g.C * g.kH * g.kW * Hout * Wout;
    const x = randomArray(C, 3 * n, 45);
    const cols = fromArray(new C(3 * m).fill(7));
    im2col(fromArray(x), 2 * n, g, cols, m); // image 2 into block 1
    same(cols.data.subarray(m, 2 * m), im2colNaive(x.subarray(2 * n), g.C, g));
    expect(
      cols.data.subarray(0, m).every((v) => v === 7) && cols.data.subarray(2 * m).every((v) => v === 7),
    ).toBe(true);
    const dx = alloc(dt, 3 * n);
    col2im(cols, g, dx, n, m); // block 1 into image 1
    const want = col2imNaive(cols.data.subarray(m, 2 * m), g.C, g, new Float64Array(n));
    expectClose(dx.data.subarray(n, 2 * n), want, 10 * eps, 16);
    expect(() => im2col(fromArray(x), 0, g, cols, 2 * m + 1)).toThrow(/colsOffset = 541 plus one image/);
    expect(() => col2im(cols, g, dx, 0, -1)).toThrow(/Invalid colsOffset: -1/);
  });

  it('col2im at an offset touches that image only', () => {
    const g = geom({ C: 2, H: 5, W: 6, padH: 1, padW: 1, strideW: 2 });
    const { Hout, Wout } = conv2dOutputSize(g);
    const n = g.C * g.H * g.W;
    const cols = randomArray(C, g.C * g.kH * g.kW * Hout * Wout, 41);
    const DX = fromArray(new C(3 * n).fill(7));
    col2im(fromArray(cols), g, DX, n);
    const want = col2imNaive(cols, g.C, g, new Float64Array(n).fill(7));
    expectClose(DX.data.subarray(n, 2 * n), want, 10 * eps, 16); // 7 + up to 9 taps
    expect(Array.from(DX.data.subarray(0, n)).every((v) => v === 7)).toBe(true);
    expect(Array.from(DX.data.subarray(2 * n)).every((v) => v === 7)).toBe(true);
  });
});

describe('col2im is the adjoint of im2col', () => {
  it.each(geometries)('<im2col(x), c> = <x, col2im(c)> in f64 to 1e-12: %s', (_name, g) => {
    const { Hout, Wout } = conv2dOutputSize(g);
    for (let seed = 0; seed < 3; seed++) {
      const x = randomArray(Float64Array, g.C * g.H * g.W, 100 + seed);
      const c = randomArray(Float64Array, g.C * g.kH * g.kW * Hout * Wout, 200 + seed);
      const cols = alloc('f64', c.length);
      im2col(fromArray(x), 0, g, cols);
      const dx = alloc('f64', x.length);
      col2im(fromArray(c), g, dx, 0);
      let lhs = 0;
      let rhs = 0;
      let scale = 0;
      for (let i = 0; i < c.length; i++) {
        lhs += cols.data[i] * c[i];
        scale += Math.abs(cols.data[i] * c[i]);
      }
      for (let i = 0; i < x.length; i++) rhs += x[i] * dx.data[i];
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-12 * scale);
    }
  });
});

interface ConvFixture {
  name: string;
  N: number;
  C: number;
  H: number;
  W: number;
  Cout: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilH: number;
  dilW: number;
  Hout: number;
  Wout: number;
  x: number[];
  weight: number[];
  y: number[];
  dy: number[];
  dx: number[];
  dweight: number[];
}
const fixtures: { conv: ConvFixture[] } = JSON.parse(
  readFileSync(fileURLToPath(new URL('../test/fixtures/conv/conv_pool.json', import.meta.url)), 'utf8'),
);

describe('against torch 1.13 conv2d (test/fixtures/conv/make_conv_pool_fixtures.py, f64)', () => {
  it.each(fixtures.conv.map((f) => [f.name, f] as const))(
    'forward and both gradients by im2col, gemm, col2im: %s',
    (_name, f) => {
      const g: Conv2dGeometry = { ...f };
      expect(conv2dOutputSize(g)).toEqual({ Hout: f.Hout, Wout: f.Wout });
      const K = f.C * f.kH * f.kW;
      const P = f.Hout * f.Wout;
      const weight = { rows: f.Cout, cols: K, data: fromArray(Float64Array.from(f.weight)) };
      const X = fromArray(Float64Array.from(f.x));
      const DY = fromArray(Float64Array.from(f.dy));
      const cols = { rows: K, cols: P, data: alloc('f64', K * P) };
      const y = { rows: f.Cout, cols: P, data: alloc('f64', f.Cout * P) };
      const dcols = { rows: K, cols: P, data: alloc('f64', K * P) };
      const dweight = { rows: f.Cout, cols: K, data: alloc('f64', f.Cout * K) };
      const dx = alloc('f64', f.x.length);
      for (let n = 0; n < f.N; n++) {
        im2col(X, n * f.C * f.H * f.W, g, cols.data);
        gemm(weight, cols, y);
        expectClose(y.data.data, f.y.slice(n * f.Cout * P, (n + 1) * f.Cout * P), 1e-13, 10);
        const dyn = {
          rows: f.Cout,
          cols: P,
          data: fromArray(DY.data.slice(n * f.Cout * P, (n + 1) * f.Cout * P)),
        };
        gemm(dyn, cols, dweight, { transB: true, beta: n === 0 ? 0 : 1 }); // dW += dy colsᵀ
        gemm(weight, dyn, dcols, { transA: true }); // dcols = Wᵀ dy
        col2im(dcols.data, g, dx, n * f.C * f.H * f.W);
      }
      expectClose(dweight.data.data, f.dweight, 1e-13, 10);
      expectClose(dx.data, f.dx, 1e-13, 10);
    },
  );
});

describe('bad input', () => {
  const g = geom({ C: 2, H: 5, W: 5, padH: 1, padW: 1 });
  const n = 2 * 5 * 5;
  const colsLen = 2 * 9 * 25;

  it('im2col names a cols of the wrong length and writes nothing', () => {
    const cols = fromArray(new Float64Array(colsLen - 1).fill(3));
    expect(() => im2col(alloc('f64', n), 0, g, cols)).toThrow(/cols has length 449, expected 450/);
    expect(cols.data.every((v) => v === 3)).toBe(true);
  });

  it('im2col names an xOffset past the end of x, or not an integer', () => {
    expect(() => im2col(alloc('f64', 2 * n), n + 1, g, alloc('f64', colsLen))).toThrow(
      /xOffset = 51 plus one image/,
    );
    expect(() => im2col(alloc('f64', 2 * n), -1, g, alloc('f64', colsLen))).toThrow(/Invalid xOffset: -1/);
    expect(() => im2col(alloc('f64', 2 * n), 0.5, g, alloc('f64', colsLen))).toThrow(/Invalid xOffset: 0.5/);
  });

  it('im2col and col2im reject mixed dtypes and cols that is x itself', () => {
    expect(() => im2col(alloc('f32', n), 0, g, alloc('f64', colsLen))).toThrow(
      /cols has dtype f64, expected f32/,
    );
    expect(() => col2im(alloc('f32', colsLen), g, alloc('f64', n), 0)).toThrow(
      /dx has dtype f64, expected f32/,
    );
    const big = alloc('f64', colsLen);
    expect(() => col2im(big, geom({ C: 2, H: 15, W: 15, kH: 1, kW: 1 }), big, 0)).toThrow(/overlaps/);
  });

  it('col2im names a dxOffset past the end of dx and leaves dx unchanged', () => {
    const dx = fromArray(new Float64Array(n).fill(5));
    expect(() => col2im(alloc('f64', colsLen), g, dx, 1)).toThrow(/dxOffset = 1 plus one image/);
    expect(dx.data.every((v) => v === 5)).toBe(true);
  });
});
