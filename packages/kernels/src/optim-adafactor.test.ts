import { describe, expect, it } from 'vitest';
import { alloc, fromArray } from './arena.js';
import { adafactorFactorLengths, fusedAdafactorStep } from './optim-adafactor.js';
import { randomArray } from './test-support/random.js';

/** torch's lerp. */
const lerp = (a: number, b: number, w: number) =>
  Math.abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);

/**
 * torch.optim.Adafactor's single-tensor step written out naively in f64 (the kernels reduce in
 * another order, so the comparison has a tolerance).
 */
function naiveStep(
  theta: number[],
  grad: number[],
  shape: number[],
  st: { v?: number[]; R?: number[]; C?: number[] },
  s: {
    step: number;
    lr: number;
    beta2Decay: number;
    eps1: number;
    eps2: number;
    d: number;
    weightDecay: number;
    maximize: boolean;
  },
) {
  const n = theta.length;
  const g = grad.map((x) => (s.maximize ? -x : x));
  const w = s.step ** s.beta2Decay;
  const rho = Math.min(s.lr, 1 / Math.sqrt(s.step));
  const rms = (x: number[]) => Math.sqrt(x.reduce((a, b) => a + b * b, 0) / x.length);
  const alpha = Math.max(s.eps2, rms(theta)) * rho;
  const V: number[] = new Array(n);
  if (shape.length >= 2) {
    const [rows, cols] = shape.slice(-2);
    for (let b = 0; b < n / (rows * cols); b++) {
      const at = (i: number, j: number) => b * rows * cols + i * cols + j;
      for (let i = 0; i < rows; i++) {
        let m = 0;
        for (let j = 0; j < cols; j++) m += g[at(i, j)] ** 2 / cols;
        st.R![b * rows + i] = lerp(st.R![b * rows + i], m, w);
      }
      for (let j = 0; j < cols; j++) {
        let m = 0;
        for (let i = 0; i < rows; i++) m += g[at(i, j)] ** 2 / rows;
        st.C![b * cols + j] = lerp(st.C![b * cols + j], m, w);
      }
      let mean = 0;
      for (let i = 0; i < rows; i++) mean += st.R![b * rows + i] / rows;
      mean = Math.max(mean, s.eps1);
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) V[at(i, j)] = (st.R![b * rows + i] * st.C![b * cols + j]) / mean;
    }
  } else {
    for (let i = 0; i < n; i++) V[i] = st.v![i] = lerp(st.v![i], g[i] * g[i], w);
  }
  const U = g.map((x, i) => x / Math.sqrt(Math.max(V[i], s.eps1 * s.eps1)));
  const scale = alpha / Math.max(1, rms(U) / s.d);
  const decay = s.weightDecay !== 0 ? 1 - s.lr * s.weightDecay : 1;
  for (let i = 0; i < n; i++) theta[i] = theta[i] * decay - scale * U[i];
}

const shapes = [[1], [7], [16], [1, 1], [3, 5], [5, 3], [4, 8], [9, 13], [2, 3, 5], [3, 1, 7]];
const scalars = [
  { lr: 1e-2, beta2Decay: -0.8, eps1: 1e-12, eps2: 1e-3, d: 1, weightDecay: 0, maximize: false },
  { lr: 0.05, beta2Decay: -0.5, eps1: 1e-3, eps2: 1e-2, d: 1.5, weightDecay: 0.2, maximize: true },
];

describe.each(['f64', 'f32'] as const)('fusedAdafactorStep (%s)', (dtype) => {
  const Ctor: new (n: number) => Float32Array | Float64Array = dtype === 'f32' ? Float32Array : Float64Array;
  const tol = dtype === 'f64' ? 1e-13 : 2e-6;
  it.each(
    shapes.flatMap((shape) => scalars.map((s) => [JSON.stringify(shape), s.maximize, shape, s] as const)),
  )('matches the naive step for 5 steps, shape %s (maximize %s)', (_label, _m, shape, s) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const theta = randomArray(Ctor, n, n + 11);
    const P = fromArray(theta);
    const G = alloc(dtype, n);
    const factored = shape.length >= 2;
    const lengths = factored ? adafactorFactorLengths(shape) : { rowVar: 0, colVar: 0 };
    const state = factored
      ? { rowVar: alloc(dtype, lengths.rowVar), colVar: alloc(dtype, lengths.colVar) }
      : { variance: alloc(dtype, n) };
    const ref = {
      p: Array.from(theta),
      st: {
        v: new Array(n).fill(0),
        R: new Array(lengths.rowVar).fill(0),
        C: new Array(lengths.colVar).fill(0),
      },
    };
    for (let step = 1; step <= 5; step++) {
      const g = randomArray(Ctor, n, 100 * step + n);
      G.data.set(g);
      fusedAdafactorStep(P, G, shape, state, { ...s, step });
      naiveStep(ref.p, Array.from(g), shape, ref.st, { ...s, step });
      // keep both sides on the same (rounded) values, so that f32 errors do not compound
      if (dtype === 'f32') {
        for (let i = 0; i < n; i++) ref.p[i] = P.data[i];
      }
    }
    const got = Array.from(P.data);
    got.forEach((v, i) => {
      expect(Math.abs(v - ref.p[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(ref.p[i])));
    });
  });
});

describe('fusedAdafactorStep', () => {
  it('names the state array whose length does not fit the shape', () => {
    const p = alloc('f64', 15);
    expect(() =>
      fusedAdafactorStep(
        p,
        alloc('f64', 15),
        [3, 5],
        { rowVar: alloc('f64', 5), colVar: alloc('f64', 5) },
        {
          step: 1,
          lr: 0.01,
          beta2Decay: -0.8,
          eps1: 1e-30,
          eps2: 1e-3,
          d: 1,
          weightDecay: 0,
          maximize: false,
        },
      ),
    ).toThrow(/rowVar has length 5, expected 3/);
    expect(() =>
      fusedAdafactorStep(
        alloc('f64', 3),
        alloc('f64', 3),
        [3],
        { rowVar: alloc('f64', 3), colVar: alloc('f64', 1) },
        {
          step: 1,
          lr: 0.01,
          beta2Decay: -0.8,
          eps1: 1e-30,
          eps2: 1e-3,
          d: 1,
          weightDecay: 0,
          maximize: false,
        },
      ),
    ).toThrow(/two or more dimensions/);
  });
});
