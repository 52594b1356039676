import { describe, expect, it } from 'vitest';
import { fromArray } from './arena.js';
import { matrixFrom, type WasmMatrix } from './matrix.js';
import { softmaxCrossEntropyReference, softmaxReference } from './nn-reference.js';
import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward, softmaxCrossEntropy } from './softmax.js';
import { randomArray, rng } from './test-support/random.js';

/** Float32Array's constructor has the same shape as Float64Array's: typed as the latter. */
type Ctor = Float64ArrayConstructor;
const dtypes: [string, Ctor, number][] = [
  ['f32', Float32Array as unknown as Ctor, 2e-6],
  ['f64', Float64Array, 1e-14],
];

/** Logits spread over [-8, 8]. */
function logits(C: Ctor, rows: number, cols: number, seed: number): WasmMatrix {
  const x = randomArray(C, rows * cols, seed).map((v) => 8 * v);
  return matrixFrom(rows, cols, x);
}

function labelsFor(C: Ctor, rows: number, classes: number, seed: number) {
  const r = rng(seed);
  return fromArray(C.from({ length: rows }, () => Math.floor(r() * classes)));
}

function expectAllClose(got: ArrayLike<number>, ref: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    if (!(Math.abs(got[i] - ref[i]) <= tol * (1 + Math.abs(ref[i])))) {
      expect.fail(`${what}[${i}]: got ${got[i]}, expected ${ref[i]}`);
    }
  }
}

// every row length 0..67 (all SIMD tails), plus the MLP's shapes and odd larger ones
const shapes: [number, number][] = [
  ...Array.from({ length: 68 }, (_, c) => [1 + (c % 3), c] as [number, number]),
  [32, 10],
  [17, 129],
  [64, 1000],
];

describe.each(dtypes)('softmax and logSoftmax (%s)', (_dt, C, tol) => {
  it('match the max-shifted reference for rows of every length 0..67 and larger shapes', () => {
    for (const [rows, cols] of shapes) {
      const X = logits(C, rows, cols, rows * 1000 + cols);
      const x = X.data.toArray();
      for (const log of [false, true]) {
        const out = matrixFrom(rows, cols, new C(rows * cols));
        (log ? logSoftmax : softmax)(X, out);
        expectAllClose(
          out.data.data,
          softmaxReference(x, rows, cols, log),
          tol,
          `${rows}x${cols} log=${log}`,
        );
      }
    }
  });

  it('run in place (out === X)', () => {
    const X = logits(C, 5, 13, 1);
    const ref = matrixFrom(5, 13, new C(65));
    softmax(X, ref);
    softmax(X, X);
    expect(Array.from(X.data.data)).toEqual(Array.from(ref.data.data));
  });

  it('stay finite for logits of ±1000 (rows sum to 1, log-probabilities exact)', () => {
    const X = matrixFrom(2, 3, C.from([1000, -1000, 999, -1000, -999, -1000]));
    const p = matrixFrom(2, 3, new C(6));
    const lp = matrixFrom(2, 3, new C(6));
    softmax(X, p);
    logSoftmax(X, lp);
    const a = Math.log1p(Math.exp(-1)); // row 0: lse = 1000 + a
    const b = Math.log1p(2 * Math.exp(-1)); // row 1: lse = -999 + b
    expectAllClose(lp.data.data, [-a, -2000 - a, -1 - a, -1 - b, -b, -1 - b], tol, 'logSoftmax');
    expectAllClose(p.data.data, lp.data.toArray().map(Math.exp), tol, 'softmax');
  });

  it('names both matrices on a shape mismatch', () => {
    expect(() => softmax(logits(C, 2, 3, 1), logits(C, 3, 2, 1))).toThrow(
      'Shape mismatch: X is 2x3, out is 3x2',
    );
  });
});

describe.each(dtypes)('softmaxBackward and logSoftmaxBackward (%s)', (_dt, C, tol) => {
  it('match the Jacobian-transpose product from the saved output, for rows of every length 0..67', () => {
    for (const [rows, cols] of shapes) {
      const X = logits(C, rows, cols, 5 * rows + cols);
      const dy = randomArray(C, rows * cols, cols + 3);
      for (const log of [false, true]) {
        const Y = matrixFrom(rows, cols, new C(rows * cols));
        (log ? logSoftmax : softmax)(X, Y);
        const dX = matrixFrom(rows, cols, new C(rows * cols));
        (log ? logSoftmaxBackward : softmaxBackward)(Y, matrixFrom(rows, cols, dy), dX);
        const p = softmaxReference(X.data.data, rows, cols);
        const ref: number[] = [];
        for (let i = 0; i < rows; i++) {
          let s = 0;
          for (let j = 0; j < cols; j++) s += log ? dy[i * cols + j] : dy[i * cols + j] * p[i * cols + j];
          for (let j = 0; j < cols; j++) {
            const k = i * cols + j;
            ref.push(log ? dy[k] - p[k] * s : p[k] * (dy[k] - s));
          }
        }
        expectAllClose(dX.data.data, ref, 4 * tol, `${rows}x${cols} log=${log}`);
      }
    }
  });

  it('equal central finite differences of Σ dy ⊙ f(x) (f64)', () => {
    const rows = 3;
    const cols = 6;
    const X = logits(Float64Array, rows, cols, 41);
    const dy = randomArray(Float64Array, rows * cols, 42);
    const x = X.data.toArray() as Float64Array;
    for (const log of [false, true]) {
      const f = log ? logSoftmax : softmax;
      const objective = (v: Float64Array) => {
        const out = matrixFrom(rows, cols, new Float64Array(rows * cols));
        f(matrixFrom(rows, cols, v), out);
        let s = 0;
        for (let k = 0; k < v.length; k++) s += out.data.data[k] * dy[k];
        return s;
      };
      const Y = matrixFrom(rows, cols, new Float64Array(rows * cols));
      f(X, Y);
      const dX = matrixFrom(rows, cols, new Float64Array(rows * cols));
      (log ? logSoftmaxBackward : softmaxBackward)(Y, matrixFrom(rows, cols, dy), dX);
      const h = 1e-6;
      for (let k = 0; k < x.length; k++) {
        const plus = x.slice();
        const minus = x.slice();
        plus[k] += h;
        minus[k] -= h;
        expect(Math.abs(dX.data.data[k] - (objective(plus) - objective(minus)) / (2 * h))).toBeLessThan(1e-8);
      }
    }
  });

  it('names the matrices on a shape mismatch', () => {
    const Y = logits(C, 2, 3, 1);
    expect(() => softmaxBackward(Y, logits(C, 2, 4, 1), Y)).toThrow('Shape mismatch: Y is 2x3, dY is 2x4');
    expect(() => logSoftmaxBackward(Y, Y, logits(C, 1, 3, 1))).toThrow(
      'Shape mismatch: dY is 2x3, dX is 1x3',
    );
  });
});

describe.each(dtypes)('softmaxCrossEntropy (%s)', (_dt, C, tol) => {
  it('matches the reference loss and gradient for every class count 1..67 and larger shapes', () => {
    for (const [rows, cols] of shapes.filter(([, c]) => c > 0)) {
      const X = logits(C, rows, cols, rows + 7 * cols);
      const labels = labelsFor(C, rows, cols, cols);
      const G = matrixFrom(rows, cols, new C(rows * cols));
      const loss = softmaxCrossEntropy(X, labels, G);
      const ref = softmaxCrossEntropyReference(X.data.data, labels.data, rows, cols);
      expect(Math.abs(loss - ref.loss)).toBeLessThan(tol * (1 + ref.loss));
      expectAllClose(G.data.data, ref.grad, tol, `${rows}x${cols} dLogits`);
      expect(softmaxCrossEntropy(X, labels)).toBe(loss); // loss only, no gradient written
    }
  });

  it('may write dLogits over the logits', () => {
    const X = logits(C, 4, 11, 3);
    const labels = labelsFor(C, 4, 11, 4);
    const G = matrixFrom(4, 11, new C(44));
    const loss = softmaxCrossEntropy(X, labels, G);
    expect(softmaxCrossEntropy(X, labels, X)).toBe(loss);
    expect(Array.from(X.data.data)).toEqual(Array.from(G.data.data));
  });

  it('is stable for logits of ±1000: no NaN or Inf, and the exact loss', () => {
    const X = matrixFrom(3, 3, C.from([1000, -1000, 999, -1000, -1000, -1000, 1000, 1000, -1000]));
    const labels = fromArray(C.from([1, 0, 2]));
    const G = matrixFrom(3, 3, new C(9));
    const loss = softmaxCrossEntropy(X, labels, G);
    // row 0: lse = 1000 + log(1 + e^-1), target -1000; row 1: log 3; row 2: 2000 + log 2
    const ref = (2000 + Math.log1p(Math.exp(-1)) + Math.log(3) + 2000 + Math.log(2)) / 3;
    expect(Math.abs(loss - ref)).toBeLessThan(tol * ref);
    for (const g of G.data.data) expect(Number.isFinite(g)).toBe(true);
    const s = 1 / (1 + Math.exp(-1));
    expectAllClose(
      G.data.data,
      [s / 3, -1 / 3, (1 - s) / 3, 1 / 9 - 1 / 3, 1 / 9, 1 / 9, 1 / 6, 1 / 6, -1 / 3],
      tol,
      'dLogits',
    );
  });

  it('rejects labels that are not integer classes, naming the index, and changes nothing', () => {
    const X = logits(C, 3, 4, 9);
    const G = matrixFrom(
      3,
      4,
      C.from({ length: 12 }, () => 7),
    );
    for (const [bad, msg] of [
      [[0, 4, 1], 'Invalid label at index 1: 4'],
      [[0, 1, -1], 'Invalid label at index 2: -1'],
      [[0.5, 1, 1], 'Invalid label at index 0: 0.5'],
      [[0, Number.NaN, 1], 'Invalid label at index 1: NaN'],
    ] as [number[], string][]) {
      expect(() => softmaxCrossEntropy(X, fromArray(C.from(bad)), G)).toThrow(msg);
    }
    expect(Array.from(G.data.data)).toEqual(Array.from({ length: 12 }, () => 7));
    expect(() => softmaxCrossEntropy(X, fromArray(C.from([0, 1])), G)).toThrow(
      'Length mismatch: logits has 3 rows, labels has 2 elements',
    );
    expect(() => softmaxCrossEntropy(X, labelsFor(C, 3, 4, 1), logits(C, 3, 5, 1))).toThrow(
      'Shape mismatch: logits is 3x4, dLogits is 3x5',
    );
  });

  it('gives NaN for an empty batch, as torch', () => {
    expect(softmaxCrossEntropy(matrixFrom(0, 3, new C(0)), fromArray(new C(0)))).toBeNaN();
  });
});

describe('softmaxCrossEntropy gradient', () => {
  it('equals central finite differences of the loss (f64)', () => {
    const rows = 5;
    const cols = 7;
    const X = logits(Float64Array, rows, cols, 21);
    const labels = labelsFor(Float64Array, rows, cols, 22);
    const G = matrixFrom(rows, cols, new Float64Array(rows * cols));
    softmaxCrossEntropy(X, labels, G);
    const x = X.data.toArray();
    const h = 1e-5;
    for (let i = 0; i < x.length; i++) {
      const lossAt = (v: number) => {
        const y = x.slice();
        y[i] = v;
        return softmaxCrossEntropy(matrixFrom(rows, cols, y), labels);
      };
      const fd = (lossAt(x[i] + h) - lossAt(x[i] - h)) / (2 * h);
      expect(Math.abs(G.data.data[i] - fd)).toBeLessThan(1e-9);
    }
  });
});
