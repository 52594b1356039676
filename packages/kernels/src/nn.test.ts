import { describe, expect, it } from 'vitest';
import { alloc, fromArray, type WasmArray } from './arena.js';
import { matrixFrom } from './matrix.js';
import {
  biasAdd,
  columnSums,
  dropout,
  fillDropoutMask,
  gelu,
  geluBackward,
  leakyRelu,
  leakyReluBackward,
  relu,
  reluBackward,
  sigmoid,
  sigmoidBackward,
  tanh,
  tanhBackward,
} from './nn.js';
import { activationReferences as R } from './nn-reference.js';
import { randomArray, rng } from './test-support/random.js';

/** Float32Array's constructor has the same shape as Float64Array's: typed as the latter. */
type Ctor = Float64ArrayConstructor;
const dtypes: [string, Ctor][] = [
  ['f32', Float32Array as unknown as Ctor],
  ['f64', Float64Array],
];

interface Activation {
  name: string;
  forward(x: WasmArray, out: WasmArray): void;
  backward(saved: WasmArray, dy: WasmArray, dx: WasmArray): void;
  saves: 'input' | 'output';
  f(x: number): number;
  df(x: number): number;
}

const activations: Activation[] = [
  { name: 'relu', forward: relu, backward: reluBackward, saves: 'input', ...R.relu },
  {
    name: 'leakyRelu(0.2)',
    forward: (x, o) => leakyRelu(x, o, { negativeSlope: 0.2 }),
    backward: (s, dy, dx) => leakyReluBackward(s, dy, dx, { negativeSlope: 0.2 }),
    saves: 'input',
    ...R.leakyRelu(0.2),
  },
  { name: 'sigmoid', forward: sigmoid, backward: sigmoidBackward, saves: 'output', ...R.sigmoid },
  { name: 'tanh', forward: tanh, backward: tanhBackward, saves: 'output', ...R.tanh },
  { name: 'gelu', forward: gelu, backward: geluBackward, saves: 'input', ...R.gelu },
  {
    name: "gelu(approximate='tanh')",
    forward: (x, o) => gelu(x, o, { approximate: 'tanh' }),
    backward: (s, dy, dx) => geluBackward(s, dy, dx, { approximate: 'tanh' }),
    saves: 'input',
    ...R.geluTanh,
  },
];

/** Inputs spread over [-6, 6] (the range where every activation is curved), seeded. */
function inputs(C: Ctor, n: number, seed: number): Float64Array {
  const x = randomArray(C, n, seed);
  for (let i = 0; i < n; i++) x[i] *= 6;
  return x;
}

/**
 * |got - ref| <= k ε (|ref| + |x ref'|): the rounding of the result plus that of the input's
 * propagation through f (the forward error bound of a well-implemented f).
 */
function expectClose(got: number, ref: number, scale: number, eps: number, what: string): void {
  const tol = 8 * eps * (Math.abs(ref) + Math.abs(scale)) + 1e-300;
  if (!(Math.abs(got - ref) <= tol)) expect.fail(`${what}: got ${got}, expected ${ref} (tolerance ${tol})`);
}

const isF32 = (C: Ctor): boolean => (C as unknown) === Float32Array;
const epsOf = (C: Ctor): number => (isF32(C) ? 2 ** -24 : 2 ** -53);

describe.each(dtypes)('activations (%s)', (_dt, C) => {
  const eps = epsOf(C);
  describe.each(activations.map((a) => [a.name, a] as const))('%s', (_name, act) => {
    it('matches the Math.* reference forward for every length 0..67 and a 1031-element array', () => {
      for (const n of [...Array.from({ length: 68 }, (_, i) => i), 1031]) {
        const x = inputs(C, n, n + 7);
        const xa = fromArray(x);
        const out = alloc(xa.dtype, n);
        act.forward(xa, out);
        const y = out.data;
        for (let i = 0; i < n; i++) {
          expectClose(y[i], act.f(x[i]), x[i] * act.df(x[i]), eps, `n=${n} f(${x[i]})`);
        }
      }
    });

    it('matches the reference derivative times dy in backward for every length 0..67', () => {
      for (let n = 0; n <= 67; n++) {
        const x = inputs(C, n, 100 + n);
        const dy = randomArray(C, n, 200 + n);
        const xa = fromArray(x);
        const saved = act.saves === 'input' ? xa : alloc(xa.dtype, n);
        if (act.saves === 'output') act.forward(xa, saved);
        const dx = alloc(xa.dtype, n);
        act.backward(saved, fromArray(dy), dx);
        const g = dx.data;
        for (let i = 0; i < n; i++) {
          const ref = dy[i] * act.df(x[i]);
          // the derivative is evaluated from a rounded y or x: allow its conditioning (x f''~ f')
          expectClose(g[i], ref, 4 * Math.abs(dy[i]) * (1 + Math.abs(x[i])), eps, `n=${n} f'(${x[i]})`);
        }
      }
    });

    it('runs in place (out === x, dx === dy) with the same results', () => {
      const x = inputs(C, 37, 5);
      const a = fromArray(x);
      const b = fromArray(x);
      const ref = alloc(a.dtype, 37);
      act.forward(a, ref);
      act.forward(b, b);
      expect(Array.from(b.data)).toEqual(Array.from(ref.data));
      const saved = act.saves === 'input' ? a : ref;
      const dy = fromArray(randomArray(C, 37, 6));
      const dx = alloc(a.dtype, 37);
      act.backward(saved, dy, dx);
      act.backward(saved, dy, dy);
      expect(Array.from(dy.data)).toEqual(Array.from(dx.data));
    });

    if (C === Float64Array) {
      it('has a backward equal to central finite differences of its forward (f64)', () => {
        const n = 50;
        const x = inputs(C, n, 11).map((v) => (Math.abs(v) < 1e-3 ? v + 0.01 : v)); // off the ReLU kink
        const dy = randomArray(C, n, 12);
        const h = 1e-6;
        const plus = alloc('f64', n);
        const minus = alloc('f64', n);
        act.forward(fromArray(x.map((v) => v + h)), plus);
        act.forward(fromArray(x.map((v) => v - h)), minus);
        const xa = fromArray(x);
        const saved = act.saves === 'input' ? xa : alloc('f64', n);
        if (act.saves === 'output') act.forward(xa, saved);
        const dx = alloc('f64', n);
        act.backward(saved, fromArray(dy), dx);
        for (let i = 0; i < n; i++) {
          const fd = (dy[i] * (plus.data[i] - minus.data[i])) / (2 * h);
          expect(Math.abs(dx.data[i] - fd)).toBeLessThan(1e-8 * (1 + Math.abs(x[i])));
        }
      });
    }

    it('names both arrays on a length or dtype mismatch', () => {
      const dt = isF32(C) ? 'f32' : 'f64';
      const other = isF32(C) ? 'f64' : 'f32';
      expect(() => act.forward(alloc(dt, 3), alloc(dt, 4))).toThrow('x has 3 elements, out has 4');
      expect(() => act.forward(alloc(dt, 3), alloc(other, 3))).toThrow(
        `out has dtype ${other}, expected ${dt}`,
      );
      expect(() => act.backward(alloc(dt, 3), alloc(dt, 3), alloc(dt, 5))).toThrow(
        /dy has 3 elements, dx has 5/,
      );
    });
  });
});

describe('activations at extreme inputs', () => {
  const special = [
    0,
    -0,
    1e-30,
    -1e-30,
    20,
    -20,
    90,
    -90,
    200,
    -200,
    800,
    -800,
    1e30,
    -1e30,
    Infinity,
    -Infinity,
  ];
  it.each(dtypes)(
    'sigmoid and tanh stay finite and exact at the ends, and keep signed zeros (%s)',
    (_dt, C) => {
      const x = fromArray(C.from(special));
      const s = alloc(x.dtype, special.length);
      const t = alloc(x.dtype, special.length);
      sigmoid(x, s);
      tanh(x, t);
      special.forEach((v, i) => {
        const rs = isF32(C) ? Math.fround(R.sigmoid.f(Math.fround(v))) : R.sigmoid.f(v);
        const rt = isF32(C) ? Math.fround(Math.tanh(Math.fround(v))) : Math.tanh(v);
        expect(Math.abs(s.data[i] - rs)).toBeLessThanOrEqual(4 * epsOf(C) * rs);
        expect(Object.is(t.data[i], rt) || Math.abs(t.data[i] - rt) <= 4 * epsOf(C) * Math.abs(rt)).toBe(
          true,
        );
      });
    },
  );

  it.each(dtypes)('relu(-inf) is 0, and NaN propagates through every forward (%s)', (_dt, C) => {
    const x = fromArray(C.from([-Infinity, Number.NaN]));
    for (const act of activations) {
      const y = alloc(x.dtype, 2);
      act.forward(x, y);
      expect(Number.isNaN(y.data[1])).toBe(true);
    }
    const y = alloc(x.dtype, 2);
    relu(x, y);
    expect(y.data[0]).toBe(0);
  });
});

describe.each(dtypes)('biasAdd and columnSums (%s)', (_dt, C) => {
  const shapes = [
    [0, 0],
    [1, 1],
    [3, 5],
    [7, 13],
    [32, 128],
    [5, 67],
    [64, 10],
  ];
  it.each(shapes)('biasAdd adds b to every row of a %ix%i matrix', (rows, cols) => {
    const y = randomArray(C, rows * cols, rows + cols);
    const b = randomArray(C, cols, 99);
    const Y = matrixFrom(rows, cols, y);
    biasAdd(Y, fromArray(b));
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        expect(Y.data.data[i * cols + j]).toBe(
          isF32(C) ? Math.fround(y[i * cols + j] + b[j]) : y[i * cols + j] + b[j],
        );
      }
  });

  it.each(shapes)('columnSums sums the rows of a %ix%i matrix, and accumulates when asked', (rows, cols) => {
    const d = randomArray(C, rows * cols, 3 * rows + cols);
    const out = fromArray(C.from({ length: cols }, () => 123));
    columnSums(matrixFrom(rows, cols, d), out);
    const ref = Array.from({ length: cols }, (_, j) => {
      let s = 0;
      for (let i = 0; i < rows; i++) s += d[i * cols + j];
      return s;
    });
    const tol = (isF32(C) ? 1e-6 : 1e-14) * Math.max(1, rows);
    for (const [j, r] of ref.entries()) expect(Math.abs(out.data[j] - r)).toBeLessThan(tol);
    columnSums(matrixFrom(rows, cols, d), out, { accumulate: true });
    for (const [j, r] of ref.entries()) expect(Math.abs(out.data[j] - 2 * r)).toBeLessThan(2 * tol);
  });

  it('names the arguments on a shape mismatch', () => {
    const Y = matrixFrom(2, 3, new C(6));
    expect(() => biasAdd(Y, fromArray(new C(2)))).toThrow(/Y has 3 columns, b has 2 elements/);
    expect(() => columnSums(Y, fromArray(new C(4)))).toThrow(/dY has 3 columns, out has 4 elements/);
  });
});

describe.each(dtypes)('dropout (%s)', (_dt, C) => {
  it('scales the kept elements by 1/(1-p) and zeroes the dropped ones, for every length 0..67', () => {
    const random = rng(42);
    for (let n = 0; n <= 67; n++) {
      const x = randomArray(C, n, n);
      const mask = alloc(isF32(C) ? 'f32' : 'f64', n);
      fillDropoutMask(mask, 0.3, random);
      const out = alloc(mask.dtype, n);
      dropout(fromArray(x), mask, 0.3, out);
      for (let i = 0; i < n; i++) {
        const ref = mask.data[i] === 0 ? 0 : x[i] / 0.7;
        expect(Math.abs(out.data[i] - ref)).toBeLessThanOrEqual(4 * epsOf(C) * Math.abs(ref));
      }
    }
  });

  it('keeps about 1 - p of the elements, reproducibly from the seed', () => {
    const a = alloc('f64', 20000);
    const b = alloc('f64', 20000);
    fillDropoutMask(a, 0.25, rng(7));
    fillDropoutMask(b, 0.25, rng(7));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const kept = a.data.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(kept - 0.75)).toBeLessThan(0.01);
  });

  it('drops everything at p = 1 and rejects p outside [0, 1]', () => {
    const x = fromArray(C.from([1, 2, 3]));
    const mask = fromArray(C.from([0, 0, 0]));
    const out = alloc(x.dtype, 3);
    dropout(x, mask, 1, out);
    expect(Array.from(out.data)).toEqual([0, 0, 0]);
    expect(() => dropout(x, mask, -0.1, out)).toThrow('Invalid dropout probability: -0.1');
    expect(() => dropout(x, mask, 1.5, out)).toThrow('Invalid dropout probability: 1.5');
  });
});

describe('activation options', () => {
  it('rejects a non-finite negativeSlope and an unknown GELU approximation', () => {
    const x = alloc('f64', 2);
    expect(() => leakyRelu(x, x, { negativeSlope: Number.NaN })).toThrow('Invalid negativeSlope: NaN');
    expect(() => gelu(x, x, { approximate: 'erf' as 'none' })).toThrow(
      "Invalid approximate: erf (expected 'none' or 'tanh')",
    );
  });

  it('rejects an output that partly overlaps its input', () => {
    // two 8-element windows one element apart inside one allocation (no public API makes these)
    const block = alloc('f64', 16);
    const window = (offset: number) =>
      ({ dtype: 'f64', length: 8, ptr: block.ptr + 8 * offset, freed: false }) as unknown as WasmArray;
    expect(() => relu(window(0), window(1))).toThrow('out overlaps x in memory');
    expect(() => reluBackward(window(0), window(8), window(9))).toThrow('dx overlaps dy in memory');
  });
});
