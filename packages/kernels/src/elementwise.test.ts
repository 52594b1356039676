import { describe, expect, it } from 'vitest';
import { alloc, type DType, fromArray, growMemory, type WasmArray } from './arena.js';
import {
  affine,
  type BinaryOp,
  binary,
  elu,
  eluBackward,
  powScalar,
  select,
  type UnaryOp,
  unary,
} from './elementwise.js';
import { rng } from './test-support/random.js';
import { broadcastStrides, forEachIndex, rowMajorStrides } from './test-support/tensor-reference.js';

const dtypes: DType[] = ['f32', 'f64'];
const round = (dt: DType) => (dt === 'f32' ? Math.fround : (v: number) => v);

function arrayOf(dt: DType, values: ArrayLike<number>): WasmArray {
  return fromArray(dt === 'f32' ? Float32Array.from(values) : Float64Array.from(values));
}

/** Random values in [-3, 3) with a few exact zeros and repeats, so comparisons see equal pairs. */
function sample(n: number, seed: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => (r() < 0.15 ? Math.round(r() * 4 - 2) : 6 * r() - 3));
}

/** Same value, or both NaN, or within `tol` (f32: ulps of the f32 value; f64: relative). */
function expectClose(dt: DType, got: ArrayLike<number>, want: ArrayLike<number>, tol = 0): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = round(dt)(want[i]);
    if (Number.isNaN(w) || !Number.isFinite(w) || tol === 0) {
      if (!Object.is(g, w) && !(g === 0 && w === 0 && tol > 0)) {
        expect.fail(`element ${i}: got ${g}, want ${w}`);
      }
      continue;
    }
    const scale = dt === 'f32' ? Math.max(Math.abs(w) * 2 ** -23, 2 ** -149) : Math.abs(w) || 5e-324;
    if (Math.abs(g - w) > tol * scale) expect.fail(`element ${i}: got ${g}, want ${w} (tolerance ${tol})`);
  }
}

const special = [0, -0, 1, -1, 0.5, -0.5, 1e-8, -1e-8, 2, -2, 10, -10, 100, -100, Infinity, -Infinity, NaN];

const softplusRef = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const unaryRefs: Record<UnaryOp, { f: (x: number) => number; tol: number }> = {
  neg: { f: (x) => -x, tol: 0 },
  abs: { f: Math.abs, tol: 0 },
  sign: { f: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : Number.NaN), tol: 0 },
  square: { f: (x) => x * x, tol: 0 },
  sqrt: { f: Math.sqrt, tol: 0 },
  reciprocal: { f: (x) => 1 / x, tol: 0 },
  exp: { f: Math.exp, tol: 2 },
  log: { f: Math.log, tol: 1 },
  log1p: { f: Math.log1p, tol: 1 },
  expm1: { f: Math.expm1, tol: 1 },
  sin: { f: Math.sin, tol: 1 },
  cos: { f: Math.cos, tol: 1 },
  softplus: { f: softplusRef, tol: 3 },
  relu: { f: (x) => (x > 0 ? x : x < 0 || x === 0 ? 0 : x), tol: 0 },
  step: { f: (x) => (x > 0 ? 1 : 0), tol: 0 },
  sigmoid: { f: (x) => 1 / (1 + Math.exp(-x)), tol: 3 },
  tanh: { f: Math.tanh, tol: 3 },
};

describe.each(dtypes)('unary (%s)', (dt) => {
  const values = [...special, ...sample(40, 7)];
  it.each(Object.keys(unaryRefs) as UnaryOp[])(
    '%s matches Math on special values and a random sample (SIMD body and tail)',
    (op) => {
      const { f, tol } = unaryRefs[op];
      const x = arrayOf(dt, values);
      const want = Array.from(x.data, f);
      for (const n of [values.length, values.length - 1, values.length - 2, 3]) {
        const xs = arrayOf(dt, x.data.subarray(0, n));
        const out = alloc(dt, n);
        unary(op, xs, out);
        expectClose(dt, out.data, want.slice(0, n), tol);
      }
    },
  );

  it('sign(-0) is +0 and sign(NaN) is NaN', () => {
    const out = alloc(dt, 2);
    unary('sign', arrayOf(dt, [-0, NaN]), out);
    expect(Object.is(out.data[0], 0)).toBe(true);
    expect(out.data[1]).toBeNaN();
  });

  it('log of a negative number is NaN, of 0 is -Infinity', () => {
    const out = alloc(dt, 3);
    unary('log', arrayOf(dt, [-1, 0, -Infinity]), out);
    expect(Array.from(out.data)).toEqual([NaN, -Infinity, NaN]);
  });

  it('writes in place when out is x', () => {
    const x = arrayOf(dt, [1, -2, 3, -4, 5]);
    unary('square', x, x);
    expect(Array.from(x.data)).toEqual([1, 4, 9, 16, 25]);
  });

  it('affine is alpha x + beta, rounded like the naive loop, in place too', () => {
    const values = sample(23, 3);
    const x = arrayOf(dt, values);
    const r = round(dt);
    const [alpha, beta] = [r(1.7), r(-0.3)];
    const want = Array.from(x.data, (v) => r(r(v * alpha) + beta));
    const out = alloc(dt, x.length);
    affine(x, alpha, beta, out);
    expectClose(dt, out.data, want);
    affine(x, alpha, beta, x);
    expectClose(dt, x.data, want);
  });

  it.each([2, 0.5, -1, 3, -0.5, 0, 1.7])(
    'powScalar(x, %s) matches Math.pow (the special powers exactly)',
    (p) => {
      const values = [...special, ...sample(21, 11).map(Math.abs), ...sample(9, 12)];
      const x = arrayOf(dt, values);
      const out = alloc(dt, x.length);
      powScalar(x, p, out);
      const want = Array.from(x.data, (v) =>
        p === 2 ? v * v : p === 0.5 ? Math.sqrt(v) : p === -1 ? 1 / v : v ** p,
      );
      expectClose(dt, out.data, want, p === 2 || p === 0.5 || p === -1 ? 0 : 1);
    },
  );

  it('rejects an unknown op, a dtype or length mismatch and a partly overlapping out, changing nothing', () => {
    const x = arrayOf(dt, [1, 2, 3, 4]);
    const out = alloc(dt, 4);
    expect(() => unary('cube' as UnaryOp, x, out)).toThrow(/Invalid op: cube/);
    expect(() => unary('exp', x, alloc(dt === 'f32' ? 'f64' : 'f32', 4))).toThrow(/out has dtype/);
    expect(() => unary('exp', x, alloc(dt, 3))).toThrow(/Length mismatch/);
    expect(() => affine(x, '2' as unknown as number, 0, out)).toThrow(/alpha must be a number/);
    expect(Array.from(out.data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4]);
  });
});

const binaryRefs: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  eq: (a, b) => +(a === b),
  ne: (a, b) => +(a !== b),
  lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b),
};

/** The naive broadcast op: out[i] = f(a[offA], b[offB]) over the output's index walk. */
function naiveBinary(
  f: (a: number, b: number) => number,
  a: ArrayLike<number>,
  as: number[],
  b: ArrayLike<number>,
  bs: number[],
  shape: number[],
): number[] {
  const out: number[] = [];
  forEachIndex(shape, [as, bs], (i, [oa, ob]) => {
    out[i] = f(a[oa], b[ob]);
  });
  return out;
}

const size = (shape: number[]) => shape.reduce((p, n) => p * n, 1);

// [a shape, b shape] -> output shape by numpy's broadcasting rule
const broadcastCases: [number[], number[]][] = [
  [
    [3, 1],
    [1, 4],
  ],
  [[2, 3, 4], [4]],
  [[], [5]],
  [[5], []],
  [[1], [1]],
  [[0, 3], [3]],
  [
    [2, 0],
    [2, 1],
  ],
  [
    [2, 1, 3, 1, 2],
    [1, 4, 1, 5, 2],
  ],
  [[7, 33], [33]],
  [
    [7, 33],
    [7, 1],
  ],
  [
    [4, 9],
    [4, 9],
  ],
];

function broadcastShape(x: number[], y: number[]): number[] {
  const r = Math.max(x.length, y.length);
  return Array.from({ length: r }, (_, d) => {
    const p = x[d - (r - x.length)] ?? 1;
    const q = y[d - (r - y.length)] ?? 1;
    return p === 1 ? q : p;
  });
}

describe.each(dtypes)('binary (%s)', (dt) => {
  it.each(Object.keys(binaryRefs) as BinaryOp[])('%s broadcasts like a naive index walk', (op) => {
    broadcastCases.forEach(([sa, sb], c) => {
      const shape = broadcastShape(sa, sb);
      const aValues = sample(size(sa), 100 + c);
      const bValues = sample(size(sb), 200 + c);
      if (aValues.length > 2) aValues[1] = NaN;
      const a = arrayOf(dt, aValues);
      const b = arrayOf(dt, bValues);
      const as = broadcastStrides(sa, shape);
      const bs = broadcastStrides(sb, shape);
      const out = alloc(dt, size(shape));
      binary(op, a, as, b, bs, out, shape);
      const want = naiveBinary(binaryRefs[op], a.data, as, b.data, bs, shape);
      expectClose(dt, out.data, want, op === 'pow' ? 1 : 0);
    });
  });

  it('reads a transposed (non-contiguous) operand through its strides', () => {
    const a = arrayOf(dt, sample(12, 1)); // a 4x3 matrix, read as its 3x4 transpose
    const b = arrayOf(dt, sample(12, 2));
    const out = alloc(dt, 12);
    binary('sub', a, [1, 3], b, [4, 1], out, [3, 4]);
    expectClose(dt, out.data, naiveBinary(binaryRefs.sub, a.data, [1, 3], b.data, [4, 1], [3, 4]));
  });

  it('writes into a (out = a) when a is not broadcast', () => {
    const a = arrayOf(dt, sample(15, 3));
    const b = arrayOf(dt, sample(5, 4));
    const want = naiveBinary(binaryRefs.mul, a.data, [5, 1], b.data, [0, 1], [3, 5]);
    binary('mul', a, [5, 1], b, [0, 1], a, [3, 5]);
    expectClose(dt, a.data, want);
  });

  it('writes into b (out = b) when b is not broadcast', () => {
    const a = arrayOf(dt, sample(4, 5));
    const b = arrayOf(dt, sample(12, 6));
    const want = naiveBinary(binaryRefs.div, a.data, [0, 1], b.data, [4, 1], [3, 4]);
    binary('div', a, [0, 1], b, [4, 1], b, [3, 4]);
    expectClose(dt, b.data, want);
  });

  it('still reads the shape correctly after memory growth (the scratch view is re-derived)', () => {
    const a = arrayOf(dt, sample(6, 7));
    const b = arrayOf(dt, sample(3, 8));
    const want = naiveBinary(binaryRefs.add, a.data, [3, 1], b.data, [0, 1], [2, 3]);
    const out = alloc(dt, 6);
    binary('mul', a, [1], a, [1], out, [6]); // leaves one flat run of 6 in the scratch area
    growMemory(1 << 20);
    binary('add', a, [3, 1], b, [0, 1], out, [2, 3]);
    expectClose(dt, out.data, want);
  });

  it('rejects bad arguments with a message naming them, and writes nothing', () => {
    const a = arrayOf(dt, [1, 2, 3]);
    const b = arrayOf(dt, [4, 5, 6]);
    const out = alloc(dt, 3);
    const other = alloc(dt === 'f32' ? 'f64' : 'f32', 3);
    expect(() => binary('mod' as BinaryOp, a, [1], b, [1], out, [3])).toThrow(/Invalid op: mod/);
    expect(() => binary('add', a, [1], other, [1], out, [3])).toThrow(/b has dtype/);
    expect(() => binary('add', a, [1], b, [1], alloc(dt, 4), [3])).toThrow(/out has length 4, expected 3/);
    expect(() => binary('add', a, [2], b, [1], out, [3])).toThrow(/aStrides address elements 0..4 of a/);
    expect(() => binary('add', a, [1], b, [1, 0], out, [3])).toThrow(/bStrides must have one stride per dim/);
    expect(() => binary('add', a, [1], b, [1], out, [3.5])).toThrow(/Invalid shape\[0\]: 3.5/);
    expect(() => binary('add', a, [1], b, [0.5], out, [3])).toThrow(/Invalid bStrides\[0\]/);
    const nine = [1, 1, 1, 1, 1, 1, 1, 1, 3];
    expect(() => binary('add', a, nine, b, nine, out, nine)).toThrow(/rank 9/);
    expect(() => binary('add', a, [0], b, [1], a, [3])).toThrow(/out is a but a is broadcast/);
    expect(Array.from(out.data)).toEqual([0, 0, 0]);
    expect(Array.from(a.data)).toEqual([1, 2, 3]);
  });
});

describe.each(dtypes)('select (%s)', (dt) => {
  it('picks a where cond != 0 (NaN counts as true) and b elsewhere, all broadcast', () => {
    const shape = [3, 2, 9];
    const condShape = [3, 1, 9];
    const cond = arrayOf(
      dt,
      Array.from({ length: size(condShape) }, (_, i) => (i % 4 === 0 ? NaN : i % 3 === 0 ? 0 : i % 5)),
    );
    const a = arrayOf(dt, sample(size(shape), 5));
    const b = arrayOf(dt, sample(9, 6)); // [9], broadcast over the first two dims
    const cs = broadcastStrides(condShape, shape);
    const as = rowMajorStrides(shape);
    const bs = broadcastStrides([9], shape);
    const out = alloc(dt, size(shape));
    select(cond, cs, a, as, b, bs, out, shape);
    const want: number[] = [];
    forEachIndex(shape, [cs, as, bs], (i, [oc, oa, ob]) => {
      want[i] = cond.data[oc] !== 0 ? a.data[oa] : b.data[ob];
    });
    expectClose(dt, out.data, want);
    select(cond, cs, a, as, b, bs, a, shape); // in place into a
    expectClose(dt, a.data, want);
  });

  it('takes a scalar b and a transposed cond through the scalar path', () => {
    const cond = arrayOf(dt, [1, 0, 0, 1, 1, 0]); // 2x3, read as its 3x2 transpose
    const a = arrayOf(dt, [1, 2, 3, 4, 5, 6]);
    const b = arrayOf(dt, [-1]);
    const out = alloc(dt, 6);
    select(cond, [1, 3], a, [2, 1], b, [0, 0], out, [3, 2]);
    expect(Array.from(out.data)).toEqual([1, 2, -1, 4, -1, -1]);
  });

  it('rejects a cond of another dtype and an out that aliases a broadcast input', () => {
    const a = arrayOf(dt, [1, 2, 3]);
    const out = alloc(dt, 3);
    const c = alloc(dt === 'f32' ? 'f64' : 'f32', 3);
    expect(() => select(c, [1], a, [1], a, [1], out, [3])).toThrow(/a has dtype/);
    const b = arrayOf(dt, [7]);
    expect(() => select(a, [1], a, [1], b, [0], b, [3])).toThrow(/out has length 1, expected 3/);
    expect(Array.from(out.data)).toEqual([0, 0, 0]);
  });
});

describe.each(dtypes)('elu (%s)', (dt) => {
  const values = [...special, ...sample(37, 21)];

  it.each([1, 0.3])('elu with alpha = %s is x or alpha expm1(x), in place too', (alpha) => {
    const x = arrayOf(dt, values);
    const a = round(dt)(alpha);
    const want = Array.from(x.data, (v) => (v > 0 ? v : a * Math.expm1(v)));
    const out = alloc(dt, x.length);
    elu(x, alpha, out);
    expectClose(dt, out.data, want, 4);
    elu(x, alpha, x);
    expectClose(dt, x.data, want, 4);
  });

  it('eluBackward is dy (x > 0 ? 1 : alpha e^x) from the input x, dx = dy allowed', () => {
    const x = arrayOf(dt, values);
    const dy = arrayOf(dt, sample(values.length, 22));
    const a = round(dt)(0.7);
    const want = Array.from(x.data, (v, i) => dy.data[i] * (v > 0 ? 1 : a * Math.exp(v)));
    const dx = alloc(dt, x.length);
    eluBackward(x, 0.7, dy, dx);
    expectClose(dt, dx.data, want, 4);
    eluBackward(x, 0.7, dy, dy);
    expectClose(dt, dy.data, want, 4);
  });

  it('rejects a length mismatch and a non-number alpha, writing nothing', () => {
    const x = arrayOf(dt, [1, -1, 2]);
    const dx = alloc(dt, 3);
    expect(() => elu(x, 1, alloc(dt, 2))).toThrow(/Length mismatch/);
    expect(() => elu(x, undefined as unknown as number, dx)).toThrow(/alpha must be a number/);
    expect(() => eluBackward(x, 1, alloc(dt, 4), dx)).toThrow(/Length mismatch: x has 3 elements, dy has 4/);
    expect(Array.from(dx.data)).toEqual([0, 0, 0]);
  });
});
