import { describe, expect, it } from 'vitest';
import { iris } from '../datasets/iris.js';
import { standardize } from '../datasets/standardize.js';
import { evaluate } from '../evaluate.js';
import { mlp } from '../mlp.js';
import { flatParameters, parameterCount, setFlatParameters } from './data-pass.js';
import { filterNormalize, filterNormalizedDirection, lossSlice1d, lossSurface2d } from './loss-landscape.js';

const data = standardize(iris()).train;
const model = () => mlp({ sizes: [4, 8, 6, 3], activation: 'relu', batchNorm: true, dtype: 'f64', seed: 3 });

/** The loss at θ + Σ c_k d_k, set by hand. */
function lossAt(m: ReturnType<typeof model>, dirs: Float64Array[], c: number[]) {
  const theta = flatParameters(m);
  setFlatParameters(
    m,
    theta.map((t, i) => t + dirs.reduce((s, d, k) => s + c[k] * d[i], 0)),
  );
  const l = evaluate(m, data).loss;
  setFlatParameters(m, theta);
  return l;
}

describe('filter normalization', () => {
  it('gives every filter of the direction the norm of the weight’s filter, and biases zero', () => {
    const m = model();
    const d = filterNormalizedDirection(m, { seed: 4 });
    let o = 0;
    let filters = 0;
    for (const p of m.parameters()) {
      if (p.shape.length === 2) {
        const [rows, cols] = p.shape;
        for (let r = 0; r < rows; r++) {
          let wn = 0;
          let dn = 0;
          for (let c = 0; c < cols; c++) {
            wn += p.data[r * cols + c] ** 2;
            dn += d[o + r * cols + c] ** 2;
          }
          expect(Math.sqrt(dn)).toBeCloseTo(Math.sqrt(wn), 9);
          filters++;
        }
      } else {
        for (let k = 0; k < p.length; k++) expect(d[o + k]).toBe(0); // biases and batch-norm γ, β
      }
      o += p.length;
    }
    expect(filters).toBe(8 + 6 + 3);
    m.free();
  });

  it('keeps the direction within each filter (only its length changes) and copies θ for biases when asked', () => {
    const m = model();
    const raw = Float64Array.from({ length: parameterCount(m) }, (_, i) => Math.sin(i + 1));
    const d = filterNormalize(m, raw, { biases: 'weights' });
    const w = m.parameters()[0]; // dense0.weight [8, 4]
    for (let r = 0; r < 8; r++) {
      const ratio = d[r * 4] / raw[r * 4];
      for (let c = 1; c < 4; c++) expect(d[r * 4 + c] / raw[r * 4 + c]).toBeCloseTo(ratio, 12);
    }
    const bias = m.parameters()[1];
    expect(Array.from(d.subarray(w.length, w.length + bias.length))).toEqual(Array.from(bias.data));
    m.free();
  });

  it('is reproducible from its seed', () => {
    const m = model();
    expect(filterNormalizedDirection(m, { seed: 1 })).toEqual(filterNormalizedDirection(m, { seed: 1 }));
    expect(filterNormalizedDirection(m, { seed: 1 })).not.toEqual(filterNormalizedDirection(m, { seed: 2 }));
    m.free();
  });
});

describe('lossSlice1d', () => {
  it('evaluates L(θ + α d) on the grid, L(θ) at α = 0, and leaves θ unchanged', () => {
    const m = model();
    const theta = flatParameters(m);
    const s = lossSlice1d(m, data, { seed: 5, range: [-2, 2], steps: 5 });
    expect(Array.from(s.alphas)).toEqual([-2, -1, 0, 1, 2]);
    expect(s.losses[2]).toBeCloseTo(evaluate(m, data).loss, 13);
    for (const [k, a] of s.alphas.entries())
      expect(s.losses[k]).toBeCloseTo(lossAt(m, [s.direction], [a]), 13);
    expect(s.accuracies).toHaveLength(5);
    expect(flatParameters(m)).toEqual(theta);
    m.free();
  });

  it('interpolates between two parameter vectors with direction θ_B - θ_A over [0, 1]', () => {
    const a = model();
    const b = mlp({ sizes: [4, 8, 6, 3], activation: 'relu', batchNorm: true, dtype: 'f64', seed: 9 });
    const thetaB = flatParameters(b);
    const direction = thetaB.map((t, i) => t - flatParameters(a)[i]);
    const s = lossSlice1d(a, data, { direction, range: [0, 1], steps: 3 });
    expect(s.losses[0]).toBeCloseTo(evaluate(a, data).loss, 13);
    expect(s.losses[2]).toBeCloseTo(evaluate(b, data).loss, 10);
    a.free();
    b.free();
  });
});

describe('lossSurface2d', () => {
  it('fills a β-by-α grid with L(θ + α d₁ + β d₂), rows being β', () => {
    const m = model();
    const r = lossSurface2d(m, data, { seed: 6, steps: 3, range: [-0.5, 0.5] });
    expect(r.losses).toHaveLength(9);
    expect(r.losses[4]).toBeCloseTo(evaluate(m, data).loss, 13);
    expect(r.directions[0]).not.toEqual(r.directions[1]);
    for (const [i, b] of r.betas.entries()) {
      for (const [j, a] of r.alphas.entries()) {
        expect(r.losses[i * 3 + j]).toBeCloseTo(lossAt(m, r.directions, [a, b]), 13);
      }
    }
    m.free();
  });

  it('rejects bad grids and directions, naming the option', () => {
    const m = model();
    expect(() => lossSurface2d(m, data, { steps: 1 })).toThrow(/^Invalid steps: 1/);
    expect(() => lossSlice1d(m, data, { range: [1, 1] })).toThrow(/^Invalid range: \[1,1\]/);
    expect(() => lossSlice1d(m, data, { direction: new Float64Array(2) })).toThrow(
      /^Length mismatch: direction has 2 values/,
    );
    expect(() => filterNormalizedDirection(m, { biases: 'all' as never })).toThrow(/^Invalid biases: all/);
    m.free();
  });
});
